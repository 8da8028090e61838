// How numbers read on screen. One place, so the table, the charts and the verdict agree.

/** "412 ms", "3.20 s", "1 min 04 s". */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '—'
  if (ms < 10) return `${ms.toFixed(2)} ms`
  if (ms < 1000) return `${ms.toFixed(0)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`
  const minutes = Math.floor(ms / 60_000)
  const seconds = Math.round((ms % 60_000) / 1000)
  return `${minutes} min ${String(seconds).padStart(2, '0')} s`
}

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
