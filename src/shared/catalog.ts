// Workloads and strategies the lab knows, and how a workload is split into tasks.
// Pure data and maths: the kernels that run the tasks live in src/workers.
import { AMDAHL_WORKLOAD, planAmdahl } from './amdahl-workload'
import type { TaskInput } from './protocol'

export type { TaskInput } from './protocol'

export type WorkloadKind = 'cpu' | 'io' | 'mixed'

export interface ParamSpec {
  name: string
  unit: string
  default: number
  min: number
  max: number
  description: string
}

export interface WorkloadSpec {
  id: string
  kind: WorkloadKind
  title: string
  /** One line a student can read: what the workload does and what it teaches. */
  explanation: string
  params: ParamSpec[]
  /** Fixtures the engine must provide: an HTTP server, a temp folder. */
  needs: Array<'http' | 'tempDir'>
}

export type StrategyId =
  | 'sequential'
  | 'async'
  | 'threads'
  | 'processes'
  | 'py-sequential'
  | 'py-threads'
  | 'py-processes'
  | 'py-asyncio'
  | 'py-threads-nogil'
  | 'py-gevent'
  | 'py-dask'
  | 'py-twisted'
  | 'py-asyncio-uvloop'
  | 'py-generators'
  | 'py-generators-greedy'

/** How the Python runner (src/workers/python/runner.py) runs the tasks it is sent. */
export type PythonMode =
  | 'sequential'
  | 'threads'
  | 'processes'
  | 'asyncio'
  | 'uvloop'
  | 'generators'
  | 'generators-greedy'
  | 'gevent'
  | 'twisted'
  | 'dask'

/** The executors of src/main/lab/executors: what starts a strategy's children and feeds them tasks. */
export type ExecutorId = 'node-threads' | 'node-processes' | 'python-runner'

/**
 * What a strategy may need from its interpreter beyond the standard library: a free-threaded
 * build, or a module it must be able to import (the interpreter probe reports which it can).
 */
export type Capability = 'free-threaded' | 'gevent' | 'twisted' | 'uvloop' | 'distributed' | 'starlette' | 'uvicorn'

export interface StrategySpec {
  id: StrategyId
  runtime: 'node' | 'python'
  title: string
  explanation: string
  /** Whether the strategy uses the run's worker counts (false: always one worker). */
  takesWorkers: boolean
  /** The executor that runs it (looked up in src/main/lab/executors, never chosen by id). */
  executor: ExecutorId
  /**
   * How tasks reach its children: `pull` keeps each worker fed with a little queued work;
   * `all-at-once` hands every task over so one scheduler (an event loop, the Python runner) starts them.
   */
  dispatch: 'pull' | 'all-at-once'
  /** What the lanes of its timeline are: parallel workers, or tasks in flight on one thread. */
  lanes: 'workers' | 'in-flight'
  /** The strategy its speedups are measured against (one thread of the same runtime). */
  baseline: StrategyId
  /**
   * Where its CPU time is counted: `lab` — threads of the lab's own process; `children` — the lab
   * plus the processes it started, as they report; `interpreter` — the Python runner and its pool alone.
   */
  cpu: 'lab' | 'children' | 'interpreter'
  /** What runs its tasks, counted in sentences ("2 threads kept 1.0 cores busy"): one, many. */
  unit: { one: string; many: string }
  /** Threads that take turns under one GIL: the GIL reasons of the analysis apply to it. */
  gilBound: boolean
  /** Python only: the runner's mode and the GIL setting on a free-threaded build. */
  python?: { mode: PythonMode; gil?: 'on' | 'off' }
  /** What it needs from its interpreter; unmet needs make it unavailable, with the reason. */
  needs: readonly Capability[]
  /** Set by the lab's catalog when the strategy cannot run here: why (e.g. no Python 3.8+). */
  unavailable?: string
}

const tasksParam = (defaultTasks: number): ParamSpec => ({
  name: 'tasks',
  unit: 'tasks',
  default: defaultTasks,
  min: 1,
  max: 100_000,
  description: 'how many tasks the work is split into',
})

const latencyParam: ParamSpec = {
  name: 'latency',
  unit: 'ms',
  default: 50,
  min: 0,
  max: 10_000,
  description: 'how long the server waits before it answers',
}

const payloadParam: ParamSpec = {
  name: 'payload',
  unit: 'bytes',
  default: 1024,
  min: 0,
  max: 16 * 1024 * 1024,
  description: 'size of each response body',
}

export const WORKLOADS: readonly WorkloadSpec[] = [
  {
    id: 'primes',
    kind: 'cpu',
    title: 'Count primes',
    explanation: 'Counts primes below a bound by trial division: pure CPU work that splits evenly.',
    params: [
      {
        name: 'size',
        unit: 'numbers',
        default: 2_000_000,
        min: 10,
        max: 100_000_000,
        description: 'count primes below this bound',
      },
      tasksParam(32),
    ],
    needs: [],
  },
  {
    id: 'countdown',
    kind: 'cpu',
    title: 'Countdown',
    explanation: 'Decrements a counter to zero: the classic demonstration that the GIL serialises CPU-bound threads.',
    params: [
      {
        name: 'size',
        unit: 'steps',
        default: 20_000_000,
        min: 1,
        max: 10_000_000_000,
        description: 'total decrements across all tasks',
      },
      tasksParam(8),
    ],
    needs: [],
  },
  {
    id: 'sum-squares',
    kind: 'cpu',
    title: 'Sum of squares',
    explanation: 'Adds up i² (mod 2³²) over a range: tight integer arithmetic.',
    params: [
      {
        name: 'size',
        unit: 'numbers',
        default: 20_000_000,
        min: 1,
        max: 2_000_000_000,
        description: 'sum the squares of 0 … size−1',
      },
      tasksParam(16),
    ],
    needs: [],
  },
  {
    id: 'mandelbrot',
    kind: 'cpu',
    title: 'Mandelbrot rows',
    explanation: 'Computes rows of the Mandelbrot set: floating-point work whose rows cost unequal time.',
    params: [
      { name: 'size', unit: 'pixels', default: 400, min: 1, max: 10_000, description: 'width and height of the image' },
      {
        name: 'iterations',
        unit: 'iterations',
        default: 200,
        min: 1,
        max: 100_000,
        description: 'escape-time limit per pixel',
      },
      tasksParam(40),
    ],
    needs: [],
  },
  {
    id: 'sha256',
    kind: 'cpu',
    title: 'SHA-256',
    explanation: 'Hashes a buffer k times: CPU work done in C, which in CPython runs without the GIL.',
    params: [
      {
        name: 'size',
        unit: 'bytes',
        default: 1024 * 1024,
        min: 1,
        max: 256 * 1024 * 1024,
        description: 'buffer size per task',
      },
      { name: 'rounds', unit: 'rounds', default: 20, min: 1, max: 100_000, description: 'times each buffer is hashed' },
      tasksParam(8),
    ],
    needs: [],
  },
  {
    id: 'noop',
    kind: 'cpu',
    title: 'Empty tasks',
    explanation: 'Tasks that do nothing: all that is left is the cost of dispatching them, which chunking amortises.',
    params: [tasksParam(10_000)],
    needs: [],
  },
  {
    id: 'http',
    kind: 'io',
    title: 'HTTP requests',
    explanation: 'GETs from a local server that waits before answering: the waiting overlaps under async and threads.',
    params: [tasksParam(50), latencyParam, payloadParam],
    needs: ['http'],
  },
  {
    id: 'sleep',
    kind: 'io',
    title: 'Sleep',
    explanation: 'Waits on a timer: pure latency, no CPU at all.',
    params: [
      tasksParam(50),
      { name: 'duration', unit: 'ms', default: 50, min: 0, max: 60_000, description: 'how long each task sleeps' },
    ],
    needs: [],
  },
  {
    id: 'file',
    kind: 'io',
    title: 'File write and read',
    explanation: 'Writes a temp file and reads it back: disk and page-cache I/O.',
    params: [
      tasksParam(20),
      {
        name: 'size',
        unit: 'bytes',
        default: 1024 * 1024,
        min: 0,
        max: 256 * 1024 * 1024,
        description: 'file size per task',
      },
    ],
    needs: ['tempDir'],
  },
  {
    id: 'fetch-and-hash',
    kind: 'mixed',
    title: 'Fetch and hash',
    explanation: 'GETs a body, then hashes it: waiting and computing in one task.',
    params: [
      tasksParam(40),
      latencyParam,
      { ...payloadParam, default: 256 * 1024 },
      { name: 'rounds', unit: 'rounds', default: 20, min: 1, max: 100_000, description: 'times each body is hashed' },
    ],
    needs: ['http'],
  },
  AMDAHL_WORKLOAD,
]

/**
 * The user's own code (workload `user`): not among the built-in WORKLOADS (menus and presets list
 * those), but found by findWorkload. Its tasks come from the run's userScript (src/shared/user-script.ts).
 */
export const USER_WORKLOAD_SPEC: WorkloadSpec = {
  id: 'user',
  kind: 'mixed',
  title: 'Your code',
  explanation:
    'Your own function, called once per task input: the lab times it under each strategy and checks that the results agree.',
  params: [],
  // Scripts may fetch from the lab's HTTP fixture (its URL is in CONCURRENCY_LAB_HTTP_URL).
  needs: ['http'],
}

const THREAD = { one: 'thread', many: 'threads' }
const PROCESS = { one: 'process', many: 'processes' }
const EVENT_LOOP = { one: 'event loop', many: 'event loops' }
const REACTOR = { one: 'reactor', many: 'reactors' }

export const STRATEGIES: readonly StrategySpec[] = [
  {
    id: 'sequential',
    runtime: 'node',
    title: 'Sequential',
    explanation: 'One worker thread runs the tasks one after another: the baseline.',
    takesWorkers: false,
    executor: 'node-threads',
    dispatch: 'pull',
    lanes: 'workers',
    baseline: 'sequential',
    cpu: 'lab',
    unit: THREAD,
    gilBound: false,
    needs: [],
  },
  {
    id: 'async',
    runtime: 'node',
    title: 'Async event loop',
    explanation: 'One worker thread starts every task at once on its event loop: waits overlap, CPU work does not.',
    takesWorkers: false,
    executor: 'node-threads',
    dispatch: 'all-at-once',
    lanes: 'in-flight',
    baseline: 'sequential',
    cpu: 'lab',
    unit: EVENT_LOOP,
    gilBound: false,
    needs: [],
  },
  {
    id: 'threads',
    runtime: 'node',
    title: 'Worker threads',
    explanation: 'A pool of worker threads in one process: parallel CPU work, shared address space.',
    takesWorkers: true,
    executor: 'node-threads',
    dispatch: 'pull',
    lanes: 'workers',
    baseline: 'sequential',
    cpu: 'lab',
    unit: THREAD,
    gilBound: false,
    needs: [],
  },
  {
    id: 'processes',
    runtime: 'node',
    title: 'Processes',
    explanation: 'A pool of separate OS processes: parallel CPU work, no shared memory, higher start-up cost.',
    takesWorkers: true,
    executor: 'node-processes',
    dispatch: 'pull',
    lanes: 'workers',
    baseline: 'sequential',
    cpu: 'children',
    unit: PROCESS,
    gilBound: false,
    needs: [],
  },
  {
    id: 'py-sequential',
    runtime: 'python',
    title: 'Python sequential',
    explanation: 'CPython runs the tasks one after another on one thread: the baseline for Python.',
    takesWorkers: false,
    executor: 'python-runner',
    dispatch: 'all-at-once',
    lanes: 'workers',
    baseline: 'py-sequential',
    cpu: 'interpreter',
    unit: THREAD,
    gilBound: false,
    python: { mode: 'sequential' },
    needs: [],
  },
  {
    id: 'py-threads',
    runtime: 'python',
    title: 'Python threads',
    explanation: 'A ThreadPoolExecutor: waits overlap, but the GIL lets only one thread run Python bytecode at a time.',
    takesWorkers: true,
    executor: 'python-runner',
    dispatch: 'all-at-once',
    lanes: 'workers',
    baseline: 'py-sequential',
    cpu: 'interpreter',
    unit: THREAD,
    gilBound: true,
    // On a free-threaded build, "threads" means threads with the GIL, so the two differ.
    python: { mode: 'threads', gil: 'on' },
    needs: [],
  },
  {
    id: 'py-processes',
    runtime: 'python',
    title: 'Python processes',
    explanation:
      'A ProcessPoolExecutor: one interpreter (and one GIL) per process, so CPU work runs in parallel; chunk size batches the hand-offs.',
    takesWorkers: true,
    executor: 'python-runner',
    dispatch: 'all-at-once',
    lanes: 'workers',
    baseline: 'py-sequential',
    cpu: 'interpreter',
    unit: PROCESS,
    gilBound: false,
    python: { mode: 'processes' },
    needs: [],
  },
  {
    id: 'py-asyncio',
    runtime: 'python',
    title: 'Python asyncio',
    explanation:
      'One asyncio event loop: many waits overlap on one thread; CPU-bound tasks run inline and do not overlap.',
    takesWorkers: false,
    executor: 'python-runner',
    dispatch: 'all-at-once',
    lanes: 'in-flight',
    baseline: 'py-sequential',
    cpu: 'interpreter',
    unit: EVENT_LOOP,
    gilBound: false,
    python: { mode: 'asyncio' },
    needs: [],
  },
  {
    id: 'py-generators',
    runtime: 'python',
    title: 'Python generators',
    explanation:
      'A round-robin scheduler of generator coroutines on one thread, the pre-asyncio way (PEP 342/380): each task yields after each step of work, W tasks in flight; fair only because every step yields.',
    takesWorkers: true,
    executor: 'python-runner',
    dispatch: 'all-at-once',
    lanes: 'in-flight',
    baseline: 'py-sequential',
    cpu: 'interpreter',
    unit: EVENT_LOOP,
    gilBound: false,
    python: { mode: 'generators' },
    needs: [],
  },
  {
    id: 'py-generators-greedy',
    runtime: 'python',
    title: 'Python generators, one greedy task',
    explanation:
      'py-generators where the first task never yields in its CPU work: it holds the one thread for its whole length, and every other task (and the heartbeat) waits.',
    takesWorkers: true,
    executor: 'python-runner',
    dispatch: 'all-at-once',
    lanes: 'in-flight',
    baseline: 'py-sequential',
    cpu: 'interpreter',
    unit: EVENT_LOOP,
    gilBound: false,
    python: { mode: 'generators-greedy' },
    needs: [],
  },
  {
    id: 'py-threads-nogil',
    runtime: 'python',
    title: 'Python threads, no GIL',
    explanation: 'A ThreadPoolExecutor on a free-threaded CPython with the GIL off: threads run bytecode in parallel.',
    takesWorkers: true,
    executor: 'python-runner',
    dispatch: 'all-at-once',
    lanes: 'workers',
    baseline: 'py-sequential',
    cpu: 'interpreter',
    unit: THREAD,
    gilBound: false,
    python: { mode: 'threads', gil: 'off' },
    needs: ['free-threaded'],
  },
  {
    id: 'py-asyncio-uvloop',
    runtime: 'python',
    title: 'Python asyncio on uvloop',
    explanation:
      'py-asyncio on uvloop, an event loop built on libuv (as Node is): the same coroutines, a faster loop underneath.',
    takesWorkers: false,
    executor: 'python-runner',
    dispatch: 'all-at-once',
    lanes: 'in-flight',
    baseline: 'py-sequential',
    cpu: 'interpreter',
    unit: EVENT_LOOP,
    gilBound: false,
    python: { mode: 'uvloop' },
    needs: ['uvloop'],
  },
  {
    id: 'py-gevent',
    runtime: 'python',
    title: 'Python gevent',
    explanation:
      'A pool of W greenlets on one thread: gevent patches the standard library, so plain blocking code waits cooperatively; CPU work still takes turns.',
    takesWorkers: true,
    executor: 'python-runner',
    dispatch: 'all-at-once',
    lanes: 'in-flight',
    baseline: 'py-sequential',
    cpu: 'interpreter',
    unit: EVENT_LOOP,
    gilBound: false,
    python: { mode: 'gevent' },
    needs: ['gevent'],
  },
  {
    id: 'py-twisted',
    runtime: 'python',
    title: 'Python Twisted',
    explanation:
      "Twisted's reactor: Deferreds for HTTP and timers on one thread, blocking file calls on a pool of W threads (deferToThread); CPU work blocks the reactor.",
    takesWorkers: true,
    executor: 'python-runner',
    dispatch: 'all-at-once',
    lanes: 'in-flight',
    baseline: 'py-sequential',
    cpu: 'interpreter',
    unit: REACTOR,
    gilBound: false,
    python: { mode: 'twisted' },
    needs: ['twisted'],
  },
  {
    id: 'py-dask',
    runtime: 'python',
    title: 'Python Dask',
    explanation:
      'Dask distributed: a LocalCluster the lab starts and stops (W worker processes, one thread each), or your own cluster at a scheduler address, which the lab never stops; each chunk of tasks is one Dask task, sent through the scheduler.',
    takesWorkers: true,
    executor: 'python-runner',
    dispatch: 'all-at-once',
    lanes: 'workers',
    baseline: 'py-sequential',
    cpu: 'interpreter',
    unit: PROCESS,
    gilBound: false,
    python: { mode: 'dask' },
    needs: ['distributed'],
  },
]

export function findWorkload(id: string): WorkloadSpec | undefined {
  return id === USER_WORKLOAD_SPEC.id ? USER_WORKLOAD_SPEC : WORKLOADS.find((w) => w.id === id)
}

export function findStrategy(id: string): StrategySpec | undefined {
  return STRATEGIES.find((s) => s.id === id)
}

/** Fills in the defaults of every parameter the caller left out. */
export function resolveParams(workload: WorkloadSpec, given: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {}
  for (const p of workload.params) out[p.name] = given[p.name] ?? p.default
  return out
}

/** Splits [0, n) into `parts` contiguous ranges whose lengths differ by at most one. */
export function splitRange(n: number, parts: number): Array<[number, number]> {
  const count = Math.max(1, Math.min(parts, n))
  const out: Array<[number, number]> = []
  const base = Math.floor(n / count)
  let extra = n % count
  let lo = 0
  for (let i = 0; i < count; i++) {
    const hi = lo + base + (extra > 0 ? 1 : 0)
    if (extra > 0) extra--
    out.push([lo, hi])
    lo = hi
  }
  return out
}

/** The task inputs of a workload, in dispatch order. `params` must already be resolved. */
export function planTasks(workloadId: string, params: Record<string, number>): TaskInput[] {
  const p = (name: string): number => {
    const v = params[name]
    if (v === undefined) throw new Error(`workload ${workloadId} has no parameter ${name}`)
    return v
  }
  const indices = (): number[] => Array.from({ length: p('tasks') }, (_, i) => i)
  switch (workloadId) {
    case 'primes':
    case 'countdown':
    case 'sum-squares':
      return splitRange(p('size'), p('tasks')).map(([lo, hi]) => ({ kind: 'range', lo, hi }))
    case 'mandelbrot':
      return splitRange(p('size'), p('tasks')).map(([y0, y1]) => ({
        kind: 'rows',
        y0,
        y1,
        size: p('size'),
        iterations: p('iterations'),
      }))
    case 'sha256':
      return indices().map((index) => ({ kind: 'hash', index, size: p('size'), rounds: p('rounds') }))
    case 'noop':
      return indices().map((index) => ({ kind: 'noop', index }))
    case 'http':
      return indices().map((index) => ({
        kind: 'http',
        index,
        latency: p('latency'),
        payload: p('payload'),
        rounds: 0,
      }))
    case 'fetch-and-hash':
      return indices().map((index) => ({
        kind: 'http',
        index,
        latency: p('latency'),
        payload: p('payload'),
        rounds: p('rounds'),
      }))
    case 'sleep':
      return indices().map((index) => ({ kind: 'sleep', index, duration: p('duration') }))
    case 'file':
      return indices().map((index) => ({ kind: 'file', index, size: p('size') }))
    case 'user':
      throw new Error('the tasks of your code come from its inputs (userTasks), not from parameters')
    case 'amdahl':
      return planAmdahl(params, splitRange)
    default:
      throw new Error(`unknown workload ${workloadId}`)
  }
}

/** Combines task checksums into the run's checksum; order-independent so any schedule agrees. */
export function combineChecksums(checksums: Iterable<number>): number {
  let sum = 0
  for (const c of checksums) sum = (sum + c) >>> 0
  return sum
}

/**
 * The deterministic byte at position `i` of payload number `seed`: the HTTP fixture serves
 * these bytes and the file kernel writes them, so every runtime can check what it read.
 */
export function payloadByte(seed: number, i: number): number {
  return (i * 31 + seed * 7 + 11) & 0xff
}
