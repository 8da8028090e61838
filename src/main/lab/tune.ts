// The worker-count search on a lab, for every strategy of a run configuration: what
// `concurrency-lab tune` and Run ▸ Find Best Worker Count… (LabHost.startTune) both run. Each point
// is an ordinary run of one strategy at one worker count on `search` (which saves nothing); then
// every strategy runs once more at its best count on `final`, saved like any run, whose verdict
// says which wins and why. The search itself is src/shared/tune.ts (pure).
import { verdict, verdictSentences } from '../../shared/analysis/verdict'
import { findStrategy, findWorkload } from '../../shared/catalog'
import { MANY_WORKERS_PER_CORE, parseRunConfig, type Run, type RunConfig } from '../../shared/schemas'
import { tuneWorkers, type TuneProgress, type TuneResult } from '../../shared/tune'

/** What the search needs of a lab: start a run, and wait for it to end. */
export interface RunStarter {
  startRun(config: RunConfig): Promise<string>
  waitForRun(id: string): Promise<Run>
}

export interface TuneReport {
  strategies: Array<{ strategy: string; result: TuneResult }>
  /** The run of every strategy at its best count, or null when none found one. */
  final: Run | null
  winner: string | null
  why: string[]
}

/** The default bound of a search: 4 × the cores for CPU work; 256 for I/O when many workers are allowed. */
export function defaultMaxWorkers(config: RunConfig, logicalCores: number, allowManyWorkers: boolean): number {
  const safe = MANY_WORKERS_PER_CORE * Math.max(1, logicalCores)
  const io = findWorkload(config.workload)?.kind !== 'cpu'
  return io && allowManyWorkers ? 256 : safe
}

/**
 * Searches each strategy's worker count on `search`, then runs every strategy at its best count on
 * `final`. `stopped()` true ends the search where it is; what it learnt is kept and still run.
 */
export async function tuneStrategies(
  config: RunConfig,
  bounds: { maxWorkers: number; budgetMs: number },
  search: RunStarter,
  final: RunStarter,
  progress: (p: TuneProgress) => void,
  stopped: () => boolean = () => false,
  onFinalStart: (runId: string) => void = () => undefined,
): Promise<TuneReport> {
  const deadline = Date.now() + bounds.budgetMs
  const strategies: TuneReport['strategies'] = []
  const points: TuneProgress['points'] = {}
  for (const id of config.strategies) {
    const spec = findStrategy(id)!
    if (stopped()) break
    const result = await tuneWorkers({
      maxWorkers: bounds.maxWorkers,
      takesWorkers: spec.takesWorkers,
      outOfBudget: () => stopped() || Date.now() > deadline,
      measure: async (workers) => {
        progress({ strategy: id, workers, budgetLeftMs: Math.max(0, deadline - Date.now()), finalRunId: null, points })
        if (stopped()) throw new Error('stopped')
        const runId = await search.startRun({ ...config, strategies: [id], workers: [workers] })
        const run = await search.waitForRun(runId)
        const measured = run.trials.filter((t) => !t.warmup)
        if (run.errors.length > 0 || measured.length === 0) throw new Error(run.errors[0] ?? 'no trial finished')
        return measured.map((t) => t.wallMs)
      },
    })
    // Stopped mid-point (the run it measured was stopped): keep the points already measured.
    const kept: TuneResult =
      stopped() && (result.ended === 'failed' || result.ended === 'budget')
        ? { points: result.points, best: result.best, knee: result.knee, ended: 'stopped' }
        : result
    points[id] = kept.points
    strategies.push({ strategy: id, result: kept })
  }
  const found = strategies.filter((s) => s.result.best !== null)
  if (found.length === 0) return { strategies, final: null, winner: null, why: [] }
  const counts = [...new Set(found.map((s) => s.result.best!.workers))].sort((a, b) => a - b)
  const finalConfig = parseRunConfig({ ...config, strategies: found.map((s) => s.strategy), workers: counts })
  const finalId = await final.startRun(finalConfig)
  onFinalStart(finalId)
  progress({
    strategy: found[0]!.strategy,
    workers: null,
    budgetLeftMs: Math.max(0, deadline - Date.now()),
    finalRunId: finalId,
    points,
  })
  const finalRun = await final.waitForRun(finalId)
  const winner = found.reduce((a, b) => (b.result.best!.summary.mean < a.result.best!.summary.mean ? b : a)).strategy
  return { strategies, final: finalRun, winner, why: verdictSentences(verdict(finalRun)) }
}
