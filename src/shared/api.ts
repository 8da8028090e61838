// LabApi: the only way a UI (desktop, browser, CLI) talks to the lab, as one method table. Every
// transport derives what it needs from LAB_METHOD_TABLE: IPC channels and handlers, the preload's
// window.lab, the WebSocket server's dispatch and the page's WebSocket client.
import { z } from 'zod'
import type { StrategySpec, WorkloadSpec } from './catalog'
import { MAX_VALUE_DEPTH, findBoundsViolation } from './bounds'
import { sweepSchema, type C10kState, type C10kStep } from './c10k'
import { EXPORT_FORMATS } from './export'
import type { LabMethod } from './methods'
import {
  ValidationError,
  describeIssues,
  describeViolation,
  runConfigSchema,
  type GroupStats,
  type MachineInfo,
  type Run,
  type Sample,
  type TimelineSlice,
  type Trial,
} from './schemas'
import { SESSION_FILE_LIMIT_BYTES, sessionIdSchema, sessionSchema, type Session, type SessionSummary } from './session'
import { tuneBoundsSchema, type TuneProgress, type TuneSummary } from './tune'
import { userScriptSchema, type ScriptInfo, type UserInputs } from './user-script'
import { contentionExperimentIdSchema, contentionOptionsSchema, type ContentionRunResult } from './contention'

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
  /** The lab's own version (package.json), for Help ▸ About and bug reports. */
  version: string
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
  /** Something the user should know that is not a failure (a session rolled over, a timeline thinned). */
  | { type: 'notice'; runId: string | null; message: string }
  /**
   * A session was written to the library: `runId` was autosaved into the current session (null:
   * a Save). `session` is the library's summary of it as saved, so a page need not re-read it.
   */
  | { type: 'session-saved'; runId: string | null; session: SessionSummary }
  /** The worker-count search (startTune): what it tries now, its budget left, its points so far. */
  | { type: 'tune-progress'; runId: null; tuneId: string; progress: TuneProgress }
  /** The search ended: what it found (null, with `error`, when it could not run at all). */
  | { type: 'tune-end'; runId: null; tuneId: string; summary: TuneSummary | null; error?: string }
  /** The catalog is not what it was (an interpreter was added): read it again. */
  | { type: 'catalog-changed'; runId: null; message: string }
  /** A C10k sweep started (`runId` is the sweep's id): its settings and number of steps. */
  | { type: 'c10k-start'; runId: string; state: C10kState }
  /** A C10k step is starting: which model, at how many connections, and how many steps are done of the total. */
  | { type: 'c10k-progress'; runId: string; model: string; connections: number; done: number; total: number }
  /** A C10k step ended, measured or failed with its reason. */
  | { type: 'c10k-step'; runId: string; step: C10kStep; done: number; total: number }
  /** A C10k sweep ended (finished, stopped or failed): every server and load process has ended. */
  | { type: 'c10k-end'; runId: string; state: C10kState }

export type LabEventListener = (event: LabEvent) => void

// ---- The method table --------------------------------------------------------------------

type ArgsSchema = z.ZodType<readonly unknown[], readonly unknown[]>

/** What a call message may weigh unless its row says more: every call but the session texts is small. */
export const DEFAULT_CALL_BYTES = 1024 * 1024
/** A session's text or object: room for the largest session file and the message around it. */
const SESSION_CALL_BYTES = SESSION_FILE_LIMIT_BYTES + 1024 * 1024

/** A row of the method table: the schema of the call's positional arguments, and its result type. */
export interface MethodRow<Args extends ArgsSchema, Result> {
  readonly args: Args
  /** The largest call message (JSON bytes) a transport accepts for it; its arguments hold at most half as many values. */
  readonly maxBytes: number
  /**
   * Validates the positional arguments, first their depth and size (without recursing), then
   * their schema; throws a ValidationError naming the argument and field ("args[0].workers[0] must be …").
   */
  readonly parse: (args: unknown) => z.output<Args>
  /** Never set: it carries the result type for the derived LabApi. */
  readonly result?: Result
}

/** A row whose call resolves to `Result`: `returns<Session>()(z.tuple([sessionIdSchema]))`. */
const returns =
  <Result>() =>
  <Args extends ArgsSchema>(args: Args, maxBytes = DEFAULT_CALL_BYTES): MethodRow<Args, Result> => ({
    args,
    maxBytes,
    parse: (value) => {
      const violation = findBoundsViolation(value, { maxDepth: MAX_VALUE_DEPTH, maxValues: Math.floor(maxBytes / 2) })
      if (violation) throw new ValidationError([describeViolation(['args', ...violation.path], violation.problem)])
      const result = args.safeParse(value)
      if (!result.success) throw new ValidationError(describeIssues(result.error, ['args']))
      return result.data
    },
  })

const runIdSchema = z.string().min(1).max(100)
/** A session's name and notes, as sessions hold them. */
const sessionNameSchema = sessionSchema.shape.name
const sessionNotesSchema = sessionSchema.shape.notes
/** A session file's text (Open in browser mode, drag-and-drop); the host decodes and validates it. */
const sessionTextSchema = z.string().max(SESSION_FILE_LIMIT_BYTES, { error: 'the session file is over the size limit' })
const fileNameSchema = z.string().max(1000)

/**
 * Every LabApi call: name → schema of its positional arguments (validated once, where a call
 * enters the lab from another process) and result type. Adding a call = a row here (and its
 * name in LAB_METHODS) + its code in LabHost; every transport serves it from then on.
 */
/** A run in progress, for a page that joins it: the run so far, how far it is, and what runs now. */
export interface ActiveRun {
  /** Config, trials done, their stats, and every CPU sample so far. */
  run: Run
  /** The latest progress event's figures; null before the first trial ended. */
  progress: EventFigures<'progress'> | null
  /** The running trial's tasks so far (its tasks events), so its timeline is not blank. */
  slices: TimelineSlice[]
  /** The trial running now (its trial-start event), or null between trials. */
  current: EventFigures<'trial-start'> | null
}

/** An event's own fields, without its type and run id. */
type EventFigures<T extends LabEvent['type']> = Omit<Extract<LabEvent, { type: T }>, 'type' | 'runId'>

export const LAB_METHOD_TABLE = {
  /** Workloads, strategies, runtimes found and facts about this machine. */
  catalog: returns<Catalog>()(z.tuple([])),
  /** Validates the configuration and starts a run; resolves to its id once it has started. */
  startRun: returns<string>()(z.tuple([runConfigSchema])),
  /** Stops a run: every worker thread and process it started is ended. */
  stopRun: returns<void>()(z.tuple([runIdSchema])),
  /** The run as it stands (finished or in progress). */
  getRun: returns<Run>()(z.tuple([runIdSchema])),
  /** The run in progress, as a page that connects (or reloads) mid-run needs it; null when none is. */
  activeRun: returns<ActiveRun | null>()(z.tuple([])),
  /** A run (live, or in the current session) as JSON, CSV (one row per trial) or a Markdown report. */
  exportRun: returns<string>()(z.tuple([runIdSchema, z.enum(EXPORT_FORMATS)])),
  /** The sessions of the library, newest first; a file that cannot be opened is listed with its problem. */
  listSessions: returns<SessionSummary[]>()(z.tuple([])),
  /** Opens a library session and makes it the current one, into which finished runs are saved. */
  openSession: returns<Session>()(z.tuple([sessionIdSchema])),
  /** Reads a library session (or the current one) without making it current (Compare). */
  getSession: returns<Session>()(z.tuple([sessionIdSchema])),
  /** Writes a Session into the library; resolves to its id. */
  saveSession: returns<string>()(z.tuple([sessionSchema]), SESSION_CALL_BYTES),
  /** Moves a session to the library's trash (see restoreSession). */
  deleteSession: returns<void>()(z.tuple([sessionIdSchema])),
  /** The session finished runs are saved into, or null before the first run or New Session. */
  currentSession: returns<Session | null>()(z.tuple([])),
  /** Starts a new, empty current session (written to the library with its first run or save). */
  newSession: returns<Session>()(z.tuple([sessionNameSchema.optional()])),
  renameSession: returns<Session>()(z.tuple([sessionIdSchema, sessionNameSchema])),
  setSessionNotes: returns<Session>()(z.tuple([sessionIdSchema, sessionNotesSchema])),
  /** Deletes one run from a session; resolves to the session as saved. Undo with restoreRun. */
  deleteRun: returns<Session>()(z.tuple([sessionIdSchema, runIdSchema])),
  /** Undoes deleteRun (the last run deleted from that session, while the lab runs). */
  restoreRun: returns<Session>()(z.tuple([sessionIdSchema, runIdSchema])),
  /** Undoes deleteSession: moves the session back from the trash. */
  restoreSession: returns<SessionSummary>()(z.tuple([sessionIdSchema])),
  listTrash: returns<SessionSummary[]>()(z.tuple([])),
  /** Opens a session file's text (a file picker or drag-and-drop): adds it to the library and makes it current. */
  importSession: returns<Session>()(z.tuple([sessionTextSchema, fileNameSchema]), SESSION_CALL_BYTES),
  /** The library session as session-file text (Save As… in browser mode is a download of it). */
  exportSession: returns<string>()(z.tuple([sessionIdSchema])),
  /** A script's runtime, SHA-256 and functions, read without running it (Workload ▸ Your Code…). */
  inspectScript: returns<ScriptInfo>()(z.tuple([userScriptSchema.shape.path])),
  /**
   * Starts a C10k sweep (each server model × each connection count, one load step each); resolves
   * to its id. One sweep at a time, and never beside a run.
   */
  startC10k: returns<string>()(z.tuple([sweepSchema])),
  /** Stops the sweep: the current step fails as stopped; every server and load process is ended. */
  stopC10k: returns<void>()(z.tuple([runIdSchema])),
  /** The sweep in progress, or the last that ended (its steps so far); null before the first. */
  c10kState: returns<C10kState | null>()(z.tuple([])),
  /** Task inputs read from a JSON array or JSON-lines file on the lab's machine, within USER_LIMITS. */
  readInputs: returns<UserInputs>()(z.tuple([userScriptSchema.shape.path])),
  /** Searches the best worker count of each strategy (one at a time, never beside a run); resolves to its id. */
  startTune: returns<string>()(z.tuple([runConfigSchema, tuneBoundsSchema])),
  /** Stops the search: it keeps what it learnt and runs the best counts found so far. */
  stopTune: returns<void>()(z.tuple([])),
  /** Runs a guided experiment of the race lab (src/shared/contention.ts) and resolves to its trials; refused while a run is in progress. */
  runRaceExperiment: returns<ContentionRunResult>()(
    z.tuple([contentionExperimentIdSchema, contentionOptionsSchema.optional()]),
  ),
} satisfies { [K in LabMethod]: MethodRow<ArgsSchema, unknown> }

type MethodTable = typeof LAB_METHOD_TABLE
/** What a caller passes to call `K`. */
export type LabArgs<K extends LabMethod> = z.input<MethodTable[K]['args']>
/** The arguments of `K` once the table's schema has validated them (defaults filled, params numbers). */
export type LabParsedArgs<K extends LabMethod> = z.output<MethodTable[K]['args']>
/** What call `K` resolves to. */
export type LabResult<K extends LabMethod> = MethodTable[K] extends { readonly result?: infer R } ? R : never

/** Every call of the table as a method: what a client of any transport can call. */
export type LabCalls = { [K in keyof MethodTable]: (...args: LabArgs<K>) => Promise<LabResult<K>> }
/** Every call with its arguments already validated: what a transport's server side calls. */
export type LabHandlers = { [K in keyof MethodTable]: (...args: LabParsedArgs<K>) => Promise<LabResult<K>> }

/** The table seen one name at a time, so that for a generic `K` TypeScript keeps that row's own types. */
type MethodRows = {
  [K in LabMethod]: { args: MethodTable[K]['args']; maxBytes: number; parse: (args: unknown) => LabParsedArgs<K> }
}
const rows: MethodRows = LAB_METHOD_TABLE

export interface LabApi extends LabCalls {
  /** Subscribes to the events of every run; returns the unsubscribe function. Not a call: each transport pushes events. */
  onEvent(listener: LabEventListener): () => void
}

/**
 * Validates a call's positional arguments against its row; throws a ValidationError naming the
 * argument and field ("args[0].workers[0] must be …"). The one check at every transport boundary.
 */
export function parseLabArgs<K extends LabMethod>(name: K, args: unknown): LabParsedArgs<K> {
  return rows[name].parse(args)
}

/** The largest call message a transport accepts for `name`, in bytes (its row's `maxBytes`). */
export function maxCallBytes(name: LabMethod): number {
  return rows[name].maxBytes
}

/** The largest call message of any row: what a transport's frame limit must let through. */
export const MAX_CALL_BYTES = Math.max(...Object.values(LAB_METHOD_TABLE).map((row) => row.maxBytes))

/** Calls `name` on `lab` with arguments parseLabArgs validated. */
export function callLab<K extends LabMethod>(lab: LabHandlers, name: K, args: LabParsedArgs<K>): Promise<LabResult<K>> {
  return lab[name](...args)
}
