// `concurrency-lab tune`: its bounds from the command line and its report as text. The search
// itself (each strategy's worker count, then one ordinary run at the best counts, saved like any
// run) is src/main/lab/tune.ts, which the app's Run ▸ Find Best Worker Count… runs too.
import { availableParallelism } from 'node:os'
import { findStrategy } from '../../shared/catalog'
import { formatDuration } from '../../shared/format'
import { MANY_WORKERS_PER_CORE, type RunConfig } from '../../shared/schemas'
import { describeTuneProgress } from '../../shared/tune'
import type { LabHost } from '../lab/host'
import { defaultMaxWorkers, tuneStrategies, type TuneReport } from '../lab/tune'
import { numberOption, UsageError } from './config'

export type { TuneReport } from '../lab/tune'

export interface TuneOptions {
  maxWorkers?: string
  budget: string
  allowManyWorkers?: boolean
}

/** The most workers tune tries: --max-workers, else 4 × the cores (CPU work) or 256 (I/O, with --allow-many-workers). */
export function tuneBounds(config: RunConfig, options: TuneOptions): { maxWorkers: number; budgetMs: number } {
  const cores = availableParallelism()
  const safe = MANY_WORKERS_PER_CORE * cores
  const fallback = defaultMaxWorkers(config, cores, options.allowManyWorkers === true)
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

/** Runs the search on `search` (a host that saves nothing) and the final run on `host` (src/main/lab/tune.ts). */
export function tune(
  config: RunConfig,
  bounds: { maxWorkers: number; budgetMs: number },
  search: LabHost,
  host: LabHost,
  progress: (line: string) => void,
  stopped: () => boolean = () => false,
): Promise<TuneReport> {
  return tuneStrategies(config, bounds, search, host, (p) => progress(describeTuneProgress(p)), stopped)
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
      `  tried, in order: ${result.points.map((p) => `${p.workers} → ${formatDuration(p.summary.mean)}`).join(', ')}; ${result.points.length} point${result.points.length === 1 ? '' : 's'}, ${result.ended === 'budget' ? 'stopped by the time budget' : result.ended === 'stopped' ? 'stopped' : result.ended === 'failed' ? `failed: ${result.error}` : 'converged'}`,
    )
  }
  if (report.winner) {
    lines.push('', `Winner: ${findStrategy(report.winner)?.title ?? report.winner}.`)
    for (const sentence of report.why) lines.push(sentence)
  }
  return lines.join('\n')
}
