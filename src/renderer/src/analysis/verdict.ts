// A short, plain-language verdict on a run: which strategy won, by how much, and why, in terms of
// CPU-bound vs I/O-bound work and the cores this machine has. Pure: stats in, sentences out.
import type { StrategySpec, WorkloadSpec } from '@shared/catalog'
import type { GroupStats, RunStatus } from '@shared/schemas'
import { backgroundLoadWarning } from '@shared/format'
import { BASELINE_STRATEGY } from '@shared/stats'
import type { ConceptId } from '../stores/view'
import { busyCores, busyReading } from './busy'
import { formatMs, formatSpeedup, groupLabel } from './format'

export interface VerdictInput {
  workload: Pick<WorkloadSpec, 'title' | 'kind'> & { id?: string }
  strategies: ReadonlyArray<Pick<StrategySpec, 'id' | 'title' | 'takesWorkers' | 'runtime'>>
  stats: readonly GroupStats[]
  logicalCores: number
  status: RunStatus
  errors: readonly string[]
}

export interface Verdict {
  headline: string
  reasons: string[]
  /** Concepts the reasons lean on, for "read more" links. */
  concepts: ConceptId[]
}

/**
 * A speedup below this counts as "gained little". Wide on purpose: a busy machine moves speedups
 * by tens of percent, and the GIL holds CPU-bound threads near 1×, processes near the core count.
 */
export const GAIN = 1.3
/** Busy cores below this read as "about one core" when there is no speedup to go by. */
const ONE_CORE = 1.5

export function verdict(input: VerdictInput): Verdict | null {
  const { stats, workload, logicalCores } = input
  if (stats.length === 0) return null
  const spec = (id: string) => input.strategies.find((s) => s.id === id)
  const title = (g: GroupStats): string =>
    groupLabel(spec(g.strategy)?.title ?? g.strategy, g.workers, spec(g.strategy)?.takesWorkers ?? true)
  const winner = stats.reduce((a, b) => (b.meanMs < a.meanMs ? b : a))
  const baselineOf = (g: GroupStats): string | undefined =>
    BASELINE_STRATEGY[String(spec(g.strategy)?.runtime ?? 'node')]
  const baselineTitle = (g: GroupStats): string => {
    const id = baselineOf(g)
    return id ? (spec(id)?.title ?? id) : 'the baseline'
  }
  const slowest = stats.reduce((a, b) => (b.meanMs > a.meanMs ? b : a))
  const reasons: string[] = []

  let headline: string
  if (stats.length === 1) {
    headline = `Only ${title(winner)} finished: ${formatMs(winner.meanMs)} on average. Add strategies to compare.`
  } else if (winner.strategy === baselineOf(winner)) {
    headline = `${title(winner)} won (${formatMs(winner.meanMs)}): concurrency did not pay for its own overhead here.`
    reasons.push(
      'When each task is tiny, starting workers and passing messages costs more than the work. Try more work per task (a larger size or fewer tasks) or a larger chunk size.',
    )
  } else if (winner.speedup !== null) {
    headline = `${title(winner)} won: ${formatMs(winner.meanMs)}, ${formatSpeedup(winner.speedup)} faster than ${baselineTitle(winner).toLowerCase()}.`
  } else {
    headline = `${title(winner)} won: ${formatMs(winner.meanMs)}, ${formatSpeedup(slowest.meanMs / winner.meanMs)} faster than ${title(slowest)}.`
  }

  const best = (id: string) =>
    stats
      .filter((g) => g.strategy === id)
      .reduce<GroupStats | null>((a, b) => (!a || b.meanMs < a.meanMs ? b : a), null)
  const asyncGroup = best('async')
  const threads = best('threads')
  const processes = best('processes')
  const maxWorkers = Math.max(...stats.map((g) => g.workers))

  if (workload.kind === 'cpu') {
    reasons.push(
      `${workload.title} is CPU-bound: only separate cores run it at the same time. This machine has ${logicalCores} logical core${logicalCores === 1 ? '' : 's'}, so no strategy can be more than ${logicalCores}× faster than sequential, and the serial parts lower that bound further (Amdahl's law).`,
    )
    if (asyncGroup?.speedup != null) {
      reasons.push(
        `The async event loop gave ${formatSpeedup(asyncGroup.speedup)}: it runs every task on one thread, so CPU work takes turns. That is concurrency without parallelism.`,
      )
    }
    if (maxWorkers > logicalCores && logicalCores > 0) {
      reasons.push(
        `Running ${maxWorkers} workers on ${logicalCores} cores adds no speed for CPU-bound work: the extra workers only wait for a core.`,
      )
    }
  } else if (workload.kind === 'io') {
    reasons.push(
      `${workload.title} is I/O-bound: tasks mostly wait, and waiting does not need a core. Overlapping the waits is what helps, so the speedup is not capped by the ${logicalCores} core${logicalCores === 1 ? '' : 's'}.`,
    )
    if (asyncGroup?.speedup != null) {
      reasons.push(
        `The async event loop reached ${formatSpeedup(asyncGroup.speedup)} on a single thread: it starts every request and handles each reply as it arrives.`,
      )
    }
    const utilisation = Math.max(...stats.map((g) => g.cpuUtilisation))
    if (Number.isFinite(utilisation))
      reasons.push(
        `The CPU stayed mostly idle (at most ${(utilisation * 100).toFixed(0)}% of all cores): the time went to waiting.`,
      )
  } else {
    reasons.push(
      `${workload.title} both waits and computes: one event loop overlaps the waits but runs the computing on one core; threads and processes overlap both, up to the ${logicalCores} cores.`,
    )
  }

  if (threads && processes) {
    const ratio = processes.meanMs / threads.meanMs
    if (ratio > 1.05)
      reasons.push(
        `Processes were ${formatSpeedup(ratio)} slower than threads: each is a separate runtime to start, and data is copied between them rather than shared.`,
      )
    else if (ratio < 0.95)
      reasons.push(
        `Processes were ${formatSpeedup(1 / ratio)} faster than threads here: separate heaps do not compete for one runtime.`,
      )
    else
      reasons.push(
        'Threads and processes were within 5% of each other: start-up and messaging costs were small next to the work.',
      )
  }

  const concepts = pythonReasons(input, reasons, title)

  if (stats.some((g) => g.noisy))
    reasons.push(
      'Some timings varied by more than 10% between repetitions (marked ~ in the table): treat small differences as noise, or add repetitions.',
    )
  const load = backgroundLoadWarning(stats)
  if (load) reasons.push(load)
  if (stats.some((g) => !g.checksumOk))
    reasons.push('Checksums disagree between strategies: a result is wrong, so its time does not count.')
  if (input.status === 'stopped') reasons.push('The run was stopped: this covers only the trials that finished.')
  if (input.status === 'failed') reasons.push('The run failed: this covers only the trials that finished.')
  return { headline, reasons, concepts }
}

/**
 * What the Python rows say about the GIL, from their measured speedups and busy cores: CPU-bound
 * threads that gain little while processes gain are the GIL; hashing threads that gain show C code
 * releasing it; I/O-bound threads and asyncio overlap their waits. Appends to `reasons`.
 */
function pythonReasons(input: VerdictInput, reasons: string[], title: (g: GroupStats) => string): ConceptId[] {
  const { stats, workload, logicalCores } = input
  const groups = (id: string) => stats.filter((g) => g.strategy === id)
  const fastest = (list: GroupStats[]) =>
    list.reduce<GroupStats | null>((a, b) => (!a || b.meanMs < a.meanMs ? b : a), null)
  // The most workers says most about the GIL: that is where parallel threads would show.
  const widest = (list: GroupStats[]) =>
    list
      .filter((g) => g.workers > 1)
      .reduce<GroupStats | null>(
        (a, b) => (!a || b.workers > a.workers || (b.workers === a.workers && b.meanMs < a.meanMs) ? b : a),
        null,
      )
  const threads = widest(groups('py-threads'))
  const nogil = widest(groups('py-threads-nogil'))
  const processes = fastest(groups('py-processes').filter((g) => g.workers > 1))
  const asyncio = fastest(groups('py-asyncio'))
  const gained = (g: GroupStats): boolean => (g.speedup !== null ? g.speedup >= GAIN : (busyCores(g) ?? 0) >= ONE_CORE)
  const figure = (g: GroupStats): string =>
    [g.speedup !== null ? formatSpeedup(g.speedup) : null, busyReading(g)].filter(Boolean).join('; ')
  const concepts: ConceptId[] = []
  const python = stats.some((g) => String(input.strategies.find((s) => s.id === g.strategy)?.runtime) === 'python')
  if (!python) return concepts

  if (workload.kind === 'cpu') {
    if (logicalCores < 2) {
      if (threads || nogil || processes)
        reasons.push(
          'With one logical core, neither Python threads nor processes can run in parallel here, so this run cannot show what the GIL does.',
        )
      return concepts
    }
    if (threads && workload.id === 'sha256') {
      reasons.push(
        gained(threads)
          ? `${title(threads)} gained (${figure(threads)}): hashlib releases the GIL while it hashes a large buffer, so the hashing itself runs in parallel. The GIL is about Python bytecode, not all code.`
          : `${title(threads)} gained little (${figure(threads)}): hashlib releases the GIL only while it hashes a large buffer (2 KiB or more), so with small buffers or few rounds the Python code between hashes holds it.`,
      )
      concepts.push('gil')
    } else if (threads) {
      if (gained(threads)) {
        reasons.push(
          `${title(threads)} gained (${figure(threads)}): these threads ran in parallel, so the work ran outside the GIL (in C code that releases it, or on an interpreter without it).`,
        )
      } else {
        reasons.push(
          `${title(threads)} gained little (${figure(threads)}). That is the GIL: CPython lets one thread at a time run Python bytecode, so CPU-bound threads take turns on one core however many there are.`,
        )
        if (processes && gained(processes)) {
          reasons.push(
            `${title(processes)} did gain (${figure(processes)}): each process has its own interpreter and its own GIL, so they run Python in parallel.`,
          )
        } else if (processes) {
          reasons.push(
            `${title(processes)} gained little too (${figure(processes)}): with this little work per task, starting processes and handing them tasks costs about what the extra cores save. Give each task more work to see processes pull ahead.`,
          )
        } else {
          reasons.push('Add Python processes to run the same work in parallel: each process has its own GIL.')
        }
      }
      concepts.push('gil')
    }
    if (nogil) {
      reasons.push(
        gained(nogil)
          ? `${title(nogil)} gained (${figure(nogil)}): on a free-threaded build with the GIL off, threads run Python bytecode in parallel.`
          : `${title(nogil)} gained little (${figure(nogil)}) even with the GIL off: the threads contended for something else, or the tasks were too small.`,
      )
      if (!concepts.includes('gil')) concepts.push('gil')
    }
    if (asyncio?.speedup != null) {
      reasons.push(
        `${title(asyncio)} gave ${formatSpeedup(asyncio.speedup)}: its CPU-bound tasks run inline on the one event loop, one after another.`,
      )
      concepts.push('event-loop')
    }
  } else if (workload.kind === 'io') {
    // Overlap shows in the speedup over py-sequential; busy cores say nothing about waiting.
    const overlapping = [threads, asyncio].filter((g): g is GroupStats => g !== null && g.speedup !== null)
    const won = overlapping.filter(gained)
    if (won.length > 0) {
      const busiest = Math.max(...won.map((g) => busyCores(g) ?? 0))
      reasons.push(
        `${won.map((g) => `${title(g)} (${formatSpeedup(g.speedup)})`).join(' and ')} overlapped the waits: a waiting thread releases the GIL, and one asyncio loop keeps many waits in flight on one thread. They kept at most ${busiest.toFixed(1)} cores busy: waiting needs no core, so the GIL does not get in the way.`,
      )
      concepts.push('gil', 'event-loop')
    }
    for (const g of overlapping.filter((g) => !gained(g))) {
      reasons.push(
        `${title(g)} overlapped little here (${figure(g)}): each task waits too briefly for the overlap to pay for itself.`,
      )
    }
  }
  return concepts
}
