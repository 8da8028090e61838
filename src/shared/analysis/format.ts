// How the analysis writes numbers and groups. One place, so the screen, the CLI and the report agree.

import { formatDuration } from '../format'

/** Durations read the same on screen as in the CLI and reports. */
export { formatDuration as formatMs } from '../format'

/** What a CPU or memory cell says when the run could not measure it (a user's Dask cluster). */
export const NOT_MEASURED = 'not measured'

/** A CPU time in ms, or NOT_MEASURED. */
export function formatCpuMs(ms: number | null): string {
  return ms === null ? NOT_MEASURED : formatDuration(ms)
}

/** A share of all cores, or NOT_MEASURED when the CPU time behind it was not measured. */
export function formatUtilisation(fraction: number | null): string {
  return fraction === null ? NOT_MEASURED : formatPercent(fraction)
}

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

/** "400 ms ± 4.00 ms"; one repetition has no spread to show, so just "400 ms". */
export function formatMeanSpread(g: { meanMs: number; stdevMs: number; n: number }): string {
  return g.n >= 2 ? `${formatDuration(g.meanMs)} ± ${formatDuration(g.stdevMs)}` : formatDuration(g.meanMs)
}

/**
 * How many of its planned repetitions a group's figures rest on, when fewer than planned: "1 of 3
 * repetitions so far" while the run goes on, "2 of 3 repetitions" once it has ended; else null.
 */
export function repetitionsShort(n: number, planned: number, running: boolean): string | null {
  if (n >= planned) return null
  return `${n} of ${planned} repetition${planned === 1 ? '' : 's'}${running ? ' so far' : ''}`
}

/** What the results table's times rest on: "over 3 measured repetitions each", or how much of that there is so far. */
export function repetitionsCaption(groups: ReadonlyArray<{ n: number }>, planned: number, running: boolean): string {
  const noun = planned === 1 ? 'repetition' : 'repetitions'
  if (groups.every((g) => g.n >= planned)) return `Wall-clock time over ${planned} measured ${noun} each`
  const so = running ? 'measured so far' : 'that finished'
  return `Wall-clock time over the repetitions ${so}, of ${planned} ${noun} planned for each`
}
