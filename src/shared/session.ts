// Session files: the schema, its version history (migrations), and the codec used for every read
// and write. On disk, timelines and samples are columnar (one array per field) so a 100,000-task
// run stays small and fast to validate; in memory a session holds plain Run objects.
import { z } from 'zod'
import {
  describeIssues,
  MAX_SLICE_CPU_US,
  mustBe,
  groupStatsSchema,
  machineSchema,
  runSchema,
  trialSchema,
  type MachineInfo,
  type Run,
  type Sample,
  type TimelineSlice,
  type Trial,
} from './schemas'

/** The `format` field that marks a JSON document as a Concurrency Lab session. */
export const SESSION_FORMAT = 'concurrency-lab-session'
/** The schema version this lab writes, and the newest it reads. */
export const SESSION_SCHEMA_VERSION = 1
/** Session files larger than this are refused before they are read, and never written. */
export const SESSION_FILE_LIMIT_BYTES = 200 * 1024 * 1024
/**
 * Autosave starts a new session rather than let the current one's file pass this share of the
 * limit: room for notes and renames, and a bound on what each autosave rewrites.
 */
export const ROLLOVER_SHARE = 0.5

/** Session ids name files: letters, digits, '-' and '_' only, so an id can never leave the library folder. */
export const sessionIdSchema = z
  .string({ error: 'must be a session id (text)' })
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/, {
    error: (iss) => mustBe('1–100 letters, digits, - or _', iss.input),
  })

const nameSchema = z.string().max(200, { error: 'must be at most 200 characters' })
const notesSchema = z.string().max(100_000, { error: 'must be at most 100,000 characters' })
const isoDate = z
  .string()
  .regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/, { error: 'must be an ISO 8601 date and time' })

/** A session in memory: what the app and the CLI work with. */
export const sessionSchema = z
  .object({
    schemaVersion: z.literal(SESSION_SCHEMA_VERSION),
    id: sessionIdSchema,
    name: nameSchema,
    notes: notesSchema,
    createdAt: isoDate,
    updatedAt: isoDate,
    /** The machine the session was created on; each run also carries the machine it ran on. */
    machine: machineSchema,
    runs: z.array(runSchema),
  })
  .strict()
export type Session = z.infer<typeof sessionSchema>

/** What the library lists for a session without loading its runs. */
export interface SessionSummary {
  id: string
  name: string
  notes: string
  createdAt: string
  updatedAt: string
  /** One line about the machine: CPU model, cores, OS. */
  machine: string
  runs: number
  sizeBytes: number
  /** Set when the file cannot be opened: the one-line reason. Other fields are then best guesses. */
  problem?: string
}

// ---- Errors ------------------------------------------------------------------------------

export type SessionProblem =
  | 'empty'
  | 'truncated'
  | 'malformed'
  | 'binary'
  | 'too-large'
  | 'foreign'
  | 'newer-version'
  | 'invalid'
  | 'not-found'
  | 'exists'
  | 'read-failed'
  | 'no-space'
  | 'read-only'
  | 'write-failed'

/** The one error type of session reading and writing: a one-line message naming the problem. */
export class SessionError extends Error {
  override name = 'SessionError'
  constructor(
    readonly problem: SessionProblem,
    message: string,
  ) {
    super(oneLine(message))
  }
}

/** Collapses whitespace and control characters so a message always fits on one line. */
export function oneLine(text: string, max = 400): string {
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\s]+/g, ' ').trim()
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat
}

/** 2048 → "2.0 KB", as the session messages write sizes. */
export const formatBytes = (n: number): string =>
  n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(1)} MB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KB` : `${n} bytes`

// ---- On-disk form (schema version 1) -------------------------------------------------------

const numbers = z.array(z.number())
const integers = z.array(z.number().int())

const timelineColumnsSchema = z
  .object({
    task: integers,
    worker: integers,
    lane: integers,
    start: numbers,
    end: numbers,
    /** Each task's thread CPU µs, null where not measured; absent when no slice of the trial has it. */
    cpu: z.array(z.number().min(0).max(MAX_SLICE_CPU_US).nullable()).optional(),
  })
  .strict()
  .refine(
    (c) => [c.worker, c.lane, c.start, c.end, c.cpu ?? c.task].every((column) => column.length === c.task.length),
    { error: 'columns must all have the same length' },
  )

const sampleColumnsSchema = z
  .object({ t: numbers, rss: numbers, cores: z.array(numbers) })
  .strict()
  .refine((c) => c.rss.length === c.t.length && c.cores.length === c.t.length, {
    error: 'columns must all have the same length',
  })

const trialFileSchema = trialSchema.extend({ timeline: timelineColumnsSchema }).strict()
const runFileSchema = runSchema
  .extend({ trials: z.array(trialFileSchema), samples: sampleColumnsSchema, stats: z.array(groupStatsSchema.strict()) })
  .strict()

/** The session on disk: the same fields, plus what marks the file, with runs stored as columns. */
const sessionFileSchema = sessionSchema.extend({
  format: z.literal(SESSION_FORMAT),
  /** The lab that wrote the file, e.g. "Concurrency Lab 0.1.0". */
  writtenBy: z.string().max(200),
  runs: z.array(runFileSchema),
})
type SessionFile = z.infer<typeof sessionFileSchema>
type RunFile = z.infer<typeof runFileSchema>

function encodeTimeline(slices: readonly TimelineSlice[]): RunFile['trials'][number]['timeline'] {
  const columns = {
    task: [] as number[],
    worker: [] as number[],
    lane: [] as number[],
    start: [] as number[],
    end: [] as number[],
  }
  const cpu: (number | null)[] = []
  for (const s of slices) {
    columns.task.push(s.task)
    columns.worker.push(s.worker)
    columns.lane.push(s.lane)
    columns.start.push(s.start)
    columns.end.push(s.end)
    cpu.push(s.cpu ?? null)
  }
  return cpu.some((c) => c !== null) ? { ...columns, cpu } : columns
}

function decodeTimeline(c: RunFile['trials'][number]['timeline']): TimelineSlice[] {
  const out: TimelineSlice[] = new Array(c.task.length)
  for (let i = 0; i < c.task.length; i++) {
    out[i] = { task: c.task[i]!, worker: c.worker[i]!, lane: c.lane[i]!, start: c.start[i]!, end: c.end[i]! }
    const cpu = c.cpu?.[i]
    if (cpu !== undefined && cpu !== null) out[i]!.cpu = cpu
  }
  return out
}

function encodeRun(run: Run): RunFile {
  return {
    ...run,
    trials: run.trials.map((trial) => ({ ...trial, timeline: encodeTimeline(trial.timeline) })),
    samples: {
      t: run.samples.map((s) => s.t),
      rss: run.samples.map((s) => s.rss),
      cores: run.samples.map((s) => s.cores),
    },
  }
}

function decodeRun(file: RunFile): Run {
  const samples: Sample[] = new Array(file.samples.t.length)
  for (let i = 0; i < samples.length; i++)
    samples[i] = { t: file.samples.t[i]!, cores: file.samples.cores[i]!, rss: file.samples.rss[i]! }
  const trials: Trial[] = file.trials.map((trial) => ({ ...trial, timeline: decodeTimeline(trial.timeline) }))
  return { ...file, trials, samples }
}

/** A session's own fields, without its runs. */
export type SessionHead = Omit<Session, 'runs'>

/**
 * The text of a session file around its runs: `prefix + runTexts.join(',') + suffix` is the file,
 * byte for byte what encodeSession writes, so a writer can keep runs it does not hold as the
 * bytes they already have in the file.
 */
export function encodeSessionFrame(head: SessionHead, writtenBy: string): { prefix: string; suffix: string } {
  const file: SessionFile = {
    format: SESSION_FORMAT,
    schemaVersion: SESSION_SCHEMA_VERSION,
    writtenBy,
    id: head.id,
    name: head.name,
    notes: head.notes,
    createdAt: head.createdAt,
    updatedAt: head.updatedAt,
    machine: head.machine,
    runs: [],
  }
  const checked = sessionFileSchema.safeParse(file)
  if (!checked.success)
    throw new SessionError('invalid', `cannot save session ${JSON.stringify(head.name)}: ${firstIssues(checked.error)}`)
  const text = JSON.stringify(file)
  // JSON.stringify keeps insertion order: the text ends with the empty runs, `[]}`.
  return { prefix: text.slice(0, -2), suffix: ']}' }
}

/** One run's text in a session file (`index`: its place in the session, for the error message). */
export function encodeRunText(run: Run, index: number, sessionName: string): string {
  const encoded = encodeRun(run)
  const checked = runFileSchema.safeParse(encoded)
  if (!checked.success)
    throw new SessionError(
      'invalid',
      `cannot save session ${JSON.stringify(sessionName)}: ${firstIssues(checked.error, ['runs', index])}`,
    )
  return JSON.stringify(encoded)
}

/** A run read back from its own bytes in a session file (as encodeRunText wrote them). */
export function decodeRunText(text: string, source: string): Run {
  if (jsonDepth(text) > MAX_JSON_DEPTH)
    throw new SessionError('malformed', `${source} is damaged: a run nests deeper than ${MAX_JSON_DEPTH} levels`)
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch (error) {
    throw jsonError(error, text, source)
  }
  const parsed = runFileSchema.safeParse(doc)
  if (!parsed.success) throw new SessionError('invalid', `${source} is damaged: ${firstIssues(parsed.error)}`)
  return decodeRun(parsed.data)
}

/** The file text of a session (compact JSON, columnar timelines and samples). */
export function encodeSession(session: Session, writtenBy: string): string {
  // Checked before writing, so the lab never writes a file it would refuse to read
  // (a NaN or Infinity, for one, would silently become null in JSON).
  const { prefix, suffix } = encodeSessionFrame(session, writtenBy)
  return prefix + session.runs.map((run, i) => encodeRunText(run, i, session.name)).join(',') + suffix
}

// ---- Versions and migrations ------------------------------------------------------------------

type JsonObject = Record<string, unknown>

/**
 * Migrations, keyed by the version they read: each turns a document of that version into one
 * of the next version. Opening a file runs every step from its version up to the current one.
 */
export const MIGRATIONS: Readonly<Record<number, (doc: JsonObject) => JsonObject>> = {
  // Version 0: a bare run, as `concurrency-lab run --out` wrote it before sessions existed.
  0: (doc) => {
    const run = runSchema.safeParse(doc)
    if (!run.success) throw new SessionError('invalid', `is an old run file that is damaged: ${firstIssues(run.error)}`)
    const value = run.data
    const session: Session = {
      schemaVersion: SESSION_SCHEMA_VERSION,
      id: `run-${value.id.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 90) || 'imported'}`,
      name: `${value.config.workload} · ${value.startedAt.slice(0, 16).replace('T', ' ')}`,
      notes: '',
      createdAt: value.startedAt,
      updatedAt: value.endedAt ?? value.startedAt,
      machine: value.machine,
      runs: [value],
    }
    return JSON.parse(encodeSession(session, 'Concurrency Lab (run file)')) as JsonObject
  },
}

// A bare run file has these fields and no `format`.
const looksLikeRunFile = (doc: JsonObject): boolean =>
  ['config', 'trials', 'clockOrigin', 'stats', 'samples'].every((k) => k in doc)

function firstIssues(error: z.ZodError, under: ReadonlyArray<PropertyKey> = []): string {
  const issues = describeIssues(error, under)
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : ''
  return `${oneLine(issues[0] ?? 'unknown problem', 200)}${more}`
}

// ---- Reading ----------------------------------------------------------------------------

/** Reads a session from a file's bytes; `source` (a path or name) starts every error message. */
export function decodeSessionBytes(bytes: Uint8Array, source: string, limitBytes = SESSION_FILE_LIMIT_BYTES): Session {
  if (bytes.length === 0) throw new SessionError('empty', `${source} is empty (0 bytes): it holds no session`)
  if (bytes.length > limitBytes) throw tooLarge(source, bytes.length, limitBytes)
  const nul = bytes.indexOf(0)
  if (nul !== -1)
    throw new SessionError(
      'binary',
      `${source} is not a session file: it holds binary data (a zero byte at offset ${nul})`,
    )
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw new SessionError('binary', `${source} is not a session file: it holds binary data (not UTF-8 text)`)
  }
  return decodeSessionText(text, source)
}

export function tooLarge(source: string, size: number, limitBytes: number): SessionError {
  return new SessionError(
    'too-large',
    `${source} is ${formatBytes(size)}, over the ${formatBytes(limitBytes)} limit for session files`,
  )
}

/**
 * Deepest nesting of arrays and objects a session file may have. A real one nests about 8 deep
 * (session → runs → run → trials → trial → timeline → column); anything near this is not a
 * session, and deeper input would overflow the stack of whatever recurses on it.
 */
export const MAX_JSON_DEPTH = 64

/** How deep `text` nests arrays and objects, counted without recursion; stops once past `limit`. */
export function jsonDepth(text: string, limit = MAX_JSON_DEPTH): number {
  let depth = 0
  let deepest = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5c)
        i++ // a backslash escapes the next character
      else if (c === 0x22) inString = false
    } else if (c === 0x22) inString = true
    else if (c === 0x5b || c === 0x7b) {
      depth++
      if (depth > deepest) deepest = depth
      if (deepest > limit) return deepest
    } else if (c === 0x5d || c === 0x7d) depth--
  }
  return deepest
}

/** Reads a session from a file's text; every failure is a SessionError whose message starts with `source`. */
export function decodeSessionText(input: string, source: string): Session {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input
  if (text.trim() === '') throw new SessionError('empty', `${source} is empty: it holds no session`)
  // Checked before JSON.parse and zod, which recurse on what they read.
  if (jsonDepth(text) > MAX_JSON_DEPTH)
    throw new SessionError(
      'malformed',
      `${source} is not a session file: its JSON nests deeper than ${MAX_JSON_DEPTH} levels`,
    )
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch (error) {
    throw jsonError(error, text, source)
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    const kind = Array.isArray(doc) ? 'an array' : doc === null ? 'null' : `a ${typeof doc}`
    throw new SessionError(
      'foreign',
      `${source} is not a Concurrency Lab session: it is JSON holding ${kind}, not a session`,
    )
  }
  let current = doc as JsonObject
  let version: number
  if (current.format === SESSION_FORMAT) {
    const v = current.schemaVersion
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
      throw new SessionError(
        'invalid',
        `${source} is damaged: schemaVersion must be a whole number, got ${oneLine(JSON.stringify(v) ?? 'nothing', 40)}`,
      )
    }
    version = v
  } else if (!('format' in current) && looksLikeRunFile(current)) {
    version = 0
  } else {
    const why =
      'format' in current
        ? `its format is ${oneLine(JSON.stringify(current.format) ?? '', 60)}`
        : `it has no "format": "${SESSION_FORMAT}" field`
    throw new SessionError('foreign', `${source} is not a Concurrency Lab session: ${why}`)
  }
  if (version > SESSION_SCHEMA_VERSION) {
    const by = typeof current.writtenBy === 'string' ? ` (${oneLine(current.writtenBy, 80)})` : ''
    throw new SessionError(
      'newer-version',
      `${source} was written by schema version ${version}${by}; this lab reads up to ${SESSION_SCHEMA_VERSION}: update Concurrency Lab to open it`,
    )
  }
  for (; version < SESSION_SCHEMA_VERSION; version++) {
    try {
      current = MIGRATIONS[version]!(current)
    } catch (error) {
      if (error instanceof SessionError) throw new SessionError(error.problem, `${source} ${error.message}`)
      throw error
    }
  }
  const parsed = sessionFileSchema.safeParse(current)
  if (!parsed.success) throw new SessionError('invalid', `${source} is damaged: ${firstIssues(parsed.error)}`)
  const file = parsed.data
  return {
    schemaVersion: SESSION_SCHEMA_VERSION,
    id: file.id,
    name: file.name,
    notes: file.notes,
    createdAt: file.createdAt,
    updatedAt: file.updatedAt,
    machine: file.machine,
    runs: file.runs.map(decodeRun),
  }
}

function jsonError(error: unknown, text: string, source: string): SessionError {
  const message = error instanceof Error ? error.message : String(error)
  const position = /position (\d+)/.exec(message)?.[1]
  const at = position === undefined ? null : Number(position)
  // A file cut short ends inside a value: the parser runs out of input rather than meeting a bad character.
  if (/end of JSON input|Unterminated string/i.test(message) || (at !== null && at >= text.trimEnd().length)) {
    return new SessionError(
      'truncated',
      `${source} is truncated: its JSON ends early, at byte ${text.length} (an interrupted copy or download?)`,
    )
  }
  const where = at === null ? '' : ` at character ${at}`
  // V8 quotes the text around the problem ("Unexpected token 'x', "…" is not valid JSON"): keep
  // only its own words, never the file's.
  const reason = message
    .replace(/,? ?".*"(\.\.\.)? is not valid JSON$/s, '')
    .replace(/^Unexpected token .*$/s, 'unexpected character')
    .replace(/ in JSON at position.*$/s, '')
  return new SessionError('malformed', `${source} is not valid JSON${where}: ${oneLine(reason, 120)}`)
}

/** Validates a session handed over by a UI (or any caller); throws a ValidationError naming each bad field. */
export function parseSession(value: unknown): Session {
  const result = sessionSchema.safeParse(value)
  if (!result.success) throw new SessionError('invalid', `the session is not valid: ${firstIssues(result.error)}`)
  return result.data
}

// ---- Making sessions ------------------------------------------------------------------------

/** A new, empty session made now on `machine`. */
export function newSession(options: { id: string; name: string; machine: MachineInfo; now?: Date }): Session {
  const now = (options.now ?? new Date()).toISOString()
  return {
    schemaVersion: SESSION_SCHEMA_VERSION,
    id: options.id,
    name: options.name,
    notes: '',
    createdAt: now,
    updatedAt: now,
    machine: options.machine,
    runs: [],
  }
}

/** The session with `run` added, or replacing the run with the same id. */
export function withRun(session: Session, run: Run, now = new Date()): Session {
  const index = session.runs.findIndex((r) => r.id === run.id)
  const runs = index === -1 ? [...session.runs, run] : session.runs.map((r, i) => (i === index ? run : r))
  return { ...session, runs, updatedAt: now.toISOString() }
}

/**
 * `run` without its trials and samples: what a list of runs and Compare read (config, status,
 * machine, statistics), a small part of a run that a page can hold for every run of a session.
 * Never saved: a page fetches the whole run (getRun) to show it.
 */
export function outlineRun(run: Run): Run {
  if (run.samples.length === 0 && run.trials.length === 0) return run
  return { ...run, trials: [], samples: [] }
}

/** `session` with every run outlined (outlineRun). */
export function outlineSession(session: Session): Session {
  return { ...session, runs: session.runs.map(outlineRun) }
}

/** `run` with each trial's timeline cut to every `keepEvery`-th slice, and marked as thinned. */
export function thinTimelines(run: Run, keepEvery: number): Run {
  const slices = run.timelineThinned?.slices ?? run.trials.reduce((n, t) => n + t.timeline.length, 0)
  const trials = run.trials.map((t) => ({ ...t, timeline: t.timeline.filter((_, i) => i % keepEvery === 0) }))
  const kept = trials.reduce((n, t) => n + t.timeline.length, 0)
  return { ...run, trials, timelineThinned: { keepEvery, slices, kept } }
}

/** One line about a machine: CPU model, cores and OS. */
export function describeMachine(m: MachineInfo): string {
  const cores =
    m.physicalCores && m.physicalCores !== m.logicalCores
      ? `${m.physicalCores} cores / ${m.logicalCores} threads`
      : `${m.logicalCores} cores`
  return `${m.cpuModel} · ${cores} · ${m.osName ?? m.os}`
}

/** What the library lists about a session. */
export function summariseSession(session: Session, sizeBytes: number): SessionSummary {
  return summariseHead(session, session.runs.length, sizeBytes)
}

/** What the library lists about a session, from its own fields and how many runs it has. */
export function summariseHead(head: SessionHead, runs: number, sizeBytes: number): SessionSummary {
  return {
    id: head.id,
    name: head.name,
    notes: head.notes,
    createdAt: head.createdAt,
    updatedAt: head.updatedAt,
    machine: describeMachine(head.machine),
    runs,
    sizeBytes,
  }
}
