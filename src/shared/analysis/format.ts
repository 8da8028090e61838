// How the analysis writes numbers and groups. One place, so the screen, the CLI and the report agree.

/** Durations read the same on screen as in the CLI and reports. */
export { formatDuration as formatMs } from '../format'

/** "1.93×" or "—" when there is no baseline. */
export function formatSpeedup(value: number | null): string {
  return value === null || !Number.isFinite(value) ? '—' : `${value.toFixed(2)}×`
}

/** 0.4567 → "46%". */
export function formatPercent(fraction: number | null): string {
  return fraction === null || !Number.isFinite(fraction) ? '—' : `${(fraction * 100).toFixed(0)}%`
}

/** "Worker threads × 4", or just the title when the strategy always runs one worker. */
export function groupLabel(title: string, workers: number, takesWorkers = true): string {
  return takesWorkers ? `${title} × ${workers}` : title
}
