// LabHost: the lab behind LabApi, Electron-free. The desktop app, the browser-mode server, the
// CLI and the tests each own one, and inject how worker processes are launched.
import { randomUUID } from 'node:crypto'
import type { Catalog, LabApi, LabEvent, LabEventListener, SessionApi } from '../../shared/api'
import { STRATEGIES, WORKLOADS } from '../../shared/catalog'
import { exportRun, type ExportFormat, EXPORT_FORMATS } from '../../shared/export'
import { parseRunConfig, type MachineInfo, type Run, type RunConfigInput } from '../../shared/schemas'
import {
  SessionError,
  decodeSessionText,
  encodeSession,
  newSession,
  oneLine,
  parseSession,
  sessionSchema,
  withRun,
  type Session,
  type SessionSummary,
} from '../../shared/session'
import { ChildRegistry } from './children'
import type { ProcessLauncher } from './launcher'
import { machineInfo } from './machine'
import { unmetNeedsReason } from './python/capabilities'
import { chooseInterpreter, discoverInterpreters, noInterpreterReason, runtimeInfo } from './python/interpreters'
import { RunController, type WorkerEntries } from './runner'
import { SessionStore, WRITTEN_BY, readSessionFile, writeSessionFile, type SessionStoreOptions } from './sessions'

export interface LabHostOptions {
  entries: WorkerEntries
  launcher: ProcessLauncher
  /** Python interpreters the user added (paths), listed and preferred before those found. */
  pythonPaths?: readonly string[]
  /**
   * The session library folder (the app: userData/sessions; CLI and browser mode: --data-dir).
   * Every run that ends is saved into the current session there. Without it, session calls
   * fail with a reason and nothing is written.
   */
  sessionsDir?: string
  /** Session store options: the file size limit, and a file-system seam for tests. */
  sessionStore?: SessionStoreOptions
}

/** What became of a run's autosave. */
export type AutosaveResult = { saved: true; sessionId: string; path: string } | { saved: false; reason: string }

const NO_LIBRARY = 'sessions are off: this lab was started without a data folder for its session library'

export class LabHost implements LabApi, SessionApi {
  private readonly listeners = new Set<LabEventListener>()
  private readonly runs = new Map<string, RunController>()
  private readonly autosaves = new Map<string, Promise<AutosaveResult>>()
  readonly registry = new ChildRegistry()
  /** The library, or null when no data folder was given. */
  readonly sessions: SessionStore | null
  private current: Session | null = null
  // Changes to the current session (autosave, open, rename…) happen one at a time, in order.
  private sessionWork: Promise<unknown> = Promise.resolve()
  private pythonVersion: Promise<string | null> | null = null

  constructor(private readonly options: LabHostOptions) {
    this.sessions =
      options.sessionsDir === undefined ? null : new SessionStore(options.sessionsDir, options.sessionStore)
  }

  async catalog(): Promise<Catalog> {
    const pythons = await discoverInterpreters(this.options.pythonPaths)
    const usable = pythons.filter((p) => !p.unavailable)
    // Python strategies stay listed (disabled, with the reason) when no interpreter fits them:
    // none at all, or none that meets the strategy's needs (a free-threaded build, gevent…).
    const strategies = STRATEGIES.map((s) => {
      if (s.runtime !== 'python') return s
      const unavailable = usable.length === 0 ? noInterpreterReason(pythons) : unmetNeedsReason(s, usable)
      return unavailable ? { ...s, unavailable } : s
    })
    return {
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
    const config = parseRunConfig(input)
    const id = randomUUID()
    const controller = new RunController(id, config, {
      entries: this.options.entries,
      launcher: this.options.launcher,
      registry: this.registry,
      emit: (event) => this.emit(event),
      pythonPaths: this.options.pythonPaths,
    })
    this.runs.set(id, controller)
    this.autosaves.set(
      id,
      controller.done.then(
        (run) => this.autosave(run),
        (error: unknown) => ({ saved: false, reason: `the run did not end cleanly: ${String(error)}` }),
      ),
    )
    return id
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

  async getRun(id: string): Promise<Run> {
    return this.controller(id).run
  }

  onEvent(listener: LabEventListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  async exportRun(runId: string, format: ExportFormat): Promise<string> {
    if (!EXPORT_FORMATS.includes(format))
      throw new Error(`cannot export as ${JSON.stringify(format)}: the formats are ${EXPORT_FORMATS.join(', ')}`)
    const run = this.runs.get(runId)?.run ?? this.current?.runs.find((r) => r.id === runId)
    if (!run) throw new Error(`no run with id ${JSON.stringify(runId)} here or in the current session`)
    const inCurrent = this.current?.runs.some((r) => r.id === runId) ? this.current : undefined
    return exportRun(run, format, inCurrent ?? undefined)
  }

  // ---- Sessions ------------------------------------------------------------------------

  async listSessions(): Promise<SessionSummary[]> {
    return this.library().list()
  }

  async openSession(id: string): Promise<Session> {
    const store = this.library()
    return this.sessionStep(async () => {
      // A file that cannot be opened throws here, leaving the current session as it was.
      const session = await store.open(id)
      this.current = session
      return session
    })
  }

  async saveSession(input: unknown): Promise<string> {
    const store = this.library()
    const session = parseSession(input)
    return this.sessionStep(async () => {
      // The caller's copy may predate an autosave: never drop a run the current session holds.
      const toSave = this.current?.id === session.id ? this.keepRuns(session, this.current) : session
      await store.save(toSave)
      if (this.current?.id === session.id) this.current = toSave
      this.emit({ type: 'session-saved', runId: null, session: await this.summaryOf(toSave) })
      return toSave.id
    })
  }

  async deleteSession(id: string): Promise<void> {
    const store = this.library()
    await this.sessionStep(async () => {
      await store.delete(id)
      if (this.current?.id === id) this.current = null
    })
  }

  async currentSession(): Promise<Session | null> {
    return this.sessionStep(async () => this.current)
  }

  async newSession(name?: string): Promise<Session> {
    this.library()
    const checkedName = name === undefined ? undefined : sessionSchema.shape.name.parse(name)
    return this.sessionStep(async () => {
      this.current = await this.freshSession(null, checkedName)
      return this.current
    })
  }

  async renameSession(id: string, name: string): Promise<Session> {
    const checked = sessionSchema.shape.name.safeParse(name)
    if (!checked.success) throw new SessionError('invalid', `a session name must be text of at most 200 characters`)
    return this.changeSession(
      id,
      (s) => ({ ...s, name: checked.data }),
      (store) => store.rename(id, checked.data),
    )
  }

  async setSessionNotes(id: string, notes: string): Promise<Session> {
    const checked = sessionSchema.shape.notes.safeParse(notes)
    if (!checked.success) throw new SessionError('invalid', `session notes must be text of at most 100,000 characters`)
    return this.changeSession(
      id,
      (s) => ({ ...s, notes: checked.data }),
      (store) => store.setNotes(id, checked.data),
    )
  }

  async restoreSession(id: string): Promise<SessionSummary> {
    return this.library().restore(id)
  }

  async listTrash(): Promise<SessionSummary[]> {
    return this.library().listTrash()
  }

  async importSession(text: string, fileName: string): Promise<Session> {
    const store = this.library()
    const read = decodeSessionText(text, oneLine(fileName, 200) || 'the file')
    return this.adopt(store, read)
  }

  async exportSession(id: string): Promise<string> {
    const store = this.library()
    const session = this.current?.id === id ? this.current : await store.open(id)
    return encodeSession(session, WRITTEN_BY)
  }

  /** Main process only (the path comes from its Open dialog): opens a session file from anywhere. */
  async openSessionFile(path: string): Promise<Session> {
    const store = this.library()
    const { session } = await readSessionFile(path)
    return this.adopt(store, session)
  }

  /** Main process only (the path comes from its Save dialog): writes a library session to `path`. */
  async saveSessionAs(id: string, path: string): Promise<void> {
    const session = this.current?.id === id ? this.current : await this.library().open(id)
    await writeSessionFile(path, session)
  }

  /** Saves a run into the current session (starting one if there is none). Failures are reported, never thrown. */
  private autosave(run: Run): Promise<AutosaveResult> {
    const store = this.sessions
    if (!store) return Promise.resolve({ saved: false, reason: NO_LIBRARY })
    return this.sessionStep(async (): Promise<AutosaveResult> => {
      // The run joins the session in memory first, so a failed write loses nothing.
      const session = this.current ?? (await this.freshSession(run))
      // The runner does not probe Python; this machine's fingerprint knows the version where one was found.
      const python = run.machine.python ?? (await this.fingerprint(run)).python
      this.current = withRun(session, python ? { ...run, machine: { ...run.machine, python } } : run)
      try {
        const summary = await store.save(this.current)
        this.emit({ type: 'session-saved', runId: run.id, session: summary })
        return { saved: true, sessionId: this.current.id, path: store.pathOf(this.current.id) }
      } catch (error) {
        const reason = `autosave failed: ${error instanceof Error ? error.message : String(error)}; the run is kept in memory, save the session elsewhere`
        this.emit({ type: 'error', runId: run.id, message: reason })
        return { saved: false, reason }
      }
    })
  }

  /** Adds a session read from a file to the library (under a new id if its id is taken) and makes it current. */
  private adopt(store: SessionStore, read: Session): Promise<Session> {
    return this.sessionStep(async () => {
      const taken = (await store.list()).some((s) => s.id === read.id)
      const session = taken ? { ...read, id: randomUUID() } : read
      await store.save(session)
      this.current = session
      return session
    })
  }

  private changeSession(
    id: string,
    change: (s: Session) => Session,
    inLibrary: (store: SessionStore) => Promise<Session>,
  ): Promise<Session> {
    const store = this.library()
    return this.sessionStep(async () => {
      if (this.current?.id !== id) return inLibrary(store)
      // The current session may hold runs not yet on disk (a failed autosave): save all of it.
      const changed = { ...change(this.current), updatedAt: new Date().toISOString() }
      await store.save(changed)
      this.current = changed
      return changed
    })
  }

  private keepRuns(session: Session, current: Session): Session {
    const ids = new Set(session.runs.map((r) => r.id))
    const missing = current.runs.filter((r) => !ids.has(r.id))
    return missing.length === 0 ? session : { ...session, runs: [...session.runs, ...missing] }
  }

  private async summaryOf(session: Session): Promise<SessionSummary> {
    return (
      (await this.library().list()).find((s) => s.id === session.id) ?? {
        id: session.id,
        name: session.name,
        notes: session.notes,
        createdAt: session.createdAt,
        updatedAt: session.updatedAt,
        machine: '',
        runs: session.runs.length,
        sizeBytes: 0,
      }
    )
  }

  private async freshSession(run: Run | null, name?: string): Promise<Session> {
    const now = new Date()
    const pad = (n: number): string => String(n).padStart(2, '0')
    const stamp = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())} ${pad(now.getHours())}:${pad(now.getMinutes())}`
    return newSession({ id: randomUUID(), name: name ?? `Session ${stamp}`, machine: await this.fingerprint(run), now })
  }

  /** This machine's facts plus the Python version the py-* strategies use, where one is found. */
  private async fingerprint(run: Run | null): Promise<MachineInfo> {
    if (run?.python) return { ...machineInfo(), python: run.python.version }
    this.pythonVersion ??= chooseInterpreter(undefined, { extra: this.options.pythonPaths }).then(
      (p) => p.version,
      () => null,
    )
    return { ...machineInfo(), python: await this.pythonVersion }
  }

  private sessionStep<T>(work: () => Promise<T>): Promise<T> {
    const next = this.sessionWork.then(work, work)
    this.sessionWork = next.catch(() => undefined)
    return next
  }

  private library(): SessionStore {
    if (!this.sessions) throw new SessionError('not-found', NO_LIBRARY)
    return this.sessions
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
