// Runs one RunConfig: trials = strategy × workers × repetition, streaming LabEvents as it goes.
// Owns everything the run starts (pools, fixtures, sampler) and ends all of it, however the run
// ends: finished, stopped by the user, or failed.
import type { ActiveRun, LabEvent } from '../../shared/api'
import {
  combineChecksums,
  findStrategy,
  findWorkload,
  planTasks,
  resolveParams,
  type StrategySpec,
} from '../../shared/catalog'
import { epochMicros } from '../../shared/clock'
import { groupTitle } from '../../shared/format'
import {
  MAX_SLICE_CPU_US,
  type Run,
  type RunConfig,
  type Sample,
  type TimelineSlice,
  type Trial,
} from '../../shared/schemas'
import { HEARTBEAT_INTERVAL_MS, startHeartbeat, summarizeHeartbeat } from '../../shared/heartbeat'
import { oneLine } from '../../shared/session'
import { deriveGroupStats } from '../../shared/stats'
import { userTasks } from '../../shared/user-script'
import type { ChildRegistry } from './children'
import { EXECUTORS, type ExecutorDeps, type WorkerEntries } from './executors'
import { WorkerPool, type WorkerResult } from './executors/pool'
import { estimateRemainingMs } from './eta'
import { RunFixtures } from './fixtures'
import type { ProcessLauncher } from './launcher'
import { readLimits } from './limits'
import { machineInfo } from './machine'
import { chooseInterpreter, discoverInterpreters, type PythonInterpreter } from './python/interpreters'
import { Sampler, machineBusyMs, readCoreTimes, residentBytes } from './sampler'

export type { WorkerEntries } from './executors'

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
/** CPython's sys.getswitchinterval() until a run sets another: 5 ms. */
const DEFAULT_SWITCH_INTERVAL_MS = 5

/** A trial's error as one line, whatever the child or the OS put in its message. */
const reasonOf = (error: unknown): string => oneLine(error instanceof Error ? error.message : String(error))

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
  /** Set once a Python runner described the interpreter it really is (run.python is then its word). */
  private pythonDescribed = false
  private readonly executorDeps: ExecutorDeps
  /** Where the run is, for a page that joins it mid-run (LabHost.activeRun). */
  progress: ActiveRun['progress'] = null
  current: ActiveRun['current'] = null
  /** The running trial's tasks sent so far (cleared when it ends). */
  slices: TimelineSlice[] = []

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
    this.executorDeps = {
      entries: deps.entries,
      launcher: deps.launcher,
      registry: deps.registry,
      interpreter: () => this.pythonInterpreter(),
      interpreters: () => discoverInterpreters(deps.pythonPaths),
    }
    this.done = this.execute()
  }

  /** Stops the run; resolves once every child it started has exited. */
  async stop(): Promise<Run> {
    this.abort.abort()
    return this.done
  }

  private emit(event: LabEvent): void {
    if (event.type === 'trial-start') {
      const { index, strategy, workers, repetition, warmup, start } = event
      this.current = { index, strategy, workers, repetition, warmup, start }
      this.slices = []
    } else if (event.type === 'tasks') {
      if (event.index === this.current?.index) this.slices.push(...event.slices)
    } else if (event.type === 'trial-end') {
      this.current = null
      this.slices = []
    } else if (event.type === 'progress') {
      const { done, total, strategy, workers, etaMs } = event
      this.progress = { done, total, strategy, workers, etaMs }
    }
    this.deps.emit(event)
  }

  private async execute(): Promise<Run> {
    const { config, run } = this
    const runId = run.id
    const workload = findWorkload(config.workload)!
    const script = config.userScript
    const tasks = script ? userTasks(script.inputs) : planTasks(workload.id, resolveParams(workload, config.params))
    // Samples taken before run-start (while the run chooses its Python) wait for it, then go out.
    let held: Sample[] | null = []
    const sampler = new Sampler({
      hz: config.samplerHz,
      clockOrigin: run.clockOrigin,
      childPids: () => this.deps.registry.processIds(),
      onSample: (sample: Sample) => {
        run.samples.push(sample)
        if (held) held.push(sample)
        else this.emit({ type: 'sample', runId, samples: [sample] })
      },
    })
    const fixtures = new RunFixtures()
    // The chart starts with the run: sampling starts before the Python probe, which can take a
    // quarter of a second.
    sampler.start()
    // The run says which Python it runs on from its first event, so the live and saved runs agree.
    if (config.strategies.some((id) => findStrategy(id)?.runtime === 'python')) await this.stampPython()
    this.emit({ type: 'run-start', runId, run })
    if (held.length > 0) this.emit({ type: 'sample', runId, samples: held })
    held = null
    try {
      const fixtureValues = await fixtures.start(workload)
      // prepareUserScript (host) set the hash; the children check the file against it.
      if (script?.sha256) fixtureValues.user = { path: script.path, function: script.function, sha256: script.sha256 }
      const groups = config.strategies.flatMap((id) => {
        const strategy = findStrategy(id)!
        const counts = strategy.takesWorkers ? config.workers : [1]
        return counts.map((workers) => ({ strategy, workers }))
      })
      const perGroup = config.warmups + config.repetitions
      const total = groups.length * perGroup
      // How long each group's trials took, pool start included: what the time left is read from.
      const times: number[][] = groups.map(() => [])
      const plan = groups.map((g) => ({ strategy: g.strategy.id, workers: g.workers }))
      let done = 0
      for (const [groupIndex, { strategy, workers }] of groups.entries()) {
        for (let k = 0; k < perGroup && !this.abort.signal.aborted; k++) {
          const warmup = k < config.warmups
          const trialStartedAt = performance.now()
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
          times[groupIndex]!.push(performance.now() - trialStartedAt)
          this.emit({
            type: 'progress',
            runId,
            done,
            total,
            strategy: strategy.id,
            workers,
            etaMs: done < total ? estimateRemainingMs(plan, perGroup, times) : 0,
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
    readLimits() // So that a pool that runs out of files or processes can say what the limit is.
    const { children, init } = await EXECUTORS[strategy.executor].launch(
      { spec: strategy, workers, config: this.config, clockOrigin: this.run.clockOrigin, fixtures },
      this.executorDeps,
    )
    this.pool = await WorkerPool.start(children, init, 30_000, this.abort.signal)
    this.pool.onNotice = (message) => this.emit({ type: 'notice', runId: this.run.id, message })
    // A Python runner knows what the probe could not: the GIL as started, the real switch interval.
    const described = this.pool.ready[0]?.runtime
    if (described && this.run.python && !this.pythonDescribed) {
      this.pythonDescribed = true
      Object.assign(this.run.python, described)
      // CPython keeps the interval in whole µs; its seconds × 1000 reads 49.99999999999999 for 50.
      this.run.python.switchIntervalMs = Math.round(described.switchIntervalMs * 1000) / 1000
    }
    // A Dask runner says which cluster it started: the run's fingerprint records it.
    const cluster = this.pool.ready[0]?.cluster
    if (cluster) this.run.machine.cluster = cluster
    return this.pool
  }

  /** Sets run.machine.python and run.python from the run's interpreter; a run without one leaves them unset. */
  private async stampPython(): Promise<void> {
    let interpreter: PythonInterpreter
    try {
      interpreter = await this.pythonInterpreter()
    } catch {
      return // Each Python trial fails with the reason.
    }
    const { run, config } = this
    run.machine.python = interpreter.version
    run.python = {
      executable: interpreter.executable,
      version: interpreter.version,
      freeThreaded: interpreter.freeThreaded,
      gil: interpreter.gil,
      switchIntervalMs: config.switchIntervalMs ?? DEFAULT_SWITCH_INTERVAL_MS,
    }
  }

  /**
   * The run's Python interpreter, chosen once: the one the config names, else the first usable
   * one that meets the needs of every strategy in the run, else the first usable one.
   */
  private pythonInterpreter(): Promise<PythonInterpreter> {
    if (!this.interpreter) {
      const { python, strategies } = this.config
      const extra = this.deps.pythonPaths ?? []
      const needs = [...new Set(strategies.flatMap((id) => findStrategy(id)?.needs ?? []))]
      this.interpreter =
        python === undefined && needs.length > 0
          ? chooseInterpreter(undefined, { extra, needs }).catch(() => chooseInterpreter(undefined, { extra }))
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
      trial.error = reasonOf(error)
      return trial
    }
    // Tasks in flight on one thread get lanes by overlap; parallel workers by their worker.
    const concurrent = strategy.lanes === 'in-flight'
    let unsent: TimelineSlice[] = []
    let lastTaskEvent = Date.now()
    const toSlice = (r: WorkerResult): TimelineSlice => {
      const slice: TimelineSlice = { task: r.id, worker: r.worker, lane: r.worker, start: r.start, end: r.end }
      // The thread's CPU, where the runtime measured it; clock granularity may put it a few µs past the wall.
      if (r.cpu !== null && Number.isFinite(r.cpu) && r.cpu >= 0)
        slice.cpu = Math.min(r.cpu, Math.max(0, r.end - r.start), MAX_SLICE_CPU_US)
      return slice
    }
    const flushSlices = (): void => {
      if (unsent.length === 0) return
      this.emit({ type: 'tasks', runId: run.id, index, slices: unsent })
      unsent = []
      lastTaskEvent = Date.now()
    }

    try {
      await pool.prepare(tasks, config.timeoutMs)
    } catch (error) {
      trial.error = reasonOf(error)
      pool.broken = true
      return trial
    }
    // The heartbeat of a Python strategy or of Node's event loop comes from the child's usage
    // replies; Node threads and processes get one beside them, on this thread.
    const heartbeatInChild =
      Boolean(config.heartbeat) && (strategy.runtime === 'python' || strategy.lanes === 'in-flight')
    const childUsageBefore = strategy.cpu !== 'lab' || heartbeatInChild ? await pool.cpuUsage().catch(() => null) : null
    const besideHeartbeat = config.heartbeat && !heartbeatInChild ? startHeartbeat(HEARTBEAT_INTERVAL_MS) : null
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
    const besideLate = besideHeartbeat?.take() ?? null
    besideHeartbeat?.stop()
    const cpuAfter = process.cpuUsage(cpuBefore)
    const machineMs = machineBusyMs(coresBefore, readCoreTimes(), performance.now() - coresReadAt)
    let childCpuUs = 0
    // Threads are counted in this process; processes report their own CPU before and after.
    let childCpuKnown = strategy.cpu === 'lab'
    if (childUsageBefore && !outcome.error) {
      const after = await pool.cpuUsage().catch(() => null)
      if (after) {
        childCpuUs = after.cpu - childUsageBefore.cpu
        childCpuKnown = after.measured
        const on = strategy.lanes === 'in-flight' ? 'scheduler' : 'beside'
        if (after.heartbeat) trial.heartbeat = summarizeHeartbeat(after.heartbeat, on) ?? undefined
      }
    }
    if (besideLate) trial.heartbeat = summarizeHeartbeat(besideLate, 'beside') ?? undefined
    // A user's Dask cluster runs the tasks in processes this lab cannot read: not measured, not guessed.
    const measured = childUsageBefore?.measured !== false

    trial.start = outcome.start
    trial.wallMs = outcome.wallUs / 1000
    // A Python trial counts the interpreter's CPU alone (runner and pool processes), so that
    // CPU ÷ wall reads as "cores kept busy" by Python: about 1 for CPU-bound threads under the GIL.
    trial.cpuMs = measured
      ? (strategy.cpu === 'interpreter' ? childCpuUs : cpuAfter.user + cpuAfter.system + childCpuUs) / 1000
      : null
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
    trial.peakRssBytes = measured ? Math.max(residentBytes(this.deps.registry.processIds()), ...rssSeen) : null
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
        trial.error = `checksum mismatch: ${groupTitle(trial)} gave ${trial.checksum}, ${first ? groupTitle(first) : 'the first trial'} gave ${run.checksum}`
      }
    }
    if (trial.error && trial.error !== 'stopped by the user') {
      run.errors.push(
        `${groupTitle(trial)} (${trial.warmup ? 'warm-up' : 'repetition'} ${trial.repetition + 1}): ${trial.error}`,
      )
    }
    run.trials.push(trial)
    run.stats = deriveGroupStats(run.trials, run.machine.logicalCores)
    this.emit({ type: 'trial-end', runId: run.id, index: run.trials.length - 1, trial, stats: run.stats })
  }
}
