// LabHost: the lab behind LabApi, Electron-free. The desktop app, the browser-mode server, the
// CLI and the tests each own one, and inject how worker processes are launched.
import { randomUUID } from 'node:crypto'
import { availableParallelism } from 'node:os'
import { basename, dirname, join } from 'node:path'
import type { ActiveRun, Catalog, LabApi, LabEvent, LabEventListener, RuntimeInfo } from '../../shared/api'
import { STRATEGIES, WORKLOADS } from '../../shared/catalog'
import packageJson from '../../../package.json'
import { exportRun, type ExportFormat, EXPORT_FORMATS } from '../../shared/export'
import {
  ValidationError,
  manyWorkersProblem,
  parseRunConfig,
  show,
  type Run,
  type RunConfig,
  type RunConfigInput,
} from '../../shared/schemas'
import type { TuneBounds } from '../../shared/tune'
import type { Session, SessionSummary } from '../../shared/session'
import type { C10kState, SweepInput } from '../../shared/c10k'
import { C10kLab } from './c10k/service'
import type { C10kEntries } from './c10k/servers'
import { ChildRegistry } from './children'
import { CurrentSession, type AutosaveResult } from './current-session'
import type { ProcessLauncher } from './launcher'
import { machineInfo } from './machine'
import {
  MAX_ADDED_INTERPRETERS,
  checkInterpreterPath,
  loadAddedInterpreters,
  saveAddedInterpreters,
} from './python/added'
import { unmetNeedsReason } from './python/capabilities'
import {
  chooseInterpreter,
  discoverInterpreters,
  isCatalogInterpreter,
  noInterpreterReason,
  runtimeInfo,
} from './python/interpreters'
import { RunController, type WorkerEntries } from './runner'
import { SessionStore, type SessionStoreOptions } from './sessions'
import { tuneStrategies } from './tune'
import { inspectScript, prepareUserScript, readInputsFile } from './user-script'
import { INPUTS_FILE_EXTENSIONS, type ScriptInfo, type UserInputs } from '../../shared/user-script'
import {
  contentionNotes,
  experimentConfig,
  findContentionExperiment,
  type ContentionOptions,
  type ContentionRunResult,
} from '../../shared/contention'
import { runContention } from './contention/run'

export interface LabHostOptions {
  entries: WorkerEntries
  launcher: ProcessLauncher
  /** Python interpreters the user added (paths), listed and preferred before those found. */
  pythonPaths?: readonly string[]
  /**
   * A run's `python` may name only an interpreter of the catalog (found on PATH or under pyenv,
   * or in pythonPaths), never any other path: set by the hosts whose calls come from a page (the
   * Electron main, browser mode), where `python` would otherwise start any program. The CLI
   * leaves it off: there the user typed the path.
   */
  interpretersFromCatalogOnly?: boolean
  /**
   * The session library folder (the app: userData/sessions; CLI and browser mode: --data-dir).
   * Every run that ends is saved into the current session there. Without it, session calls
   * fail with a reason and nothing is written.
   */
  sessionsDir?: string
  /** Session store options: the file size limit, and a file-system seam for tests. */
  sessionStore?: SessionStoreOptions
  /** The C10k lab's built server and load entries; without them startC10k refuses with a reason. */
  c10k?: C10kEntries
}

export type { AutosaveResult } from './current-session'

/** The lab's runs (catalog, start, stop, events) and, by delegation, its current-session service. */
export class LabHost implements LabApi {
  private readonly listeners = new Set<LabEventListener>()
  /** The race experiment in progress (runRaceExperiment), and the children it started. */
  private race: AbortController | null = null
  private readonly raceRegistry = new ChildRegistry()
  // Runs in memory: the one in progress and the last that ended, at most; older runs live in
  // the current session (and its file). Insertion order is start order.
  private readonly runs = new Map<string, RunController>()
  private readonly autosaves = new Map<string, Promise<AutosaveResult>>()
  /** The run in progress, if any: one at a time, whoever asks (page, CLI, another connection). */
  private active: string | null = null
  /** The worker-count search in progress, if any (startTune); one at a time, never beside a run. */
  private tuning: { id: string; stopped: boolean } | null = null
  /** The runs the search started to measure one point: not reported, not saved. */
  private readonly searchRuns = new Set<string>()
  readonly registry = new ChildRegistry()
  /** The current session and the library's session calls. */
  readonly sessions: CurrentSession
  /** The C10k lab: one sweep at a time, never beside a run. */
  private readonly c10k: C10kLab

  /**
   * The interpreters the user added: --python paths, then those added in the app (kept in the
   * library folder's .interpreters.json). One array, shared with the current session and each run.
   */
  private readonly pythonPaths: string[]
  private readonly interpretersFile: string | null
  private readonly addedLoaded: Promise<void>

  constructor(private readonly options: LabHostOptions) {
    this.pythonPaths = [...(options.pythonPaths ?? [])]
    this.interpretersFile = options.sessionsDir === undefined ? null : join(options.sessionsDir, '.interpreters.json')
    this.addedLoaded = this.interpretersFile
      ? loadAddedInterpreters(this.interpretersFile).then((paths) => {
          for (const path of paths) if (!this.pythonPaths.includes(path)) this.pythonPaths.push(path)
        })
      : Promise.resolve()
    this.c10k = new C10kLab({ entries: options.c10k, emit: (event) => this.emit(event) })
    this.sessions = new CurrentSession({
      store: options.sessionsDir === undefined ? null : new SessionStore(options.sessionsDir, options.sessionStore),
      pythonPaths: this.pythonPaths,
      emit: (event) => this.emit(event),
      isLive: (runId) => this.runs.get(runId)?.run.status === 'running',
    })
    // The run so far goes into the current session after each trial (throttled), so a lab
    // killed mid-run leaves its finished trials on disk.
    this.onEvent((event) => {
      if (event.type === 'run-end') return this.sessions.ended(event.runId)
      if (event.type !== 'trial-end') return
      const run = this.runs.get(event.runId)?.run
      if (run) void this.sessions.checkpoint(run)
    })
  }

  async catalog(): Promise<Catalog> {
    await this.addedLoaded
    const pythons = await discoverInterpreters(this.pythonPaths)
    const usable = pythons.filter((p) => !p.unavailable)
    // Python strategies stay listed (disabled, with the reason) when no interpreter fits them:
    // none at all, or none that meets the strategy's needs (a free-threaded build, gevent…).
    const strategies = STRATEGIES.map((s) => {
      if (s.runtime !== 'python') return s
      const unavailable = usable.length === 0 ? noInterpreterReason(pythons) : unmetNeedsReason(s, usable)
      return unavailable ? { ...s, unavailable } : s
    })
    return {
      version: packageJson.version,
      workloads: WORKLOADS,
      strategies,
      runtimes: [
        { id: 'node', kind: 'node', version: process.versions.node, executable: process.execPath },
        ...pythons.map((p) => runtimeInfo(p, p === usable[0])),
      ],
      machine: machineInfo(),
    }
  }

  async startRun(input: RunConfigInput): Promise<string> {
    this.refuseBeside('tune')
    return this.launch(input, false)
  }

  /**
   * Run ▸ Find Best Worker Count…: searches each strategy's worker count (1 … bounds.maxWorkers)
   * within bounds.budgetS, then runs every strategy at its best count as an ordinary run, saved
   * into the session. One at a time, never beside a run. Resolves to the search's id once it has
   * started; tune-progress events say what it tries, tune-end what it found. The search's own runs
   * are neither saved nor reported as runs.
   */
  async startTune(input: RunConfigInput, bounds: TuneBounds): Promise<string> {
    this.refuseBeside('tune', 'race', 'run', 'c10k')
    const { config } = await prepareUserScript(parseRunConfig({ ...input, workers: [1] }))
    const tooMany = manyWorkersProblem({ ...config, workers: [bounds.maxWorkers] }, availableParallelism())
    if (tooMany) throw new ValidationError([tooMany])
    await this.checkInterpreter(config)
    this.refuseBeside('tune', 'run')
    const id = randomUUID()
    const state = { id, stopped: false }
    this.tuning = state
    const search = { startRun: (c: RunConfig) => this.launch(c, true), waitForRun: (r: string) => this.waitForRun(r) }
    const final = { startRun: (c: RunConfig) => this.launch(c, false), waitForRun: (r: string) => this.waitForRun(r) }
    void tuneStrategies(
      config,
      { maxWorkers: bounds.maxWorkers, budgetMs: bounds.budgetS * 1000 },
      search,
      final,
      (progress) => this.emit({ type: 'tune-progress', runId: null, tuneId: id, progress }),
      () => state.stopped,
    )
      .then(
        (report) =>
          this.emit({
            type: 'tune-end',
            runId: null,
            tuneId: id,
            summary: {
              strategies: report.strategies,
              finalRunId: report.final?.id ?? null,
              winner: report.winner,
              why: report.why,
              stopped: state.stopped,
            },
          }),
        (error: unknown) =>
          this.emit({
            type: 'tune-end',
            runId: null,
            tuneId: id,
            summary: null,
            error: error instanceof Error ? error.message : String(error),
          }),
      )
      .finally(() => {
        if (this.tuning === state) this.tuning = null
      })
    return id
  }

  /** Stops the search (and the run it is measuring): it keeps what it learnt and still runs the best counts. */
  async stopTune(): Promise<void> {
    if (!this.tuning) return
    this.tuning.stopped = true
    if (this.active !== null && this.searchRuns.has(this.active)) await this.stopRun(this.active)
  }

  /** Starts a run; a search run (the tuner's points) is neither reported nor saved. */
  private async launch(input: RunConfigInput, search: boolean): Promise<string> {
    this.refuseBeside('run', 'race', 'c10k')
    const { config, notice } = await prepareUserScript(parseRunConfig(input))
    const tooMany = manyWorkersProblem(config, availableParallelism())
    if (tooMany) throw new ValidationError([tooMany])
    await this.checkInterpreter(config)
    // Checked again after the awaits above: a sweep may have started meanwhile.
    this.refuseBeside('run', 'c10k')
    const id = randomUUID()
    // Said before the run starts, so it is the first thing a re-run of a changed script reports.
    if (notice && !search) this.emit({ type: 'notice', runId: id, message: notice })
    if (search) this.searchRuns.add(id)
    const controller = new RunController(id, config, {
      entries: this.options.entries,
      launcher: this.options.launcher,
      registry: this.registry,
      emit: search ? () => undefined : (event) => this.emit(event),
      pythonPaths: this.pythonPaths,
    })
    this.forgetOldRuns()
    this.runs.set(id, controller)
    this.active = id
    // Registered before anyone can wait on `done`, so a caller that awaited the run may start the next.
    const ended = (): void => {
      if (this.active === id) this.active = null
    }
    controller.done.then(ended, ended)
    this.autosaves.set(
      id,
      search
        ? controller.done.then(
            () => ({ saved: false, reason: 'a search run is not saved' }),
            () => ({ saved: false, reason: 'a search run is not saved' }),
          )
        : controller.done.then(
            (run) => this.sessions.autosave(run),
            (error: unknown) => ({ saved: false, reason: `the run did not end cleanly: ${String(error)}` }),
          ),
    )
    return id
  }

  /**
   * Refuses, in one line, to start beside another of the host's activities that is in progress,
   * checked in the order given: each would share the cores with it and spoil its figures.
   */
  private refuseBeside(...activities: Array<'run' | 'tune' | 'race' | 'c10k'>): void {
    for (const activity of activities) {
      if (activity === 'run' && this.active !== null) throw new Error('a run is in progress: stop it first')
      if (activity === 'tune' && this.tuning)
        throw new Error('a search for the best worker count is in progress: stop it first')
      if (activity === 'race' && this.race) throw new Error('a race experiment is in progress: wait for it to end')
      if (activity === 'c10k' && this.c10k.running) throw new Error('a C10k sweep is in progress: stop it first')
    }
  }

  /** A page's run may name only an interpreter of the catalog (see interpretersFromCatalogOnly). */
  private async checkInterpreter(config: RunConfig): Promise<void> {
    if (!this.options.interpretersFromCatalogOnly || config.python === undefined) return
    await this.addedLoaded
    const found = await discoverInterpreters(this.pythonPaths)
    const added = this.pythonPaths.includes(config.python)
    if (!added && !isCatalogInterpreter(config.python, found)) {
      throw new Error(
        `python ${show(config.python)} is not an interpreter this lab found; start the server with --python PATH to add it`,
      )
    }
  }

  /** A script's runtime, hash and functions, read without running it (Python's through `ast`). */
  async inspectScript(path: string): Promise<ScriptInfo> {
    return inspectScript(
      path,
      async () => (await chooseInterpreter(undefined, { extra: this.options.pythonPaths ?? [] })).executable,
    )
  }

  // ---- The C10k lab ------------------------------------------------------------------------

  async startC10k(input: SweepInput): Promise<string> {
    this.refuseBeside('run', 'tune', 'race')
    return this.c10k.start(input)
  }

  async stopC10k(id: string): Promise<void> {
    await this.c10k.stop(id)
  }

  async c10kState(): Promise<C10kState | null> {
    return this.c10k.state()
  }

  /** Resolves with the sweep's state once the sweep in progress (if any) has ended. */
  waitForC10k(): Promise<C10kState | null> {
    return this.c10k.settled()
  }

  /** Task inputs from a JSON array or JSON-lines file (bounded), for a run of your code (Workload ▸ Your Code…). */
  async readInputs(path: string): Promise<UserInputs> {
    // A page may have only JSON files read: their values come back to it (and into the run).
    const name = basename(path)
    if (!INPUTS_FILE_EXTENSIONS.some((ext) => name.toLowerCase().endsWith(ext)))
      throw new ValidationError([`inputs file ${name} must be a ${INPUTS_FILE_EXTENSIONS.join(', ')} file`])
    return readInputsFile(path)
  }

  /**
   * Runs a guided experiment of the race lab: each variant's program as a child of its own
   * (src/main/lab/contention). One at a time, and never beside a run: both would share the cores
   * and spoil each other's figures.
   */
  async runRaceExperiment(id: string, options: ContentionOptions = {}): Promise<ContentionRunResult> {
    const experiment = findContentionExperiment(id)
    if (!experiment) throw new Error('no race experiment has that name')
    if (this.race) throw new Error('a race experiment is already running; wait for it to end')
    this.refuseBeside('c10k', 'tune')
    if (await this.activeRun())
      throw new Error(
        'a run is in progress; the race experiment waits until it ends, so the two do not share the cores',
      )
    const abort = new AbortController()
    this.race = abort
    try {
      const result = await runContention(experimentConfig(experiment, options), {
        // Built beside the worker entries (out/main).
        entries: { nodeRace: join(dirname(this.options.entries.thread), 'contention-node.js') },
        registry: this.raceRegistry,
        signal: abort.signal,
        ...(experiment.pythonsAcross310 ? { across310: true } : {}),
      })
      return { experiment, ...result, notes: contentionNotes(result.trials) }
    } finally {
      this.race = null
    }
  }

  /** Resolves once the run has ended and its autosave was tried: where it went, or why not. */
  autosaved(id: string): Promise<AutosaveResult> {
    this.controller(id)
    return this.autosaves.get(id)!
  }

  async stopRun(id: string): Promise<void> {
    await this.controller(id).stop()
  }

  /** Resolves with the run once it has ended (finished, stopped or failed). */
  waitForRun(id: string): Promise<Run> {
    return this.controller(id).done
  }

  /** A run in memory, or an older one from the current session. */
  async getRun(id: string): Promise<Run> {
    const run = this.runs.get(id)?.run ?? (await this.sessions.findRun(id))?.run
    if (!run) throw new Error(this.goneMessage(id))
    return run
  }

  async activeRun(): Promise<ActiveRun | null> {
    const controller = this.active === null ? undefined : this.runs.get(this.active)
    if (!controller || controller.run.status !== 'running' || this.searchRuns.has(controller.run.id)) return null
    return {
      run: controller.run,
      progress: controller.progress,
      current: controller.current,
      slices: controller.slices,
    }
  }

  /** How many runs the host holds in memory (the one in progress and the last that ended, at most). */
  get runsInMemory(): number {
    return this.runs.size
  }

  /**
   * Run ▸ Add Python Interpreter… (the desktop app's own dialog; never a LabApi call, so a page
   * cannot name a program to run): checks the file and probes it, keeps it beside the library and
   * tells every page the catalog changed. Throws one line saying what is wrong with it.
   */
  async addInterpreter(path: string): Promise<RuntimeInfo> {
    await this.addedLoaded
    const interpreter = await checkInterpreterPath(path)
    if (!this.pythonPaths.includes(path)) {
      const added = this.pythonPaths.length - (this.options.pythonPaths?.length ?? 0)
      if (added >= MAX_ADDED_INTERPRETERS)
        throw new Error(`the lab keeps at most ${MAX_ADDED_INTERPRETERS} added interpreters; ${path} was not added`)
      this.pythonPaths.push(path)
      if (this.interpretersFile)
        await saveAddedInterpreters(
          this.interpretersFile,
          this.pythonPaths.slice(this.options.pythonPaths?.length ?? 0),
        )
    }
    const info = runtimeInfo(interpreter, false)
    this.emit({
      type: 'catalog-changed',
      runId: null,
      message: `Added Python ${interpreter.version} (${path}): its strategies can use it now`,
    })
    return info
  }

  onEvent(listener: LabEventListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  async exportRun(runId: string, format: ExportFormat): Promise<string> {
    if (!EXPORT_FORMATS.includes(format))
      throw new Error(`cannot export as ${JSON.stringify(format)}: the formats are ${EXPORT_FORMATS.join(', ')}`)
    const saved = await this.sessions.findRun(runId)
    const run = this.runs.get(runId)?.run ?? saved?.run
    if (!run) throw new Error(this.goneMessage(runId))
    return exportRun(run, format, saved?.session)
  }

  // ---- Sessions: served by the current-session service ----------------------------------

  listSessions(): Promise<SessionSummary[]> {
    return this.sessions.listSessions()
  }
  openSession(id: string): Promise<Session> {
    return this.sessions.openSession(id)
  }
  getSession(id: string): Promise<Session> {
    return this.sessions.getSession(id)
  }
  saveSession(session: unknown): Promise<string> {
    return this.sessions.saveSession(session)
  }
  deleteSession(id: string): Promise<void> {
    return this.sessions.deleteSession(id)
  }
  currentSession(): Promise<Session | null> {
    return this.sessions.currentSession()
  }
  newSession(name?: string): Promise<Session> {
    return this.sessions.newSession(name)
  }
  deleteRun(sessionId: string, runId: string): Promise<Session> {
    return this.sessions.deleteRun(sessionId, runId)
  }

  restoreRun(sessionId: string, runId: string): Promise<Session> {
    return this.sessions.restoreRun(sessionId, runId)
  }

  renameSession(id: string, name: string): Promise<Session> {
    return this.sessions.renameSession(id, name)
  }
  setSessionNotes(id: string, notes: string): Promise<Session> {
    return this.sessions.setSessionNotes(id, notes)
  }
  restoreSession(id: string): Promise<SessionSummary> {
    return this.sessions.restoreSession(id)
  }
  listTrash(): Promise<SessionSummary[]> {
    return this.sessions.listTrash()
  }
  importSession(text: string, fileName: string): Promise<Session> {
    return this.sessions.importSession(text, fileName)
  }
  exportSession(id: string): Promise<string> {
    return this.sessions.exportSession(id)
  }
  /** Main process only (the path comes from its Open dialog): opens a session file from anywhere. */
  openSessionFile(path: string): Promise<Session> {
    return this.sessions.openSessionFile(path)
  }
  /** Main process only (the path comes from its Save dialog): writes a library session to `path`. */
  saveSessionAs(id: string, path: string): Promise<void> {
    return this.sessions.saveSessionAs(id, path)
  }

  /** Stops every run and ends every child the lab started. */
  async shutdown(): Promise<void> {
    this.race?.abort()
    await Promise.all([...this.runs.values()].map((run) => run.stop()))
    await this.c10k.shutdown()
    await this.raceRegistry.stopAll(200)
    await this.registry.stopAll(200)
  }

  /** Keeps the run in progress and the last one that ended; the rest are in the current session. */
  private forgetOldRuns(): void {
    const ended = [...this.runs.keys()].filter((id) => id !== this.active)
    for (const id of ended.slice(0, -1)) {
      this.runs.delete(id)
      this.searchRuns.delete(id)
      this.autosaves.delete(id)
    }
  }

  private goneMessage(id: string): string {
    // The id is not echoed: it came from outside.
    void id
    return 'that run is no longer in memory and not in the current session: open the session that holds it'
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
