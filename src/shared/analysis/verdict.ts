// A short, plain-language verdict on a run: which strategy won, by how much, and why, in terms of
// CPU-bound vs I/O-bound work and the cores this machine has. Pure: a run in, sentences out. The
// screen, the CLI and the Markdown report all print these sentences; none of them words its own.
import { STRATEGIES, WORKLOADS, type StrategySpec, type WorkloadSpec } from '../catalog'
import { backgroundLoadWarning } from '../format'
import type { GroupStats, Run, RunStatus, Trial } from '../schemas'
import { BACKGROUND_CORES } from '../stats'
import { AMDAHL_MIN_TASK_MS } from './amdahl'
import { busyCores, busyReading } from './busy'
import { formatMs, formatSpeedup, groupLabel } from './format'
import { scalingOutNote } from './scaling-out'

/** Concepts a verdict can point to for "read more". */
export type ConceptId = 'concurrency-vs-parallelism' | 'threads-vs-processes' | 'event-loop' | 'gil' | 'amdahl'

/** What the verdict reads of a run: a Run has it all; the screen builds it from its run store. */
export interface VerdictRun {
  config: Pick<Run['config'], 'workload'> & Partial<Pick<Run['config'], 'params' | 'chunkSize'>>
  machine: Pick<Run['machine'], 'logicalCores'> & Partial<Pick<Run['machine'], 'cluster'>>
  stats: readonly GroupStats[]
  trials: ReadonlyArray<Pick<Trial, 'error'>>
  errors: readonly string[]
  status: RunStatus
  /** The interpreter the Python rows ran on, as it described itself (its GIL as started). */
  python?: Pick<NonNullable<Run['python']>, 'gil'> | null
}

/** The facts of a workload the verdict reads. */
type Workload = Pick<WorkloadSpec, 'id' | 'title' | 'kind'> & Partial<Pick<WorkloadSpec, 'params'>>

/** The facts of a strategy the verdict reads (ids as plain strings, so a new strategy needs no change here). */
type Spec = Pick<
  StrategySpec,
  'title' | 'runtime' | 'takesWorkers' | 'lanes' | 'unit' | 'gilBound' | 'python' | 'executor'
> & {
  id: string
  baseline: string
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
/** Busy cores below this read as "about one core": the mark of threads taking turns under the GIL. */
const ONE_CORE = 1.5
/** Ratios of mean times within this of 1 read as "about the same". */
const SAME = 0.05

/** Whether the sampler measured other programs keeping cores busy while the group ran. */
const underLoad = (g: GroupStats): boolean => (g.otherCores ?? 0) >= BACKGROUND_CORES

/** How a strategy runs its tasks, read from its spec: the analysis never asks for a strategy by id. */
type Scheduling = 'one-at-a-time' | 'event-loop' | 'threads' | 'processes'

function scheduling(spec: Spec): Scheduling {
  if (spec.lanes === 'in-flight') return 'event-loop'
  if (!spec.takesWorkers) return 'one-at-a-time'
  return spec.python?.mode === 'processes' || spec.executor === 'node-processes' ? 'processes' : 'threads'
}

/** The fastest group, or null. */
const fastest = (list: readonly GroupStats[]): GroupStats | null =>
  list.reduce<GroupStats | null>((a, b) => (!a || b.meanMs < a.meanMs ? b : a), null)

/** The group with the most workers (ties: the fastest); null when none has more than one. */
const widest = (list: readonly GroupStats[]): GroupStats | null =>
  list
    .filter((g) => g.workers > 1)
    .reduce<GroupStats | null>(
      (a, b) => (!a || b.workers > a.workers || (b.workers === a.workers && b.meanMs < a.meanMs) ? b : a),
      null,
    )

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`

/** The verdict on a run, from its statistics and the specs of its strategies (the catalog's by default). */
export function verdict(
  run: VerdictRun,
  strategies: readonly Spec[] = STRATEGIES,
  workloads: readonly Workload[] = WORKLOADS,
): Verdict {
  const { stats } = run
  const workload: Context['workload'] = workloads.find((w) => w.id === run.config.workload) ?? {
    id: run.config.workload,
    title: run.config.workload,
    kind: undefined,
  }
  // Tasks per trial: the run's own count, else the workload's default.
  const tasks = run.config.params?.['tasks'] ?? workload.params?.find((p) => p.name === 'tasks')?.default ?? null
  const specOf = (id: string): Spec | undefined => strategies.find((s) => s.id === id)
  const titleOf = (id: string): string => specOf(id)?.title ?? id
  const title = (g: GroupStats): string =>
    groupLabel(titleOf(g.strategy), g.workers, specOf(g.strategy)?.takesWorkers ?? true)
  const groupsWhere = (test: (spec: Spec) => boolean): GroupStats[] =>
    stats.filter((g) => {
      const spec = specOf(g.strategy)
      return spec !== undefined && test(spec)
    })
  const reasons: string[] = []
  const concepts: ConceptId[] = []

  let headline: string
  const winner = fastest(stats)
  if (!winner) {
    headline = 'No trial finished, so there is nothing to compare.'
  } else {
    const slowest = stats.reduce((a, b) => (b.meanMs > a.meanMs ? b : a))
    const baseline = specOf(winner.strategy)?.baseline
    if (stats.length === 1) {
      headline = `Only ${title(winner)} finished: ${formatMs(winner.meanMs)} on average. Add strategies to compare.`
    } else if (winner.strategy === baseline) {
      headline = `${title(winner)} won (${formatMs(winner.meanMs)}): no concurrent strategy beat it here.`
      // Tiny tasks are the cause only when the tasks measured tiny; otherwise the run does not say.
      const taskMs = tasks !== null && tasks > 0 ? winner.meanMs / tasks : null
      if (taskMs !== null && taskMs < AMDAHL_MIN_TASK_MS)
        reasons.push(
          `Each task took ${formatMs(taskMs)} on average in ${title(winner)}: handing tasks to workers and collecting their results cost more than the work. Try more work per task (a larger size or fewer tasks) or a larger chunk size.`,
        )
    } else if (winner.speedup !== null && baseline) {
      const spec = specOf(winner.strategy)
      // An event loop's speedup is overlapped waiting on one thread, not parallel work: say so where the figure is.
      const how =
        spec && scheduling(spec) === 'event-loop' && workload.kind !== 'cpu' && winner.speedup >= GAIN
          ? ', by overlapping waits on one thread'
          : ''
      headline = `${title(winner)} won: ${formatMs(winner.meanMs)}, ${formatSpeedup(winner.speedup)} faster than ${titleOf(baseline)}${how}.`
    } else {
      headline = `${title(winner)} won: ${formatMs(winner.meanMs)}, ${formatSpeedup(slowest.meanMs / winner.meanMs)} faster than ${title(slowest)}.`
    }
    const context: Context = { run, workload, specOf, groupsWhere, title, reasons, concepts }
    workloadReasons(context)
    pythonReasons(context)
    const scalingOut = scalingOutNote(run, strategies)
    if (scalingOut) reasons.push(scalingOut)
  }

  const noisy = stats.filter((g) => g.noisy)
  if (noisy.length > 0)
    reasons.push(
      `Some timings varied by more than 10% between repetitions (${noisy.map(title).join(', ')}): treat small differences as noise, or add repetitions.`,
    )
  const load = backgroundLoadWarning(stats, title)
  if (load) reasons.push(load)
  const missing = new Map<string, string[]>()
  for (const g of stats) {
    const baseline = specOf(g.strategy)?.baseline
    if (!baseline || stats.some((b) => b.strategy === baseline)) continue
    const titles = missing.get(baseline) ?? []
    if (!titles.includes(titleOf(g.strategy))) titles.push(titleOf(g.strategy))
    missing.set(baseline, titles)
  }
  for (const [baseline, titles] of missing)
    reasons.push(`Speedups of ${titles.join(', ')} need ${titleOf(baseline)} in the run.`)
  if (stats.some((g) => !g.checksumOk) || run.errors.some((e) => e.includes('checksum mismatch')))
    reasons.push('Checksums disagree between strategies: a result is wrong, so its time does not count.')
  const failed = run.trials.filter((t) => t.error !== null).length
  if (failed > 0)
    reasons.push(`${plural(failed, 'trial')} failed and ${failed === 1 ? 'is' : 'are'} left out of the statistics.`)
  if (run.status === 'stopped') reasons.push('The run was stopped: this covers only the trials that finished.')
  if (run.status === 'failed') reasons.push('The run failed: this covers only the trials that finished.')
  if (run.status === 'interrupted')
    reasons.push('The lab ended before the run did: this covers only the trials saved before it ended.')
  return { headline, reasons, concepts }
}

/** The verdict as lines, headline first: what the CLI and the Markdown report print. */
export function verdictSentences(v: Verdict): string[] {
  return [v.headline, ...v.reasons]
}

/** What the reasons below read, and where they write. */
interface Context {
  run: VerdictRun
  workload: { id: string; title: string; kind: WorkloadSpec['kind'] | undefined; params?: WorkloadSpec['params'] }
  specOf: (id: string) => Spec | undefined
  groupsWhere: (test: (spec: Spec) => boolean) => GroupStats[]
  title: (g: GroupStats) => string
  reasons: string[]
  concepts: ConceptId[]
}

/** What the kind of work (CPU-bound, I/O-bound, both) says about the Node rows. Appends to `reasons`. */
function workloadReasons({ run, workload, groupsWhere, title, reasons }: Context): void {
  const { stats } = run
  const logicalCores = run.machine.logicalCores
  const cores = plural(logicalCores, 'core')
  const node = (kind: Scheduling) => fastest(groupsWhere((s) => s.runtime === 'node' && scheduling(s) === kind))
  const eventLoop = node('event-loop')
  const threads = node('threads')
  const processes = node('processes')

  if (workload.kind === 'cpu') {
    reasons.push(
      `${workload.title} is CPU-bound: only separate cores run it at the same time. This machine has ${plural(logicalCores, 'logical core')}, so no strategy can be more than ${logicalCores}× faster than sequential, and the serial parts lower that bound further (Amdahl's law).`,
    )
    if (eventLoop?.speedup != null && eventLoop.speedup < GAIN) {
      reasons.push(
        `The async event loop gave ${formatSpeedup(eventLoop.speedup)}: it runs every task on one thread, so CPU work takes turns. That is concurrency without parallelism.`,
      )
    }
    const crowded = oversubscribed(run, groupsWhere)
    if (crowded)
      reasons.push(
        `${title(crowded.over)} was no faster than ${title(crowded.within)}: with ${cores}, the extra workers only wait for a core.`,
      )
  } else if (workload.kind === 'io') {
    reasons.push(
      `${workload.title} is I/O-bound: tasks mostly wait, and waiting does not need a core. Overlapping the waits is what helps, so the speedup is not capped by the ${cores}.`,
    )
    if (eventLoop?.speedup != null) {
      reasons.push(
        eventLoop.speedup >= GAIN
          ? `The async event loop reached ${formatSpeedup(eventLoop.speedup)} on a single thread: it starts every request and handles each reply as it arrives.`
          : `${title(eventLoop)} overlapped little here (${formatSpeedup(eventLoop.speedup)}).`,
      )
    }
    const utilisation = Math.max(...stats.flatMap((g) => (g.cpuUtilisation === null ? [] : [g.cpuUtilisation])))
    if (Number.isFinite(utilisation) && utilisation < 0.5)
      reasons.push(
        `The CPU stayed mostly idle (at most ${(utilisation * 100).toFixed(0)}% of all cores): the time went to waiting.`,
      )
  } else if (workload.kind === 'mixed') {
    reasons.push(
      `${workload.title} both waits and computes: one event loop overlaps the waits but runs the computing on one core; threads and processes overlap both, up to the ${cores}.`,
    )
  }

  if (threads && processes) {
    const ratio = processes.meanMs / threads.meanMs
    // A cause only for a difference measured cleanly: steady timings, no other programs busy.
    const uncertain = [threads, processes].some((g) => g.noisy || underLoad(g))
    const unsure = 'timings varied or other programs were busy, so the difference is too uncertain to say why.'
    if (ratio > 1 + SAME)
      reasons.push(
        uncertain
          ? `Processes were ${formatSpeedup(ratio)} slower than threads, but ${unsure}`
          : `Processes were ${formatSpeedup(ratio)} slower than threads. Starting them is not in these times (each pool starts before its trials are timed): tasks and results are copied to and from each process, while threads pass them inside one.`,
      )
    else if (ratio < 1 - SAME)
      reasons.push(
        uncertain
          ? `Processes were ${formatSpeedup(1 / ratio)} faster than threads here, but ${unsure}`
          : `Processes were ${formatSpeedup(1 / ratio)} faster than threads here: separate heaps do not compete for one runtime.`,
      )
    else
      reasons.push(
        'Threads and processes were within 5% of each other: copying tasks and results to processes cost little next to the work.',
      )
  }
}

/**
 * A strategy whose workers run in parallel, measured both above the logical cores and at or below
 * them, where the larger count was no faster: the run shows the extra workers waiting. Else null.
 */
function oversubscribed(
  run: VerdictRun,
  groupsWhere: Context['groupsWhere'],
): { over: GroupStats; within: GroupStats } | null {
  const cores = run.machine.logicalCores
  // GIL-bound threads are held by the GIL before the cores: their flat line says nothing of the cores.
  const parallel = groupsWhere((s) => s.takesWorkers && s.lanes === 'workers' && !s.gilBound)
  for (const strategy of new Set(parallel.map((g) => g.strategy))) {
    const mine = parallel.filter((g) => g.strategy === strategy)
    const over = mine
      .filter((g) => g.workers > cores)
      .reduce<GroupStats | null>((a, b) => (!a || b.workers > a.workers ? b : a), null)
    const within = mine
      .filter((g) => g.workers <= cores)
      .reduce<GroupStats | null>((a, b) => (!a || b.workers > a.workers ? b : a), null)
    if (over && within && over.meanMs >= within.meanMs * (1 - SAME) && !underLoad(over)) return { over, within }
  }
  return null
}

/**
 * What the Python rows say about the GIL, from their measured speedups and busy cores: CPU-bound
 * threads that gain little while processes gain are the GIL; hashing threads that gain show C code
 * releasing it; I/O-bound threads and event loops (asyncio, gevent, Twisted) overlap their waits. Appends to `reasons`.
 */
function pythonReasons({ run, workload, specOf, groupsWhere, title, reasons, concepts }: Context): void {
  const logicalCores = run.machine.logicalCores
  const python = (test: (spec: Spec) => boolean) => groupsWhere((s) => s.runtime === 'python' && test(s))
  if (python(() => true).length === 0) return
  // The most workers says most about the GIL: that is where parallel threads would show.
  const threads = widest(python((s) => s.gilBound))
  const nogil = widest(python((s) => s.python?.gil === 'off'))
  const processes = fastest(python((s) => scheduling(s) === 'processes').filter((g) => g.workers > 1))
  const eventLoop = fastest(python((s) => scheduling(s) === 'event-loop'))
  const gained = (g: GroupStats): boolean => (g.speedup !== null ? g.speedup >= GAIN : (busyCores(g) ?? 0) >= ONE_CORE)
  const figure = (g: GroupStats): string =>
    [g.speedup !== null ? formatSpeedup(g.speedup) : null, busyReading(g, specOf(g.strategy))]
      .filter(Boolean)
      .join('; ')
  const push = (concept: ConceptId): void => {
    if (!concepts.includes(concept)) concepts.push(concept)
  }

  // The GIL is the cause only where the run measured its mark: threads that gained little while
  // held to about one core, on an interpreter that had the GIL on, with no other programs busy.
  const gilOff = run.python?.gil === false
  const heldToOneCore = (g: GroupStats): boolean => {
    const busy = busyCores(g)
    return busy !== null && busy < ONE_CORE
  }
  // Other programs hide the GIL only when they left the threads no room to show parallel work:
  // held below ONE_CORE with more than ONE_CORE free, the threads were held by the GIL, not the load.
  const crowded = (g: GroupStats): boolean => underLoad(g) && logicalCores - g.otherCores! <= ONE_CORE
  /** Why GIL-bound threads that gained little were not held by the GIL, or null when they were. */
  const notTheGil = (g: GroupStats): string | null => {
    if (crowded(g))
      return `${title(g)} gained little (${figure(g)}) while other programs kept ${g.otherCores!.toFixed(1)} cores busy: the cores were shared, so this run cannot tell how much the GIL held the threads back.`
    if (gilOff)
      return `${title(g)} gained little (${figure(g)}) though the interpreter ran with the GIL off: something other than the GIL held the threads back.`
    if (!heldToOneCore(g))
      return `${title(g)} gained little (${figure(g)}), so the GIL did not hold them to one core: the extra CPU time went to overhead, not to the work.`
    return null
  }
  /**
   * A speedup from threads that kept about one core busy is not parallel work: the baseline ran
   * slower than the same work on the threads (under other programs' load, when it was measured).
   * The sentence for it, or null when the threads gained in parallel or gained little.
   */
  const gainedWithoutParallel = (g: GroupStats): string | null => {
    if (!gained(g) || !heldToOneCore(g)) return null
    const baseline = groupsWhere((s) => s.id === specOf(g.strategy)?.baseline)[0]
    const busy = baseline ? busyCores(baseline) : null
    return baseline && underLoad(baseline)
      ? `${title(g)} gained (${figure(g)}) without running in parallel: ${title(baseline)} ran while other programs kept ${baseline.otherCores!.toFixed(1)} cores busy${busy !== null ? ` (it kept only ${busy.toFixed(2)} cores busy itself)` : ''}, so the speedup measures their load, not the threads.`
      : `${title(g)} gained (${figure(g)}) but did not run in parallel: about one core busy cannot make the same work faster, so compare the times of ${baseline ? title(baseline) : 'the baseline'} before reading anything into it.`
  }
  const processesToo = (g: GroupStats): string =>
    underLoad(g)
      ? `${title(g)} gained little too (${figure(g)}), with other programs keeping ${g.otherCores!.toFixed(1)} cores busy.`
      : `${title(g)} gained little too (${figure(g)}): handing each process its tasks and collecting the results (pickled through pipes) cost about what the extra cores saved. Give each task more work to see processes pull ahead.`

  if (workload.kind === 'cpu') {
    if (logicalCores < 2) {
      if (threads || nogil || processes)
        reasons.push(
          'With one logical core, neither Python threads nor processes can run in parallel here, so this run cannot show what the GIL does.',
        )
      return
    }
    const notParallel = threads ? gainedWithoutParallel(threads) : null
    if (notParallel) {
      reasons.push(notParallel)
    } else if (threads && workload.id === 'sha256') {
      const other = gained(threads) ? null : notTheGil(threads)
      reasons.push(
        gained(threads)
          ? `${title(threads)} gained (${figure(threads)}): hashlib releases the GIL while it hashes a large buffer, so the hashing itself runs in parallel. The GIL is about Python bytecode, not all code.`
          : (other ??
              `${title(threads)} gained little (${figure(threads)}): hashlib releases the GIL only while it hashes a large buffer (2 KiB or more), so with small buffers or few rounds the Python code between hashes holds it.`),
      )
      if (!other) push('gil')
    } else if (threads) {
      const other = gained(threads) ? null : notTheGil(threads)
      if (gained(threads)) {
        reasons.push(
          gilOff
            ? `${title(threads)} gained (${figure(threads)}): the interpreter ran with the GIL off, so these threads ran Python in parallel.`
            : `${title(threads)} gained (${figure(threads)}): these threads ran in parallel, so the work ran outside the GIL (in C code that releases it, or on an interpreter without it).`,
        )
        push('gil')
      } else if (other) {
        reasons.push(other)
        if (processes && !gained(processes)) reasons.push(processesToo(processes))
      } else {
        reasons.push(
          `${title(threads)} gained little (${figure(threads)}). That is the GIL: CPython lets one thread at a time run Python bytecode, so CPU-bound threads take turns on one core however many there are.`,
        )
        if (processes && gained(processes)) {
          reasons.push(
            `${title(processes)} did gain (${figure(processes)}): each process has its own interpreter and its own GIL, so they run Python in parallel.`,
          )
        } else if (processes) {
          reasons.push(processesToo(processes))
        } else {
          reasons.push('Add Python processes to run the same work in parallel: each process has its own GIL.')
        }
        push('gil')
      }
    }
    if (nogil) {
      reasons.push(
        gained(nogil)
          ? `${title(nogil)} gained (${figure(nogil)}): on a free-threaded build with the GIL off, threads run Python bytecode in parallel.`
          : underLoad(nogil)
            ? `${title(nogil)} gained little (${figure(nogil)}) while other programs kept ${nogil.otherCores!.toFixed(1)} cores busy.`
            : `${title(nogil)} gained little (${figure(nogil)}) even with the GIL off: something other than the GIL held the threads back.`,
      )
      push('gil')
    }
    if (eventLoop?.speedup != null && eventLoop.speedup < GAIN) {
      reasons.push(
        `${title(eventLoop)} gave ${formatSpeedup(eventLoop.speedup)}: its CPU-bound tasks run inline on the one event loop, one after another.`,
      )
      push('event-loop')
    }
  } else if (workload.kind === 'io') {
    // Overlap shows in the speedup over the Python baseline; busy cores say nothing about waiting.
    const overlapping = [threads, eventLoop].filter((g): g is GroupStats => g !== null && g.speedup !== null)
    const won = overlapping.filter(gained)
    if (won.length > 0) {
      const busiest = Math.max(...won.map((g) => busyCores(g) ?? 0))
      // Each winner says how it overlapped, from its spec: threads release the GIL, a loop (asyncio,
      // gevent's hub, Twisted's reactor) has no GIL to speak of.
      const viaThreads = won.some((g) => specOf(g.strategy)?.gilBound)
      const how = won.map((g) => {
        const spec = specOf(g.strategy)
        return spec?.gilBound
          ? 'a waiting thread releases the GIL'
          : `one ${spec?.unit.one ?? 'event loop'} keeps many waits in flight on one thread`
      })
      reasons.push(
        `${won.map((g) => `${title(g)} (${formatSpeedup(g.speedup)})`).join(' and ')} overlapped the waits: ${how.join(', and ')}. ${won.length === 1 ? 'It' : 'They'} kept at most ${busiest.toFixed(1)} cores busy: waiting needs no core${viaThreads ? ', so the GIL does not get in the way' : ''}.`,
      )
      if (viaThreads) push('gil')
      if (won.some((g) => !specOf(g.strategy)?.gilBound)) push('event-loop')
    }
    for (const g of overlapping.filter((g) => !gained(g))) {
      reasons.push(`${title(g)} overlapped little here (${figure(g)}).`)
    }
  }
}
