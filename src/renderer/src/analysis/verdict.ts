// A short, plain-language verdict on a run: which strategy won, by how much, and why, in terms of
// CPU-bound vs I/O-bound work and the cores this machine has. Pure: stats in, sentences out.
import type { StrategySpec, WorkloadSpec } from '@shared/catalog'
import type { GroupStats, RunStatus } from '@shared/schemas'
import { BASELINE_STRATEGY } from '@shared/stats'
import { formatMs, formatSpeedup, groupLabel } from './format'

export interface VerdictInput {
  workload: Pick<WorkloadSpec, 'title' | 'kind'>
  strategies: ReadonlyArray<Pick<StrategySpec, 'id' | 'title' | 'takesWorkers' | 'runtime'>>
  stats: readonly GroupStats[]
  logicalCores: number
  status: RunStatus
  errors: readonly string[]
}

export interface Verdict {
  headline: string
  reasons: string[]
}

export function verdict(input: VerdictInput): Verdict | null {
  const { stats, workload, logicalCores } = input
  if (stats.length === 0) return null
  const spec = (id: string) => input.strategies.find((s) => s.id === id)
  const title = (g: GroupStats): string => groupLabel(spec(g.strategy)?.title ?? g.strategy, g.workers, spec(g.strategy)?.takesWorkers ?? true)
  const winner = stats.reduce((a, b) => (b.meanMs < a.meanMs ? b : a))
  const baselineOf = (g: GroupStats): string | undefined => BASELINE_STRATEGY[String(spec(g.strategy)?.runtime ?? 'node')]
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
    reasons.push('When each task is tiny, starting workers and passing messages costs more than the work. Try more work per task (a larger size or fewer tasks) or a larger chunk size.')
  } else if (winner.speedup !== null) {
    headline = `${title(winner)} won: ${formatMs(winner.meanMs)}, ${formatSpeedup(winner.speedup)} faster than ${baselineTitle(winner).toLowerCase()}.`
  } else {
    headline = `${title(winner)} won: ${formatMs(winner.meanMs)}, ${formatSpeedup(slowest.meanMs / winner.meanMs)} faster than ${title(slowest)}.`
  }

  const best = (id: string) => stats.filter((g) => g.strategy === id).reduce<GroupStats | null>((a, b) => (!a || b.meanMs < a.meanMs ? b : a), null)
  const asyncGroup = best('async')
  const threads = best('threads')
  const processes = best('processes')
  const maxWorkers = Math.max(...stats.map((g) => g.workers))

  if (workload.kind === 'cpu') {
    reasons.push(
      `${workload.title} is CPU-bound: only separate cores run it at the same time. This machine has ${logicalCores} logical core${logicalCores === 1 ? '' : 's'}, so no strategy can be more than ${logicalCores}× faster than sequential, and the serial parts lower that bound further (Amdahl's law).`,
    )
    if (asyncGroup?.speedup != null) {
      reasons.push(`The async event loop gave ${formatSpeedup(asyncGroup.speedup)}: it runs every task on one thread, so CPU work takes turns. That is concurrency without parallelism.`)
    }
    if (maxWorkers > logicalCores && logicalCores > 0) {
      reasons.push(`Running ${maxWorkers} workers on ${logicalCores} cores adds no speed for CPU-bound work: the extra workers only wait for a core.`)
    }
  } else if (workload.kind === 'io') {
    reasons.push(
      `${workload.title} is I/O-bound: tasks mostly wait, and waiting does not need a core. Overlapping the waits is what helps, so the speedup is not capped by the ${logicalCores} core${logicalCores === 1 ? '' : 's'}.`,
    )
    if (asyncGroup?.speedup != null) {
      reasons.push(`The async event loop reached ${formatSpeedup(asyncGroup.speedup)} on a single thread: it starts every request and handles each reply as it arrives.`)
    }
    const utilisation = Math.max(...stats.map((g) => g.cpuUtilisation))
    if (Number.isFinite(utilisation)) reasons.push(`The CPU stayed mostly idle (at most ${(utilisation * 100).toFixed(0)}% of all cores): the time went to waiting.`)
  } else {
    reasons.push(`${workload.title} both waits and computes: one event loop overlaps the waits but runs the computing on one core; threads and processes overlap both, up to the ${logicalCores} cores.`)
  }

  if (threads && processes) {
    const ratio = processes.meanMs / threads.meanMs
    if (ratio > 1.05) reasons.push(`Processes were ${formatSpeedup(ratio)} slower than threads: each is a separate runtime to start, and data is copied between them rather than shared.`)
    else if (ratio < 0.95) reasons.push(`Processes were ${formatSpeedup(1 / ratio)} faster than threads here: separate heaps do not compete for one runtime.`)
    else reasons.push('Threads and processes were within 5% of each other: start-up and messaging costs were small next to the work.')
  }

  if (stats.some((g) => g.noisy)) reasons.push('Some timings varied by more than 10% between repetitions (marked ~ in the table): treat small differences as noise, or add repetitions.')
  if (stats.some((g) => !g.checksumOk)) reasons.push('Checksums disagree between strategies: a result is wrong, so its time does not count.')
  if (input.status === 'stopped') reasons.push('The run was stopped: this covers only the trials that finished.')
  if (input.status === 'failed') reasons.push('The run failed: this covers only the trials that finished.')
  return { headline, reasons }
}
