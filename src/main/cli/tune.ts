// `concurrency-lab tune`: for one workload (built-in or your code) and its strategies, search the
// worker count (src/shared/tune.ts), then run every strategy at its best count once more as an
// ordinary run (saved like any run) whose verdict says which wins and why.
import { availableParallelism } from 'node:os'
import { findStrategy, findWorkload } from '../../shared/catalog'
import { verdict, verdictSentences } from '../../shared/analysis/verdict'
import { formatDuration } from '../../shared/format'
import { MANY_WORKERS_PER_CORE, parseRunConfig, type Run, type RunConfig } from '../../shared/schemas'
import { tuneWorkers, type TuneResult } from '../../shared/tune'
import type { LabHost } from '../lab/host'
import { numberOption, UsageError } from './config'

export interface TuneOptions {
  maxWorkers?: string
  budget: string
  allowManyWorkers?: boolean
}

/** The most workers tune tries: --max-workers, else 4 × the cores (CPU work) or 256 (I/O, with --allow-many-workers). */
export function tuneBounds(config: RunConfig, options: TuneOptions): { maxWorkers: number; budgetMs: number } {
  const cores = availableParallelism()
  const safe = MANY_WORKERS_PER_CORE * cores
  const io = findWorkload(config.workload)?.kind !== 'cpu'
  const fallback = io && options.allowManyWorkers ? 256 : safe
  const maxWorkers =
    options.maxWorkers === undefined
      ? fallback
      : numberOption(options.maxWorkers, { field: '--max-workers', min: 1, max: 256, integer: true })
  if (maxWorkers > safe && !options.allowManyWorkers)
    throw new UsageError(
      `--max-workers over ${safe} (${MANY_WORKERS_PER_CORE} × ${cores} cores) needs --allow-many-workers`,
    )
  const budgetS = numberOption(options.budget, { field: '--budget', min: 1, max: 24 * 3600, integer: true, unit: 's' })
  return { maxWorkers, budgetMs: budgetS * 1000 }
}

export interface TuneReport {
  strategies: Array<{ strategy: string; result: TuneResult }>
  /** The run of every strategy at its best count, or null when none found one. */
  final: Run | null
  winner: string | null
  why: string[]
}

/** Runs the search on `search` (a host that saves nothing) and the final run on `host`. */
export async function tune(
  config: RunConfig,
  bounds: { maxWorkers: number; budgetMs: number },
  search: LabHost,
  host: LabHost,
  progress: (line: string) => void,
  stopped: () => boolean = () => false,
): Promise<TuneReport> {
  const deadline = Date.now() + bounds.budgetMs
  const strategies: TuneReport['strategies'] = []
  for (const id of config.strategies) {
    const spec = findStrategy(id)!
    const result = await tuneWorkers({
      maxWorkers: bounds.maxWorkers,
      takesWorkers: spec.takesWorkers,
      outOfBudget: () => stopped() || Date.now() > deadline,
      measure: async (workers) => {
        const left = Math.max(0, Math.round((deadline - Date.now()) / 1000))
        progress(`${id}: trying ${workers} worker${workers === 1 ? '' : 's'} (${left} s of budget left)`)
        const runId = await search.startRun({ ...config, strategies: [id], workers: [workers] })
        const run = await search.waitForRun(runId)
        const measured = run.trials.filter((t) => !t.warmup)
        if (run.errors.length > 0 || measured.length === 0) throw new Error(run.errors[0] ?? 'no trial finished')
        return measured.map((t) => t.wallMs)
      },
    })
    strategies.push({ strategy: id, result })
  }
  const found = strategies.filter((s) => s.result.best !== null)
  if (found.length === 0) return { strategies, final: null, winner: null, why: [] }
  progress('running every strategy at its best worker count')
  const counts = [...new Set(found.map((s) => s.result.best!.workers))].sort((a, b) => a - b)
  const finalConfig = parseRunConfig({ ...config, strategies: found.map((s) => s.strategy), workers: counts })
  const final = await host.waitForRun(await host.startRun(finalConfig))
  const v = verdict(final)
  const winner = found.reduce((a, b) => (b.result.best!.summary.mean < a.result.best!.summary.mean ? b : a)).strategy
  return { strategies, final, winner, why: verdictSentences(v) }
}

/** The report as the CLI prints it. */
export function formatTune(report: TuneReport): string {
  const lines: string[] = []
  for (const { strategy, result } of report.strategies) {
    const title = findStrategy(strategy)?.title ?? strategy
    if (!result.best || !result.knee) {
      lines.push(`${title}: no worker count finished${result.error ? ` (${result.error})` : ''}`)
      continue
    }
    const b = result.best.summary
    const half = (b.ci95[1] - b.ci95[0]) / 2
    lines.push(
      `${title}: best ${result.best.workers} worker${result.best.workers === 1 ? '' : 's'}, ${formatDuration(b.mean)} ± ${formatDuration(half)} (95% CI); knee ${result.knee.workers} (the fewest as fast as the best: within 5%, or within the noise)`,
    )
    lines.push(
      `  tried, in order: ${result.points.map((p) => `${p.workers} → ${formatDuration(p.summary.mean)}`).join(', ')}; ${result.points.length} point${result.points.length === 1 ? '' : 's'}, ${result.ended === 'budget' ? 'stopped by the time budget' : result.ended === 'failed' ? `failed: ${result.error}` : 'converged'}`,
    )
  }
  if (report.winner) {
    lines.push('', `Winner: ${findStrategy(report.winner)?.title ?? report.winner}.`)
    for (const sentence of report.why) lines.push(sentence)
  }
  return lines.join('\n')
}
