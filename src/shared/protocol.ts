// The task protocol every executor speaks, whether it runs on a thread, a process or Python.
//
//   lab → child:  init {workload, mode, clockOrigin, fixtures}   child → lab: ready
//   lab → child:  tasks {tasks: [{id, input}, …]}   (one chunk)   child → lab: done {results} | failed
//   lab → child:  usage                                           child → lab: usage {cpu, maxRss}
//   lab → child:  stop                                            child exits
//
// `done` carries the results of one or more finished tasks: a child batches them when tasks are
// short, so that reply messages do not dominate tiny tasks. Times are microseconds since
// `clockOrigin` on the shared epoch clock (see clock.ts), so Python and Node agree.
import { z } from 'zod'
import type { PythonMode } from './catalog'

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
])
/** What one task is asked to do; every kernel (TypeScript or Python) reads this shape, and the schema checks it. */
export type TaskInput = z.infer<typeof taskInputSchema>

export interface Fixtures {
  /** Base URL of the embedded HTTP server, e.g. http://127.0.0.1:40123 */
  httpUrl?: string
  /** A folder the lab created for this run and removes afterwards. */
  tempDir?: string
}

export type { PythonMode } from './catalog'

export interface PythonInit {
  mode: PythonMode
  /** Threads or processes in the runner's pool (1 for sequential and asyncio). */
  workers: number
  /** sys.setswitchinterval in ms; null keeps the interpreter's default (5 ms). */
  switchIntervalMs: number | null
}

export type LabToChild =
  | {
      type: 'init'
      workload: string
      mode: ExecutionMode
      clockOrigin: number
      fixtures: Fixtures
      python?: PythonInit
    }
  | { type: 'tasks'; tasks: Array<{ id: number; input: TaskInput }> }
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

export const childToLabSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('ready'),
    pid: z.number().int(),
    thread: z.number().int(),
    /** The Python runner describes the interpreter it really is. */
    runtime: z
      .object({ version: z.string(), executable: z.string(), gil: z.boolean(), switchIntervalMs: z.number() })
      .optional(),
  }),
  z.object({ type: z.literal('done'), results: z.array(taskResultSchema) }),
  z.object({ type: z.literal('failed'), id: z.number().int(), error: z.string() }),
  z.object({
    type: z.literal('usage'),
    /** user + system CPU µs of the child process since it started (0 for threads: the host counts those). */
    cpu: z.number().min(0),
    /** peak resident set of the child process in bytes (0 for threads). */
    maxRss: z.number().min(0),
  }),
  z.object({ type: z.literal('fatal'), error: z.string() }),
])
export type ChildToLab = z.infer<typeof childToLabSchema>
