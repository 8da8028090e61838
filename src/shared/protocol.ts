// The task protocol every executor speaks, whether it runs on a thread, a process or Python.
//
//   lab → child:  init {workload, mode, clockOrigin, fixtures}   child → lab: ready
//   lab → child:  tasks {tasks: [{id, input}, …]}   (one chunk)   child → lab: done | failed
//   lab → child:  plan {inputs}, then range {first, count}        (children whose ready says plans)
//   lab → child:  usage                                           child → lab: usage {cpu, maxRss}
//   lab → child:  stop                                            child exits
//
// `done` carries the results of one or more finished tasks: a child batches them when tasks are
// short, so that reply messages do not dominate tiny tasks. It comes in two shapes: rows
// {results: [{id, checksum, start, end, cpu, worker?}, …]} (the Python runner) and columns
// {ids, starts, ends, checksums} (Node threads and processes), which cost the lab far less to
// receive and check per task. Times are microseconds since `clockOrigin` on the shared epoch
// clock (see clock.ts), so Python and Node agree.
//
// A child whose `ready` carries `plans: true` (the Node task loop) is sent a trial's task inputs
// once, as a `plan`, and then each chunk as a `range` of ids: still one message per chunk, but
// one that costs the lab about half as much to send as a chunk with its inputs inline.
import { z } from 'zod'
import type { PythonMode } from './catalog'
import { HEARTBEAT_MAX_TICKS } from './heartbeat'
import { clusterSchema } from './schemas'

/** serial: run the queue one task at a time. concurrent: start each task as soon as it arrives. */
export type ExecutionMode = 'serial' | 'concurrent'

export const taskInputSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('range'), lo: z.number(), hi: z.number() }),
  z.object({ kind: z.literal('rows'), y0: z.number(), y1: z.number(), size: z.number(), iterations: z.number() }),
  z.object({ kind: z.literal('hash'), index: z.number(), size: z.number(), rounds: z.number() }),
  z.object({ kind: z.literal('noop'), index: z.number() }),
  z.object({
    kind: z.literal('http'),
    index: z.number(),
    latency: z.number(),
    payload: z.number(),
    rounds: z.number(),
  }),
  z.object({ kind: z.literal('sleep'), index: z.number(), duration: z.number() }),
  z.object({ kind: z.literal('file'), index: z.number(), size: z.number() }),
  // One input of the user's function (src/shared/user-script.ts): any JSON value, bounded by the run.
  z.object({ kind: z.literal('user'), index: z.number(), value: z.unknown() }),
  // The amdahl workload: sums of squares; a `serial` task runs alone before any `parallel` one is sent.
  z.object({ kind: z.literal('amdahl'), phase: z.enum(['serial', 'parallel']), lo: z.number(), hi: z.number() }),
])
/** What one task is asked to do; every kernel (TypeScript or Python) reads this shape, and the schema checks it. */
export type TaskInput = z.infer<typeof taskInputSchema>

export interface Fixtures {
  /** Base URL of the embedded HTTP server, e.g. http://127.0.0.1:40123 */
  httpUrl?: string
  /** A folder the lab created for this run and removes afterwards. */
  tempDir?: string
  /**
   * The user's script (workload `user`): the child loads it, checks its SHA-256 against this one
   * and calls `function` (`default`: a module's default export) on each task's value.
   */
  user?: { path: string; function: string; sha256: string }
}

export type { PythonMode } from './catalog'

export interface PythonInit {
  mode: PythonMode
  /** Threads or processes in the runner's pool (1 for sequential and asyncio). */
  workers: number
  /** sys.setswitchinterval in ms; null keeps the interpreter's default (5 ms). */
  switchIntervalMs: number | null
  /** py-dask: the user's Dask scheduler (tcp://HOST:PORT); left out, the runner starts a LocalCluster. */
  scheduler?: string
  /** Heartbeat: a tick every this many ms on the scheduler that runs the tasks; `usage` replies say how late each fired. */
  heartbeatMs?: number
}

export type LabToChild =
  | {
      type: 'init'
      workload: string
      mode: ExecutionMode
      clockOrigin: number
      fixtures: Fixtures
      python?: PythonInit
      /** Node children whose event loop runs the tasks (async): tick a heartbeat every this many ms on it. */
      heartbeatMs?: number
    }
  | {
      type: 'tasks'
      tasks: Array<{ id: number; input: TaskInput }>
      /** The lab is sending another chunk right away: a child that runs dry need not report yet. */
      more?: true
    }
  | { type: 'plan'; inputs: Array<TaskInput> }
  | {
      /** One chunk of planned tasks: ids first … first + count − 1. */
      type: 'range'
      first: number
      count: number
      more?: true
    }
  | { type: 'usage' }
  | { type: 'stop' }

export const taskResultSchema = z.object({
  id: z.number().int(),
  checksum: z.number().int().min(0).max(0xffffffff),
  start: z.number(),
  end: z.number(),
  /** CPU µs the task's thread spent, where the runtime can tell (Python); null otherwise. */
  cpu: z.number().nullable(),
  /** Thread or process index inside a child that runs its own pool (Python); else the child's index. */
  worker: z.number().int().min(0).optional(),
})
export type TaskResult = z.infer<typeof taskResultSchema>

/** Most results one columnar `done` may carry (the Node task loop sends at most 256). */
export const MAX_DONE_COLUMNS = 65_536

const uint32 = z.number().int().min(0).max(0xffffffff)

/** A `done` batch as columns: entry k of each array belongs to the same task. */
export const doneColumnsSchema = z
  .object({
    type: z.literal('done'),
    ids: z.array(z.number().int()).max(MAX_DONE_COLUMNS),
    starts: z.array(z.number()).max(MAX_DONE_COLUMNS),
    ends: z.array(z.number()).max(MAX_DONE_COLUMNS),
    checksums: z.array(uint32).max(MAX_DONE_COLUMNS),
  })
  .refine(
    (m) => m.starts.length === m.ids.length && m.ends.length === m.ids.length && m.checksums.length === m.ids.length,
    {
      message: 'ids, starts, ends and checksums must have the same length',
    },
  )
export type DoneColumns = z.infer<typeof doneColumnsSchema>

/**
 * True when `raw` is a columnar `done` that doneColumnsSchema accepts: the same checks, written
 * out by hand, because a pool of threads delivers one per few hundred tasks and zod would walk
 * every number through its generic machinery.
 */
export function isDoneColumns(raw: unknown): raw is DoneColumns {
  if (typeof raw !== 'object' || raw === null) return false
  const { type, ids, starts, ends, checksums } = raw as Record<string, unknown>
  if (type !== 'done' || !Array.isArray(ids) || !Array.isArray(starts) || !Array.isArray(ends)) return false
  if (!Array.isArray(checksums)) return false
  const n = ids.length
  if (n > MAX_DONE_COLUMNS || starts.length !== n || ends.length !== n || checksums.length !== n) return false
  for (let k = 0; k < n; k++) {
    const id: unknown = ids[k]
    const checksum: unknown = checksums[k]
    if (!Number.isSafeInteger(id) || !Number.isFinite(starts[k]) || !Number.isFinite(ends[k])) return false
    if (!Number.isInteger(checksum) || (checksum as number) < 0 || (checksum as number) > 0xffffffff) return false
  }
  return true
}

const childToLabRowsSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('ready'),
    pid: z.number().int(),
    thread: z.number().int(),
    /** The Python runner describes the interpreter it really is. */
    runtime: z
      .object({ version: z.string(), executable: z.string(), gil: z.boolean(), switchIntervalMs: z.number() })
      .optional(),
    /** The child takes a `plan` and then `range` messages instead of inline `tasks`. */
    plans: z.literal(true).optional(),
    /** The Dask runner describes the cluster it started (the run's fingerprint records it). */
    cluster: clusterSchema.optional(),
  }),
  z.object({ type: z.literal('done'), results: z.array(taskResultSchema) }),
  z.object({ type: z.literal('failed'), id: z.number().int(), error: z.string() }),
  z.object({
    type: z.literal('usage'),
    /** user + system CPU µs of the child process since it started (0 for threads: the host counts those). */
    cpu: z.number().min(0),
    /** peak resident set of the child process in bytes (0 for threads). */
    maxRss: z.number().min(0),
    /** false: cpu and maxRss leave out the processes that run the tasks (a user's Dask cluster). */
    measured: z.literal(false).optional(),
    /** With a heartbeat: how late each tick fired since the last usage reply, µs (bounded). */
    heartbeat: z.array(z.number().min(0)).max(HEARTBEAT_MAX_TICKS).optional(),
  }),
  z.object({ type: z.literal('fatal'), error: z.string() }),
  /** Something the run should say that is not a failure (a Dask worker lost and replaced). */
  z.object({ type: z.literal('notice'), message: z.string().max(500) }),
])

export const childToLabSchema = z.union([childToLabRowsSchema, doneColumnsSchema])
export type ChildToLab = z.infer<typeof childToLabSchema>

/** Checks a message from a child: the hot columnar `done` by hand, everything else with zod. */
export function parseChildMessage(raw: unknown): ChildToLab | null {
  if (isDoneColumns(raw)) return raw
  const parsed = childToLabSchema.safeParse(raw)
  return parsed.success ? parsed.data : null
}
