// Scaling out (issue 14): what a Dask cluster costs per task against a Python process pool, from
// the run's own means, and the task length at which the cluster beats the pool (when it has more
// threads than the pool has processes) or at which its extra cost stops mattering (when it has not).
import { STRATEGIES, WORKLOADS, type StrategySpec } from '../catalog'
import type { GroupStats, Run } from '../schemas'
import { formatMs, groupLabel } from './format'

/** The share of a task's time under which a per-task overhead is said to stop mattering. */
export const CROSSOVER_SHARE = 0.1

export interface ScalingOutRun {
  config: Pick<Run['config'], 'workload'> & Partial<Pick<Run['config'], 'params' | 'chunkSize'>>
  /** The cluster py-dask ran on, where the run recorded it; else W one-thread workers (a local cluster). */
  machine?: { cluster?: Pick<NonNullable<Run['machine']['cluster']>, 'threads'> | null }
  stats: readonly GroupStats[]
}

type Spec = Pick<StrategySpec, 'title' | 'runtime' | 'python'> & { id: string }

/**
 * The sentence on a run with py-dask and py-processes, or null without both. Per task, the pool
 * takes t = mean_pool × W ÷ N (its own overhead folded in) and the cluster mean_dask × T ÷ N on
 * T threads; the cluster's extra cost per task is the difference. With T > W the cluster beats
 * the pool for tasks longer than extra × W ÷ (T − W); with T ≤ W it never does, and its extra cost
 * falls under CROSSOVER_SHARE of a task for tasks of extra ÷ CROSSOVER_SHARE or longer.
 */
export function scalingOutNote(run: ScalingOutRun, strategies: readonly Spec[] = STRATEGIES): string | null {
  const specOf = (id: string) => strategies.find((s) => s.id === id)
  const tasks =
    run.config.params?.['tasks'] ??
    WORKLOADS.find((w) => w.id === run.config.workload)?.params.find((p) => p.name === 'tasks')?.default
  if (!tasks) return null
  const chunk = run.config.chunkSize ?? 1
  const title = (g: GroupStats) => groupLabel(specOf(g.strategy)?.title ?? g.strategy, g.workers)
  for (const cluster of run.stats.filter((g) => specOf(g.strategy)?.python?.mode === 'dask')) {
    const pools = run.stats.filter((g) => specOf(g.strategy)?.python?.mode === 'processes')
    const pool = pools.find((g) => g.workers === cluster.workers) ?? pools[pools.length - 1]
    if (!pool) continue
    const threads = run.machine?.cluster?.threads || cluster.workers
    const taskMs = (pool.meanMs * pool.workers) / tasks
    const clusterTaskMs = (cluster.meanMs * threads) / tasks
    const extraMs = clusterTaskMs - taskMs
    const measured =
      `${title(cluster)} on ${threads} thread${threads === 1 ? '' : 's'} took ${formatMs(clusterTaskMs)} per task against ${formatMs(taskMs)} for ${title(pool)} ` +
      `(mean × threads ÷ ${tasks} tasks, chunk ${chunk})`
    if (extraMs <= 0)
      return `${measured}: the cluster's overhead did not show at this task length, so here it ${threads > pool.workers ? 'wins by its extra threads' : 'costs nothing extra'}.`
    const overhead = `${measured}: the cluster's overhead is ${formatMs(extraMs)} per task, ${((extraMs / taskMs) * 100).toFixed(0)}% of a task here.`
    if (threads > pool.workers)
      return `${overhead} With ${threads} threads against ${pool.workers} processes, the cluster beats the pool for tasks longer than ${formatMs((extraMs * pool.workers) / (threads - pool.workers))} (the crossover); a larger chunk lowers it.`
    return `${overhead} With no more threads than the pool has processes, the cluster does not beat it at any task size; its overhead falls under ${CROSSOVER_SHARE * 100}% of a task for tasks of ${formatMs(extraMs / CROSSOVER_SHARE)} or longer, and a larger chunk spreads it over more tasks.`
  }
  return null
}
