// Runs one RunConfig: trials = strategy × workers × repetition, streaming LabEvents as it goes.
// Owns everything the run starts (pools, fixtures, sampler) and ends all of it, however the run
// ends: finished, stopped by the user, or failed.
import type { LabEvent } from '../../shared/api'
import {
  combineChecksums,
  findStrategy,
  findWorkload,
  planTasks,
  resolveParams,
  type StrategySpec,
} from '../../shared/catalog'
import { epochMicros } from '../../shared/clock'
import type { ExecutionMode, PythonInit } from '../../shared/protocol'
import type { Run, RunConfig, Sample, TimelineSlice, Trial } from '../../shared/schemas'
import { deriveGroupStats } from '../../shared/stats'
import { ChildRegistry, ProcessChild, ThreadChild, type Child } from './children'
import { WorkerPool, type WorkerResult } from './executors/pool'
import { RunFixtures } from './fixtures'
import type { ProcessLauncher } from './launcher'
import { machineInfo } from './machine'
import { PythonChild, defaultPythonRunner, pythonStrategy } from './children/python'
import { chooseInterpreter, type PythonInterpreter } from './python/interpreters'
import { Sampler, machineBusyMs, readCoreTimes, residentBytes } from './sampler'

/** Paths of the built worker entry files. */
export interface WorkerEntries {
  thread: string
  process: string
  /** The Python runner script; found beside the sources when left out (see defaultPythonRunner). */
  python?: string
}

export interface RunnerDeps {
  entries: WorkerEntries
  launcher: ProcessLauncher
  registry: ChildRegistry
  emit: (event: LabEvent) => void
  /** Python interpreters the user added, tried before those on PATH. */
  pythonPaths?: readonly string[]
}

const TASK_EVENT_INTERVAL_MS = 200
const STOP_GRACE_MS = 200

/** Assigns overlapping slices to the fewest lanes so that no lane runs two tasks at once. */
export function assignLanes(slices: TimelineSlice[]): void {
  const laneEnds: number[] = []
  for (const s of [...slices].sort((a, b) => a.start - b.start)) {
    let lane = laneEnds.findIndex((end) => end <= s.start)
    if (lane === -1) lane = laneEnds.length
    laneEnds[lane] = s.end
    s.lane = lane
  }
}

export class RunController {
  readonly run: Run
  readonly done: Promise<Run>
  private readonly abort = new AbortController()
  private pool: WorkerPool | null = null
  private interpreter: Promise<PythonInterpreter> | null = null

  constructor(
    id: string,
    private readonly config: RunConfig,
    private readonly deps: RunnerDeps,
  ) {
    this.run = {
      id,
      config,
      status: 'running',
      clockOrigin: epochMicros(),
      startedAt: new Date().toISOString(),
      endedAt: null,
      machine: machineInfo(),
      trials: [],
      samples: [],
      stats: [],
      checksum: null,
      errors: [],
    }
    this.done = this.execute()
  }

  /** Stops the run; resolves once every child it started has exited. */
  async stop(): Promise<Run> {
    this.abort.abort()
    return this.done
  }

  private emit(event: LabEvent): void {
    this.deps.emit(event)
  }

  private async execute(): Promise<Run> {
    const { config, run } = this
    const runId = run.id
    const workload = findWorkload(config.workload)!
    const tasks = planTasks(workload.id, resolveParams(workload, config.params))
    const sampler = new Sampler({
      hz: config.samplerHz,
      clockOrigin: run.clockOrigin,
      childPids: () => this.deps.registry.processIds(),
      onSample: (sample: Sample) => {
        run.samples.push(sample)
        this.emit({ type: 'sample', runId, samples: [sample] })
      },
    })
    const fixtures = new RunFixtures()
    this.emit({ type: 'run-start', runId, run })
    try {
      sampler.start()
      const fixtureValues = await fixtures.start(workload)
      const groups = config.strategies.flatMap((id) => {
        const strategy = findStrategy(id)!
        const counts = strategy.takesWorkers ? config.workers : [1]
        return counts.map((workers) => ({ strategy, workers }))
      })
      const perGroup = config.warmups + config.repetitions
      const total = groups.length * perGroup
      const startedAt = Date.now()
      let done = 0
      for (const { strategy, workers } of groups) {
        for (let k = 0; k < perGroup && !this.abort.signal.aborted; k++) {
          const warmup = k < config.warmups
          const trial = await this.runTrial(
            strategy,
            workers,
            warmup ? k : k - config.warmups,
            warmup,
            tasks,
            fixtureValues,
          )
          if (this.abort.signal.aborted && trial.error === 'stopped') trial.error = 'stopped by the user'
          this.record(trial)
          done++
          const elapsed = Date.now() - startedAt
          this.emit({
            type: 'progress',
            runId,
            done,
            total,
            strategy: strategy.id,
            workers,
            etaMs: done < total ? Math.round((elapsed / done) * (total - done)) : 0,
          })
        }
        await this.closePool()
        if (this.abort.signal.aborted) break
      }
      run.status = this.abort.signal.aborted ? 'stopped' : 'finished'
    } catch (error) {
      run.status = 'failed'
      const message = error instanceof Error ? error.message : String(error)
      run.errors.push(message)
      this.emit({ type: 'error', runId, message })
    } finally {
      await this.closePool()
      sampler.stop()
      await fixtures.stop()
      run.endedAt = new Date().toISOString()
      this.emit({ type: 'run-end', runId, run })
    }
    return run
  }

  private async closePool(): Promise<void> {
    const pool = this.pool
    this.pool = null
    if (pool) await pool.stop(this.abort.signal.aborted ? 0 : STOP_GRACE_MS)
  }

  private async openPool(
    strategy: StrategySpec,
    workers: number,
    fixtures: RunFixtures['fixtures'],
  ): Promise<WorkerPool> {
    if (this.pool && !this.pool.broken) return this.pool
    await this.closePool()
    const { registry, launcher, entries } = this.deps
    const children: Child[] = []
    let python: PythonInit | undefined
    const pythonMode = pythonStrategy(strategy.id)
    if (pythonMode) {
      // One runner process is the pool's one child; it runs its own threads or processes.
      const interpreter = await this.pythonInterpreter()
      if (pythonMode.gil === 'off' && !interpreter.freeThreaded) {
        throw new Error(
          `${strategy.id} needs a free-threaded Python (3.13t or newer); Python ${interpreter.version} at ${interpreter.executable} always runs with the GIL`,
        )
      }
      const env: Record<string, string> = {}
      if (interpreter.freeThreaded && pythonMode.gil) env.PYTHON_GIL = pythonMode.gil === 'on' ? '1' : '0'
      children.push(
        new PythonChild(registry, {
          executable: interpreter.executable,
          runner: entries.python ?? defaultPythonRunner(),
          env,
        }),
      )
      python = {
        mode: pythonMode.mode,
        workers: pythonMode.pooled ? workers : 1,
        switchIntervalMs: this.config.switchIntervalMs ?? null,
      }
    } else {
      for (let i = 0; i < workers; i++) {
        children.push(
          strategy.id === 'processes'
            ? new ProcessChild(registry, launcher, entries.process)
            : new ThreadChild(registry, entries.thread),
        )
      }
    }
    // The Python runner is sent every task at once and schedules them itself.
    const mode: ExecutionMode = strategy.id === 'async' || python ? 'concurrent' : 'serial'
    this.pool = await WorkerPool.start(
      children,
      {
        workload: this.config.workload,
        mode,
        clockOrigin: this.run.clockOrigin,
        fixtures,
        ...(python ? { python } : {}),
      },
      30_000,
      this.abort.signal,
    )
    const described = this.pool.ready[0]?.runtime
    if (python && described && !this.run.python) {
      const interpreter = await this.pythonInterpreter()
      this.run.python = { ...described, freeThreaded: interpreter.freeThreaded }
    }
    return this.pool
  }

  /** The run's Python interpreter, chosen once: the one the config names, else the first usable one. */
  private pythonInterpreter(): Promise<PythonInterpreter> {
    if (!this.interpreter) {
      const { python } = this.config
      const extra = this.deps.pythonPaths ?? []
      this.interpreter =
        python === undefined && this.config.strategies.includes('py-threads-nogil')
          ? chooseInterpreter(undefined, { extra, needs: ['free-threaded'] }).catch(() =>
              chooseInterpreter(undefined, { extra }),
            )
          : chooseInterpreter(python, { extra })
    }
    return this.interpreter
  }

  private async runTrial(
    strategy: StrategySpec,
    workers: number,
    repetition: number,
    warmup: boolean,
    tasks: ReturnType<typeof planTasks>,
    fixtures: RunFixtures['fixtures'],
  ): Promise<Trial> {
    const { run, config } = this
    const index = run.trials.length
    const trial: Trial = {
      strategy: strategy.id,
      workers,
      repetition,
      warmup,
      start: epochMicros() - run.clockOrigin,
      wallMs: 0,
      cpuMs: 0,
      peakRssBytes: 0,
      checksum: null,
      timeline: [],
      samples: [run.samples.length, run.samples.length],
      error: null,
    }
    this.emit({
      type: 'trial-start',
      runId: run.id,
      index,
      strategy: strategy.id,
      workers,
      repetition,
      warmup,
      start: trial.start,
    })
    let pool: WorkerPool
    try {
      pool = await this.openPool(strategy, workers, fixtures)
    } catch (error) {
      trial.error = error instanceof Error ? error.message : String(error)
      return trial
    }
    // Tasks that share one event loop get lanes by overlap; everything else by its worker.
    const concurrent = pool.init.mode === 'concurrent' && (!pool.init.python || pool.init.python.mode === 'asyncio')
    const pythonCpu = pool.init.python !== undefined
    let unsent: TimelineSlice[] = []
    let lastTaskEvent = Date.now()
    const toSlice = (r: WorkerResult): TimelineSlice => ({
      task: r.id,
      worker: r.worker,
      lane: r.worker,
      start: r.start,
      end: r.end,
    })
    const flushSlices = (): void => {
      if (unsent.length === 0) return
      this.emit({ type: 'tasks', runId: run.id, index, slices: unsent })
      unsent = []
      lastTaskEvent = Date.now()
    }

    const childUsageBefore = strategy.id === 'processes' || pythonCpu ? await pool.cpuUsage().catch(() => null) : null
    const cpuBefore = process.cpuUsage()
    const coresBefore = readCoreTimes()
    const coresReadAt = performance.now()
    const outcome = await pool.runTrial(tasks, {
      chunkSize: config.chunkSize,
      timeoutMs: config.timeoutMs,
      signal: this.abort.signal,
      onResults: concurrent
        ? undefined
        : (batch) => {
            for (const r of batch) unsent.push(toSlice(r))
            if (Date.now() - lastTaskEvent >= TASK_EVENT_INTERVAL_MS) flushSlices()
          },
    })
    const cpuAfter = process.cpuUsage(cpuBefore)
    const machineMs = machineBusyMs(coresBefore, readCoreTimes(), performance.now() - coresReadAt)
    let childCpuUs = 0
    // Threads are counted in this process; processes report their own CPU before and after.
    let childCpuKnown = !(strategy.id === 'processes' || pythonCpu)
    if (childUsageBefore && !outcome.error) {
      const after = await pool.cpuUsage().catch(() => null)
      if (after) {
        childCpuUs = after.cpu - childUsageBefore.cpu
        childCpuKnown = true
      }
    }

    trial.start = outcome.start
    trial.wallMs = outcome.wallUs / 1000
    // A Python trial counts the interpreter's CPU alone (runner and pool processes), so that
    // CPU ÷ wall reads as "cores kept busy" by Python: about 1 for CPU-bound threads under the GIL.
    trial.cpuMs = (pythonCpu ? childCpuUs : cpuAfter.user + cpuAfter.system + childCpuUs) / 1000
    // Everything the machine did beyond the lab itself (this process and its children).
    const labCpuMs = (cpuAfter.user + cpuAfter.system + childCpuUs) / 1000
    trial.otherCpuMs = outcome.error || !childCpuKnown ? null : Math.max(0, machineMs - labCpuMs)
    trial.timeline = outcome.results.map(toSlice).sort((a, b) => a.start - b.start)
    if (concurrent) {
      assignLanes(trial.timeline)
      unsent = trial.timeline
    }
    flushSlices()
    trial.samples = [trial.samples[0], run.samples.length]
    const rssSeen = run.samples.slice(trial.samples[0], trial.samples[1]).map((s) => s.rss)
    trial.peakRssBytes = Math.max(residentBytes(this.deps.registry.processIds()), ...rssSeen)
    trial.error = outcome.error
    if (!outcome.error) {
      if (outcome.results.length !== tasks.length) {
        trial.error = `only ${outcome.results.length} of ${tasks.length} tasks reported back`
      } else {
        trial.checksum = combineChecksums(outcome.results.map((r) => r.checksum))
      }
    }
    return trial
  }

  private record(trial: Trial): void {
    const { run } = this
    if (trial.checksum !== null) {
      if (run.checksum === null) {
        run.checksum = trial.checksum
      } else if (trial.checksum !== run.checksum) {
        const first = run.trials.find((t) => t.checksum === run.checksum)
        trial.error = `checksum mismatch: ${trial.strategy} × ${trial.workers} gave ${trial.checksum}, ${first?.strategy ?? 'the first trial'} gave ${run.checksum}`
      }
    }
    if (trial.error && trial.error !== 'stopped by the user') {
      run.errors.push(
        `${trial.strategy} × ${trial.workers} (${trial.warmup ? 'warm-up' : 'repetition'} ${trial.repetition + 1}): ${trial.error}`,
      )
    }
    run.trials.push(trial)
    run.stats = deriveGroupStats(run.trials, run.machine.logicalCores, (id) => findStrategy(id)?.runtime ?? 'node')
    this.emit({ type: 'trial-end', runId: run.id, index: run.trials.length - 1, trial, stats: run.stats })
  }
}
