// The C10k lab as LabHost serves it to a page: one sweep at a time, its progress as LabEvents
// (which model, which connection count, steps left), stopped on request with every server and
// load process ended, and its state (the one running, or the last that ended) for a page that
// (re)connects. The sweep itself is runSweep (sweep.ts), the same the CLI runs.
import { randomUUID } from 'node:crypto'
import type { LabEvent } from '../../../shared/api'
import { MAX_SWEEP_STEPS, parseSweep, type C10kState, type ServerModelId, type SweepInput } from '../../../shared/c10k'
import { ValidationError } from '../../../shared/schemas'
import { ChildRegistry } from '../children'
import type { C10kEntries } from './servers'
import { runSweep } from './sweep'

export interface C10kLabOptions {
  entries: C10kEntries | undefined
  emit(event: LabEvent): void
  /** The Python interpreter the Python models use (an id or path of the catalog); default: one with their frameworks. */
  python?: string
}

export class C10kLab {
  private latest: C10kState | null = null
  private abort: AbortController | null = null
  private done: Promise<void> | null = null
  private readonly registry = new ChildRegistry()

  constructor(private readonly options: C10kLabOptions) {}

  /** Whether a sweep is in progress. */
  get running(): boolean {
    return this.latest?.status === 'running'
  }

  /** Validates the sweep and starts it; resolves to its id once it has started. */
  start(input: SweepInput): string {
    if (this.running) throw new Error('a C10k sweep is in progress: stop it first')
    const entries = this.options.entries
    if (!entries)
      throw new Error(
        'the C10k lab is not available in this build: it runs its servers and load generator as Node processes, which the packaged desktop app may not start (use the CLI’s c10k or browser mode)',
      )
    const sweep = parseSweep(input)
    const total = sweep.models.length * sweep.connections.length
    if (total > MAX_SWEEP_STEPS)
      throw new ValidationError([
        `the sweep has ${total} steps (models × connection counts); it may have at most ${MAX_SWEEP_STEPS}`,
      ])
    const id = randomUUID()
    const state: C10kState = {
      id,
      status: 'running',
      sweep,
      total,
      steps: [],
      current: null,
      result: null,
      error: null,
    }
    this.latest = state
    const abort = new AbortController()
    this.abort = abort
    const emit = this.options.emit
    emit({ type: 'c10k-start', runId: id, state: { ...state } })
    this.done = runSweep(sweep, {
      entries,
      registry: this.registry,
      signal: abort.signal,
      ...(this.options.python !== undefined ? { python: this.options.python } : {}),
      onStepStart: ({ model, connections }) => {
        state.current = { model: model as ServerModelId, connections }
        emit({ type: 'c10k-progress', runId: id, model, connections, done: state.steps.length, total })
      },
      onStep: (step) => {
        state.steps.push(step)
        state.current = null
        emit({ type: 'c10k-step', runId: id, step, done: state.steps.length, total })
      },
    })
      .then(
        (result) => {
          state.result = result
          state.status = abort.signal.aborted ? 'stopped' : 'finished'
        },
        (error: unknown) => {
          state.error = error instanceof Error ? error.message : String(error)
          state.status = 'failed'
        },
      )
      .finally(() => {
        state.current = null
        if (this.abort === abort) this.abort = null
        emit({ type: 'c10k-end', runId: id, state: { ...state } })
      })
    return id
  }

  /** Stops the sweep `id` (the current step fails as stopped); resolves once every child has ended. */
  async stop(id: string): Promise<void> {
    if (!this.latest || this.latest.id !== id) throw new Error('no C10k sweep with that id')
    this.abort?.abort()
    await this.done
    await this.registry.stopAll(3000)
  }

  /** The sweep in progress, or the last that ended; null before the first. */
  state(): C10kState | null {
    return this.latest ? { ...this.latest, steps: [...this.latest.steps] } : null
  }

  /** Resolves once the sweep in progress (if any) has ended. */
  async settled(): Promise<C10kState | null> {
    await this.done
    return this.state()
  }

  /** Stops a sweep in progress and ends every child it started. */
  async shutdown(): Promise<void> {
    this.abort?.abort()
    await this.done
    await this.registry.stopAll(200)
  }
}
