// LabHost: the lab behind LabApi, Electron-free. The desktop app, the browser-mode server, the
// CLI and the tests each own one, and inject how worker processes are launched.
import { randomUUID } from 'node:crypto'
import type { Catalog, LabApi, LabEvent, LabEventListener } from '../../shared/api'
import { STRATEGIES, WORKLOADS } from '../../shared/catalog'
import { exportRun, type ExportFormat, EXPORT_FORMATS } from '../../shared/export'
import { parseRunConfig, show, type Run, type RunConfigInput } from '../../shared/schemas'
import type { Session, SessionSummary } from '../../shared/session'
import { ChildRegistry } from './children'
import { CurrentSession, type AutosaveResult } from './current-session'
import type { ProcessLauncher } from './launcher'
import { machineInfo } from './machine'
import { unmetNeedsReason } from './python/capabilities'
import { discoverInterpreters, isCatalogInterpreter, noInterpreterReason, runtimeInfo } from './python/interpreters'
import { RunController, type WorkerEntries } from './runner'
import { SessionStore, type SessionStoreOptions } from './sessions'

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
}

export type { AutosaveResult } from './current-session'

/** The lab's runs (catalog, start, stop, events) and, by delegation, its current-session service. */
export class LabHost implements LabApi {
  private readonly listeners = new Set<LabEventListener>()
  private readonly runs = new Map<string, RunController>()
  private readonly autosaves = new Map<string, Promise<AutosaveResult>>()
  readonly registry = new ChildRegistry()
  /** The current session and the library's session calls. */
  readonly sessions: CurrentSession

  constructor(private readonly options: LabHostOptions) {
    this.sessions = new CurrentSession({
      store: options.sessionsDir === undefined ? null : new SessionStore(options.sessionsDir, options.sessionStore),
      pythonPaths: options.pythonPaths,
      emit: (event) => this.emit(event),
    })
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
    if (this.options.interpretersFromCatalogOnly && config.python !== undefined) {
      const found = await discoverInterpreters(this.options.pythonPaths)
      const added = this.options.pythonPaths?.includes(config.python) ?? false
      if (!added && !isCatalogInterpreter(config.python, found)) {
        throw new Error(
          `python ${show(config.python)} is not an interpreter this lab found; start the server with --python PATH to add it`,
        )
      }
    }
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
        (run) => this.sessions.autosave(run),
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
    const saved = this.sessions.findRun(runId)
    const run = this.runs.get(runId)?.run ?? saved?.run
    if (!run) throw new Error(`no run with id ${JSON.stringify(runId)} here or in the current session`)
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
