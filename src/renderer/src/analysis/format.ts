// How numbers read on screen. One place, so the table, the charts and the verdict agree.

/** Durations read the same on screen as in the CLI and reports. */
export { formatDuration as formatMs } from '@shared/format'

/** "1.93×" or "—" when there is no baseline. */
export function formatSpeedup(value: number | null): string {
  return value === null || !Number.isFinite(value) ? '—' : `${value.toFixed(2)}×`
}

/** 0.4567 → "46%". */
export function formatPercent(fraction: number | null): string {
  return fraction === null || !Number.isFinite(fraction) ? '—' : `${(fraction * 100).toFixed(0)}%`
}

/** "threads × 4", or just the strategy when it always runs one worker. */
export function groupLabel(strategy: string, workers: number, takesWorkers = true): string {
  return takesWorkers ? `${strategy} × ${workers}` : strategy
}
