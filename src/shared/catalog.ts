// Workloads and strategies the lab knows, and how a workload is split into tasks.
// Pure data and maths: the kernels that run the tasks live in src/workers.

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

export interface StrategySpec {
  id: StrategyId
  runtime: 'node' | 'python'
  title: string
  explanation: string
  /** Whether the strategy uses the run's worker counts (false: always one worker). */
  takesWorkers: boolean
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
]

export const STRATEGIES: readonly StrategySpec[] = [
  {
    id: 'sequential',
    runtime: 'node',
    title: 'Sequential',
    explanation: 'One worker thread runs the tasks one after another: the baseline.',
    takesWorkers: false,
  },
  {
    id: 'async',
    runtime: 'node',
    title: 'Async event loop',
    explanation: 'One worker thread starts every task at once on its event loop: waits overlap, CPU work does not.',
    takesWorkers: false,
  },
  {
    id: 'threads',
    runtime: 'node',
    title: 'Worker threads',
    explanation: 'A pool of worker threads in one process: parallel CPU work, shared address space.',
    takesWorkers: true,
  },
  {
    id: 'processes',
    runtime: 'node',
    title: 'Processes',
    explanation: 'A pool of separate OS processes: parallel CPU work, no shared memory, higher start-up cost.',
    takesWorkers: true,
  },
  {
    id: 'py-sequential',
    runtime: 'python',
    title: 'Python sequential',
    explanation: 'CPython runs the tasks one after another on one thread: the baseline for Python.',
    takesWorkers: false,
  },
  {
    id: 'py-threads',
    runtime: 'python',
    title: 'Python threads',
    explanation: 'A ThreadPoolExecutor: waits overlap, but the GIL lets only one thread run Python bytecode at a time.',
    takesWorkers: true,
  },
  {
    id: 'py-processes',
    runtime: 'python',
    title: 'Python processes',
    explanation:
      'A ProcessPoolExecutor: one interpreter (and one GIL) per process, so CPU work runs in parallel; chunk size batches the hand-offs.',
    takesWorkers: true,
  },
  {
    id: 'py-asyncio',
    runtime: 'python',
    title: 'Python asyncio',
    explanation:
      'One asyncio event loop: many waits overlap on one thread; CPU-bound tasks run inline and do not overlap.',
    takesWorkers: false,
  },
  {
    id: 'py-threads-nogil',
    runtime: 'python',
    title: 'Python threads, no GIL',
    explanation: 'A ThreadPoolExecutor on a free-threaded CPython with the GIL off: threads run bytecode in parallel.',
    takesWorkers: true,
  },
]

export function findWorkload(id: string): WorkloadSpec | undefined {
  return WORKLOADS.find((w) => w.id === id)
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

/** What one task is asked to do; every kernel (TypeScript or Python) reads the same shape. */
export type TaskInput =
  | { kind: 'range'; lo: number; hi: number }
  | { kind: 'rows'; y0: number; y1: number; size: number; iterations: number }
  | { kind: 'hash'; index: number; size: number; rounds: number }
  | { kind: 'noop'; index: number }
  | { kind: 'http'; index: number; latency: number; payload: number; rounds: number }
  | { kind: 'sleep'; index: number; duration: number }
  | { kind: 'file'; index: number; size: number }

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
