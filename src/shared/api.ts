// LabApi: the only way a UI (desktop, browser, CLI) talks to the lab.
import type { StrategySpec, WorkloadSpec } from './catalog'
import type { ExportFormat } from './export'
import type { GroupStats, MachineInfo, Run, RunConfigInput, Sample, TimelineSlice, Trial } from './schemas'
import type { Session, SessionSummary } from './session'

export type { ExportFormat } from './export'
export type { Session, SessionSummary } from './session'

export interface RuntimeInfo {
  id: string
  kind: 'node' | 'python'
  version: string
  executable: string
  /** Python only: false on a free-threaded build with the GIL off. */
  gil?: boolean
  /** Python only: a free-threaded build (3.13t and later), which can run with the GIL off. */
  freeThreaded?: boolean
  /** Python only: which strategy needs it meets (a free-threaded build, optional modules it can import). */
  capabilities?: StrategySpec['needs']
  /** Python only: the interpreter the py-* strategies use when a run names none. */
  default?: boolean
  /** Why the lab cannot use this interpreter (e.g. older than 3.8); absent when it can. */
  unavailable?: string
}

export interface Catalog {
  workloads: readonly WorkloadSpec[]
  strategies: readonly StrategySpec[]
  runtimes: RuntimeInfo[]
  machine: MachineInfo
}

export type LabEvent =
  | { type: 'run-start'; runId: string; run: Run }
  | { type: 'sample'; runId: string; samples: Sample[] }
  | {
      type: 'trial-start'
      runId: string
      index: number
      strategy: string
      workers: number
      repetition: number
      warmup: boolean
      start: number
    }
  | { type: 'tasks'; runId: string; index: number; slices: TimelineSlice[] }
  | { type: 'trial-end'; runId: string; index: number; trial: Trial; stats: GroupStats[] }
  | {
      type: 'progress'
      runId: string
      done: number
      total: number
      strategy: string
      workers: number
      etaMs: number | null
    }
  | { type: 'run-end'; runId: string; run: Run }
  | { type: 'error'; runId: string | null; message: string }
  /** A run was saved into the current session (autosave), or the current session changed. */
  | { type: 'session-saved'; runId: string | null; session: SessionSummary }

export type LabEventListener = (event: LabEvent) => void

export interface LabApi extends SessionApi {
  /** Workloads, strategies, runtimes found and facts about this machine. */
  catalog(): Promise<Catalog>
  /** Validates the configuration and starts a run; resolves to its id once it has started. */
  startRun(config: RunConfigInput): Promise<string>
  /** Stops a run: every worker thread and process it started is ended. */
  stopRun(id: string): Promise<void>
  /** Subscribes to the events of every run; returns the unsubscribe function. */
  onEvent(listener: LabEventListener): () => void
  /** The run as it stands (finished or in progress). */
  getRun(id: string): Promise<Run>
  /** The sessions of the library, newest first; a file that cannot be opened is listed with its problem. */
  listSessions(): Promise<SessionSummary[]>
  /** Opens a library session and makes it the current one, into which finished runs are saved. */
  openSession(id: string): Promise<Session>
  /** Writes a Session into the library; the host validates it (transports pass it through); resolves to its id. */
  saveSession(session: unknown): Promise<string>
  /** Moves a session to the library's trash (see SessionApi.restoreSession). */
  deleteSession(id: string): Promise<void>
  /** A run (live, or in the current session) as JSON, CSV (one row per trial) or a Markdown report. */
  exportRun(runId: string, format: ExportFormat): Promise<string>
}

/** The rest of the session calls, served by LabHost and carried by every transport (LabApi extends it). */
export interface SessionApi {
  /** The session finished runs are saved into, or null before the first run or New Session. */
  currentSession(): Promise<Session | null>
  /** Starts a new, empty current session (written to the library with its first run or save). */
  newSession(name?: string): Promise<Session>
  renameSession(id: string, name: string): Promise<Session>
  setSessionNotes(id: string, notes: string): Promise<Session>
  /** Undoes deleteSession: moves the session back from the trash. */
  restoreSession(id: string): Promise<SessionSummary>
  listTrash(): Promise<SessionSummary[]>
  /** Opens a session file's text (a file picker or drag-and-drop): adds it to the library and makes it current. */
  importSession(text: string, fileName: string): Promise<Session>
  /** The library session as session-file text (Save As… in browser mode is a download of it). */
  exportSession(id: string): Promise<string>
}
