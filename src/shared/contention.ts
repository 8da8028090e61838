// The race lab (workload kind `contention`): W workers each add 1 to one shared counter T times,
// started together behind a barrier so that they overlap. Every fact about a variant (how it
// increments, whether it is racy, what runs it) is a row of CONTENTION_VARIANTS; the guided
// experiments are rows of CONTENTION_EXPERIMENTS. Pure data and maths: the programs that run the
// variants are src/workers/contention/node-race.ts and src/workers/python/contention.py.
//
// The checksum rule. The expected count N = W × T is fixed by what was asked, so it is the
// checksum every variant of a trial must agree on (`contentionChecksum`), and a program that
// reports a different N (it did not run what was asked) is refused. What the counter actually
// held, M, is never folded into the checksum: a racy variant is *supposed* to end below N, so the
// lost updates K = N − M are recorded on the trial and printed beside it ("expected N, got M,
// lost K (x%)") rather than hidden in a checksum mismatch or treated as a failure.
import { z } from 'zod'

export type ContentionVariantId =
  'node-plain' | 'node-atomic' | 'node-mutex' | 'py-increment' | 'py-yield' | 'py-lock' | 'py-value' | 'py-value-lock'

/** racy: loses updates here; exact: never loses one; rare: racy in principle, rarely seen (see syncOf). */
export type ContentionSync = 'racy' | 'rare' | 'exact'

export interface ContentionVariantSpec {
  id: ContentionVariantId
  runtime: 'node' | 'python'
  /** What the W workers are. */
  workers: 'threads' | 'processes'
  /** Whether it loses updates (for py-increment this depends on the interpreter: syncOf). */
  sync: ContentionSync
  title: string
  /** The increment as code, for tables. */
  code: string
  explanation: string
  /** Whether the program measures time spent blocked on a lock. */
  lock: boolean
  /** Increments per worker the experiments use by default: enough to overlap on 2 cores, short enough to wait for. */
  increments: number
  /** A synchronised variant's racy peer: the same increment without the synchronisation, to compare costs with. */
  peer?: ContentionVariantId
}

export const CONTENTION_VARIANTS: readonly ContentionVariantSpec[] = [
  {
    id: 'node-plain',
    runtime: 'node',
    workers: 'threads',
    sync: 'racy',
    title: 'Node: plain a[0]++',
    code: 'a[0]++',
    explanation:
      'Read, add, write on a SharedArrayBuffer: two threads read the same value and both write value + 1, so one update is lost.',
    lock: false,
    // Long enough that the two threads overlap even when one starts late on a busy machine.
    increments: 5_000_000,
  },
  {
    id: 'node-atomic',
    runtime: 'node',
    workers: 'threads',
    sync: 'exact',
    title: 'Node: Atomics.add',
    code: 'Atomics.add(a, 0, 1)',
    explanation:
      'One indivisible read-modify-write instruction: exact, and slower because the core must own the cache line.',
    lock: false,
    increments: 2_000_000,
    peer: 'node-plain',
  },
  {
    id: 'node-mutex',
    runtime: 'node',
    workers: 'threads',
    sync: 'exact',
    title: 'Node: mutex (Atomics.wait/notify)',
    code: 'lock(); a[0]++; unlock()',
    explanation:
      'A mutex built on compareExchange, Atomics.wait and Atomics.notify: a thread that finds it taken sleeps until notified.',
    lock: true,
    increments: 500_000,
    peer: 'node-plain',
  },
  {
    id: 'py-increment',
    runtime: 'python',
    workers: 'threads',
    sync: 'rare',
    title: 'Python threads: counter += 1',
    code: 'counter += 1',
    explanation:
      'Not atomic: load, add, store. Before 3.10 a thread switch can fall between them; from 3.10 CPython switches threads only at calls and backward jumps (cpython#18334), so the race is still there but rarely hit.',
    lock: false,
    increments: 1_000_000,
  },
  {
    id: 'py-yield',
    runtime: 'python',
    workers: 'threads',
    sync: 'racy',
    title: 'Python threads: read, sleep(0), write',
    code: 'v = counter; time.sleep(0); counter = v + 1',
    explanation:
      'A call between the read and the write lets another thread run there: updates are lost on every version.',
    lock: false,
    increments: 10_000,
  },
  {
    id: 'py-lock',
    runtime: 'python',
    workers: 'threads',
    sync: 'exact',
    title: 'Python threads: with threading.Lock',
    code: 'with lock: v = counter; time.sleep(0); counter = v + 1',
    explanation: 'The same read, sleep(0), write under a threading.Lock: exact, and the other thread waits.',
    lock: true,
    // Each sleep(0) under the lock hands the GIL to a thread that then blocks on the lock: slow.
    increments: 5_000,
    peer: 'py-yield',
  },
  {
    id: 'py-value',
    runtime: 'python',
    workers: 'processes',
    sync: 'racy',
    title: 'Python processes: Value += 1',
    code: 'v.value += 1',
    explanation:
      'multiprocessing.Value in shared memory: each access takes its lock, but the read and the write take it separately.',
    lock: false,
    increments: 200_000,
  },
  {
    id: 'py-value-lock',
    runtime: 'python',
    workers: 'processes',
    sync: 'exact',
    title: 'Python processes: with v.get_lock()',
    code: 'with v.get_lock(): v.value += 1',
    explanation: 'The read and the write under one hold of the Value’s lock: exact.',
    lock: true,
    increments: 200_000,
    peer: 'py-value',
  },
]

export const CONTENTION_VARIANT_IDS = CONTENTION_VARIANTS.map((v) => v.id) as [
  ContentionVariantId,
  ...ContentionVariantId[],
]

export function findContentionVariant(id: string): ContentionVariantSpec | undefined {
  return CONTENTION_VARIANTS.find((v) => v.id === id)
}

/**
 * Whether a variant loses updates on this interpreter: `counter += 1` is racy up to Python 3.9
 * and rare from 3.10 on (cpython#18334: the eval loop only checks for a thread switch at calls
 * and backward jumps, and none falls inside `+=`). Every other variant is what its row says.
 */
export function syncOf(variant: ContentionVariantSpec, pythonVersion?: readonly number[]): ContentionSync {
  if (variant.sync !== 'rare') return variant.sync
  if (pythonVersion && (pythonVersion[0]! < 3 || (pythonVersion[0] === 3 && pythonVersion[1]! < 10))) return 'racy'
  return 'rare'
}

export const CONTENTION_LIMITS = {
  workers: { min: 2, max: 16 },
  increments: { min: 1, max: 20_000_000 },
  trials: { min: 1, max: 20 },
  variants: 16,
  pythons: 4,
} as const

const int = (name: string, limits: { min: number; max: number }) =>
  z
    .number({ error: `${name} must be a number` })
    .int(`${name} must be a whole number`)
    .min(limits.min, `${name} must be from ${limits.min} to ${limits.max.toLocaleString('en-US')}`)
    .max(limits.max, `${name} must be from ${limits.min} to ${limits.max.toLocaleString('en-US')}`)

/** A race run: which variants, how many workers and increments, how many trials, which Pythons. */
export const contentionConfigSchema = z
  .object({
    variants: z.array(z.enum(CONTENTION_VARIANT_IDS)).min(1).max(CONTENTION_LIMITS.variants),
    workers: int('workers', CONTENTION_LIMITS.workers),
    /** Increments per worker; absent: each variant's own default (`increments` of its row). */
    increments: int('increments', CONTENTION_LIMITS.increments).optional(),
    trials: int('trials', CONTENTION_LIMITS.trials),
    /** Interpreters (ids or paths) the Python variants run on, each in turn; absent: the default one. */
    pythons: z.array(z.string().min(1).max(4096)).min(1).max(CONTENTION_LIMITS.pythons).optional(),
  })
  .strict()
export type ContentionConfig = z.infer<typeof contentionConfigSchema>

const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)
const ms = z.number().min(0).max(86_400_000)

/** One trial of one variant, as recorded and shown. Every field is bounded. */
export const contentionTrialSchema = z
  .object({
    variant: z.enum(CONTENTION_VARIANT_IDS),
    /** 1-based trial number within the variant. */
    trial: z.number().int().min(1).max(CONTENTION_LIMITS.trials.max),
    /** "Node v22.1.0" or "Python 3.11.7": the runtime that ran it, shown beside the result. */
    runtime: z.string().max(200),
    /** The version as numbers, for syncOf. */
    version: z.array(z.number().int().min(0).max(1000)).max(4),
    sync: z.enum(['racy', 'rare', 'exact']),
    workers: z.number().int().min(CONTENTION_LIMITS.workers.min).max(CONTENTION_LIMITS.workers.max),
    increments: z.number().int().min(CONTENTION_LIMITS.increments.min).max(CONTENTION_LIMITS.increments.max),
    expected: count,
    got: count,
    lost: z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER),
    /** Wall time from the barrier's release to the last worker's end. */
    wallMs: ms,
    /** Time the workers spent blocked on the lock, summed over workers; null where there is no lock. */
    waitMs: ms.nullable(),
    checksum: z.number().int().min(0).max(0xffffffff),
  })
  .strict()
export type ContentionTrial = z.infer<typeof contentionTrialSchema>

/** What a race program prints on its last line (checked before use). */
export const contentionReportSchema = z
  .object({
    type: z.literal('result'),
    variant: z.enum(CONTENTION_VARIANT_IDS),
    expected: count,
    got: count,
    wallMs: ms,
    waitMs: ms.nullable(),
    runtime: z.string().max(200),
    version: z.array(z.number().int().min(0).max(1000)).max(4),
  })
  .strict()
export type ContentionReport = z.infer<typeof contentionReportSchema>

/** The checksum of a trial: the expected count mod 2³², what was asked, the same for every variant. */
export function contentionChecksum(workers: number, increments: number): number {
  return (workers * increments) % 0x1_0000_0000
}

/** "expected 4,000,000, got 3,012,345, lost 987,655 (24.7%)" */
export function lostText(t: Pick<ContentionTrial, 'expected' | 'got' | 'lost'>): string {
  const n = (v: number) => v.toLocaleString('en-US')
  const share = t.expected > 0 ? (100 * t.lost) / t.expected : 0
  return `expected ${n(t.expected)}, got ${n(t.got)}, lost ${n(t.lost)} (${share.toFixed(share > 0 && share < 0.1 ? 3 : 1)}%)`
}

/** Nanoseconds per increment: wall time over all N increments. */
export function nsPerIncrement(t: Pick<ContentionTrial, 'wallMs' | 'expected'>): number {
  return t.expected > 0 ? (t.wallMs * 1e6) / t.expected : 0
}

/** A guided experiment of the race lab: the variants it runs and the lesson beside the results. */
export interface ContentionExperiment {
  id: string
  title: string
  lesson: string
  variants: ContentionVariantId[]
  workers: number
  trials: number
  /** Run the Python variants on one interpreter before 3.10 and one from 3.10 on. */
  pythonsAcross310?: true
}

export const CONTENTION_EXPERIMENTS: readonly ContentionExperiment[] = [
  {
    id: 'race-lost-updates',
    title: 'Race condition: lost updates',
    lesson:
      'Two workers add 1 to one counter at the same time. Unsynchronised read-modify-writes overwrite each other and updates are lost; an atomic add or a lock keeps every one.',
    variants: [
      'node-plain',
      'node-atomic',
      'node-mutex',
      'py-increment',
      'py-yield',
      'py-lock',
      'py-value',
      'py-value-lock',
    ],
    workers: 2,
    trials: 3,
  },
  {
    id: 'python-310-hid-the-race',
    title: 'Python 3.10 hid the race',
    lesson:
      'The same counter += 1 in two threads: before 3.10 it loses updates, from 3.10 it rarely does, because CPython stopped switching threads inside it (cpython#18334). The GIL never made += atomic; 3.10 only made the race rare.',
    variants: ['py-increment'],
    workers: 2,
    trials: 3,
    pythonsAcross310: true,
  },
  {
    id: 'locks-cost-time',
    title: 'Locks cost time',
    lesson:
      'Each synchronised variant beside its racy peer (the same increment without the lock), in time per increment: an atomic add, a mutex, a Lock or a Value’s lock each cost time, and waiting for the lock is part of it.',
    variants: ['node-plain', 'node-atomic', 'node-mutex', 'py-yield', 'py-lock', 'py-value', 'py-value-lock'],
    workers: 2,
    trials: 3,
  },
]

export function findContentionExperiment(id: string): ContentionExperiment | undefined {
  return CONTENTION_EXPERIMENTS.find((e) => e.id === id)
}

/** The variants of a run's trials, grouped per variant and runtime, in the order they ran. */
export function contentionGroups(
  trials: readonly ContentionTrial[],
): Array<{ key: string; trials: ContentionTrial[] }> {
  const out = new Map<string, ContentionTrial[]>()
  for (const t of trials) {
    const key = `${t.variant}@${t.runtime}`
    out.set(key, [...(out.get(key) ?? []), t])
  }
  return [...out].map(([key, list]) => ({ key, trials: list }))
}

/**
 * The sentences printed under the results (CLI and page alike): per variant, how many trials
 * lost updates, and for `counter += 1` on 3.10+, why it lost nothing — said only from this run's
 * figures.
 */
export function contentionNotes(trials: readonly ContentionTrial[]): string[] {
  const notes: string[] = []
  for (const { trials: list } of contentionGroups(trials)) {
    const first = list[0]!
    const spec = findContentionVariant(first.variant)!
    const losing = list.filter((t) => t.lost > 0).length
    const where = `${spec.title} on ${first.runtime}`
    if (first.sync === 'exact') {
      notes.push(
        losing === 0
          ? `${where}: exact in all ${list.length} trials.`
          : `${where}: lost updates in ${losing} of ${list.length} trials although it is synchronised — a bug.`,
      )
    } else if (first.sync === 'racy') {
      notes.push(
        losing > 0
          ? `${where}: lost updates in ${losing} of ${list.length} trials.`
          : `${where}: lost nothing in ${list.length} trials this time; the race is there, the timing did not hit it (try more increments).`,
      )
    } else {
      notes.push(
        losing === 0
          ? `${where}: lost nothing in ${list.length} trials. From Python 3.10 CPython switches threads only at calls and backward jumps (cpython#18334), never inside counter += 1, so the race is rare, not gone: the GIL never made += atomic.`
          : `${where}: lost updates in ${losing} of ${list.length} trials — rare from 3.10 on (cpython#18334), but not impossible.`,
      )
    }
  }
  return notes
}

export const contentionExperimentIdSchema = z.enum(CONTENTION_EXPERIMENTS.map((e) => e.id) as [string, ...string[]], {
  error: `the experiment must be one of ${CONTENTION_EXPERIMENTS.map((e) => e.id).join(', ')}`,
})

/** What a caller may change of an experiment (LabApi runRaceExperiment). */
export const contentionOptionsSchema = z.object({ trials: int('trials', CONTENTION_LIMITS.trials).optional() }).strict()
export type ContentionOptions = z.infer<typeof contentionOptionsSchema>

/** A guided experiment's config, with the caller's changes. */
export function experimentConfig(experiment: ContentionExperiment, options: ContentionOptions = {}): ContentionConfig {
  return { variants: experiment.variants, workers: experiment.workers, trials: options.trials ?? experiment.trials }
}

/** A race experiment as run: its trials, the variants it could not run and why, and the notes printed under it. */
export interface ContentionRunResult {
  experiment: ContentionExperiment
  config: ContentionConfig
  trials: ContentionTrial[]
  skipped: Array<{ variant: string; reason: string }>
  notes: string[]
}
