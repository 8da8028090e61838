// How numbers read, in the terminal, in reports and on screen: one place, so they agree.
import { findStrategy } from './catalog'
import { BACKGROUND_CORES } from './stats'

/**
 * A time with about three significant figures: "850 µs", "4.00 ms", "12.3 ms", "412 ms", "3.20 s",
 * "1 min 04 s", "1 h 05 min". Each unit is chosen after rounding, so 999.6 µs reads "1.00 ms", not "1000 µs".
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '—'
  const us = (ms * 1000).toFixed(0)
  if (Number(us) < 1000) return `${us} µs`
  if (Number(ms.toFixed(2)) < 10) return `${ms.toFixed(2)} ms`
  if (Number(ms.toFixed(1)) < 100) return `${ms.toFixed(1)} ms`
  if (Number(ms.toFixed(0)) < 1000) return `${ms.toFixed(0)} ms`
  const seconds = (ms / 1000).toFixed(2)
  if (Number(seconds) < 60) return `${seconds} s`
  const pad = (n: number): string => String(n).padStart(2, '0')
  const wholeSeconds = Math.round(ms / 1000)
  if (wholeSeconds < 3600) return `${Math.floor(wholeSeconds / 60)} min ${pad(wholeSeconds % 60)} s`
  const wholeMinutes = Math.round(ms / 60_000)
  return `${Math.floor(wholeMinutes / 60)} h ${pad(wholeMinutes % 60)} min`
}

/**
 * Time left, as an estimate reads: whole seconds under a minute ("about 48 s"), then minutes and
 * seconds to the nearest 5 s ("about 2 min 05 s"). An estimate with centiseconds claims too much.
 */
export function formatRemaining(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—'
  const seconds = Math.max(1, Math.round(ms / 1000))
  if (seconds < 60) return `about ${seconds} s`
  const rounded = Math.round(seconds / 5) * 5
  if (rounded < 3600) return `about ${Math.floor(rounded / 60)} min ${String(rounded % 60).padStart(2, '0')} s`
  return `about ${formatDuration(ms)}`
}

/** "1 run", "3 runs": a count with its noun, singular for one. */
export function countOf(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`
}

interface GroupLoad {
  strategy: string
  workers: number
  otherCores?: number | null
}

/**
 * A strategy and worker count as the screen names them: "Worker threads × 2", or just "Async
 * event loop" for a strategy that always runs one; an id the catalog lacks stays as it is.
 */
export function groupTitle(g: { strategy: string; workers: number }): string {
  const spec = findStrategy(g.strategy)
  return !spec ? `${g.strategy} × ${g.workers}` : spec.takesWorkers ? `${spec.title} × ${g.workers}` : spec.title
}

/**
 * The warning for results measured while other programs kept cores busy, or null when the
 * sampler did not measure them doing so. It names the group as the screen does (`label`).
 */
export function backgroundLoadWarning<G extends GroupLoad>(
  stats: readonly G[],
  label: (g: G) => string = groupTitle,
): string | null {
  const worst = stats.reduce<G | null>(
    (a, g) => (typeof g.otherCores === 'number' && (!a || g.otherCores > a.otherCores!) ? g : a),
    null,
  )
  if (!worst || worst.otherCores! < BACKGROUND_CORES) return null
  return (
    `Other programs kept up to ${worst.otherCores!.toFixed(1)} cores busy while this ran (during ${label(worst)}): ` +
    'they compete with the workers, so speedups may read low. Quiet the machine, or compare runs taken under the same load.'
  )
}
