// LabHost: the lab behind LabApi, Electron-free. The desktop app, the browser-mode server, the
// CLI and the tests each own one, and inject how worker processes are launched.
import { randomUUID } from 'node:crypto'
import type { Catalog, LabApi, LabEvent, LabEventListener, SessionSummary } from '../../shared/api'
import { STRATEGIES, WORKLOADS } from '../../shared/catalog'
import { parseRunConfig, type Run, type RunConfigInput } from '../../shared/schemas'
import { ChildRegistry } from './children'
import type { ProcessLauncher } from './launcher'
import { machineInfo } from './machine'
import { RunController, type WorkerEntries } from './runner'

export interface LabHostOptions {
  entries: WorkerEntries
  launcher: ProcessLauncher
}

const SESSIONS_PENDING = 'sessions are not available yet: saving and opening sessions is still being built'

export class LabHost implements LabApi {
  private readonly listeners = new Set<LabEventListener>()
  private readonly runs = new Map<string, RunController>()
  readonly registry = new ChildRegistry()

  constructor(private readonly options: LabHostOptions) {}

  async catalog(): Promise<Catalog> {
    return {
      workloads: WORKLOADS,
      strategies: STRATEGIES,
      runtimes: [{ id: 'node', kind: 'node', version: process.versions.node, executable: process.execPath }],
      machine: machineInfo(),
    }
  }

  async startRun(input: RunConfigInput): Promise<string> {
    const config = parseRunConfig(input)
    const id = randomUUID()
    const controller = new RunController(id, config, {
      entries: this.options.entries,
      launcher: this.options.launcher,
      registry: this.registry,
      emit: (event) => this.emit(event),
    })
    this.runs.set(id, controller)
    return id
  }

  async stopRun(id: string): Promise<void> {
    await this.controller(id).stop()
  }

  /** Resolves with the run once it has ended (finished, stopped or failed). */
  waitForRun(id: string): Promise<Run> {
    return this.controller(id).done
  }

  async getRun(id: string): Promise<Run> {
    return this.controller(id).run
  }

  onEvent(listener: LabEventListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  async exportRun(runId: string, format: 'json'): Promise<string> {
    if (format !== 'json') throw new Error(`cannot export as ${String(format)}: only json is available`)
    return JSON.stringify(this.controller(runId).run, null, 2)
  }

  async listSessions(): Promise<SessionSummary[]> {
    throw new Error(SESSIONS_PENDING)
  }

  async openSession(_id: string): Promise<unknown> {
    throw new Error(SESSIONS_PENDING)
  }

  async saveSession(_session: unknown): Promise<string> {
    throw new Error(SESSIONS_PENDING)
  }

  async deleteSession(_id: string): Promise<void> {
    throw new Error(SESSIONS_PENDING)
  }

  /** Stops every run and ends every child the lab started. */
  async shutdown(): Promise<void> {
    await Promise.all([...this.runs.values()].map((run) => run.stop()))
    await this.registry.stopAll(200)
  }

  private controller(id: string): RunController {
    const run = this.runs.get(id)
    if (!run) throw new Error(`no run with id ${JSON.stringify(id)}`)
    return run
  }

  private emit(event: LabEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event)
      } catch (error) {
        // A listener's bug must not stop the run; report it once on stderr.
        console.error('lab event listener failed:', error)
      }
    }
  }
}
