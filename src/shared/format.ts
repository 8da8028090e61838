// How numbers read, in the terminal, in reports and on screen: one place, so they agree.
import { BACKGROUND_CORES } from './stats'

/** A time with about three significant figures: "850 µs", "4.00 ms", "12.3 ms", "412 ms", "3.20 s", "1 min 04 s". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '—'
  if (ms < 1) return `${(ms * 1000).toFixed(0)} µs`
  if (ms < 10) return `${ms.toFixed(2)} ms`
  if (ms < 100) return `${ms.toFixed(1)} ms`
  if (ms < 1000) return `${ms.toFixed(0)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`
  const minutes = Math.floor(ms / 60_000)
  const seconds = Math.round((ms % 60_000) / 1000)
  return `${minutes} min ${String(seconds).padStart(2, '0')} s`
}

interface GroupLoad {
  strategy: string
  workers: number
  otherCores?: number | null
}

/** The warning for results measured while other programs kept cores busy, or null when they did not. */
export function backgroundLoadWarning(stats: readonly GroupLoad[]): string | null {
  const worst = stats.reduce<GroupLoad | null>(
    (a, g) => (typeof g.otherCores === 'number' && (!a || g.otherCores > a.otherCores!) ? g : a),
    null,
  )
  if (!worst || worst.otherCores! < BACKGROUND_CORES) return null
  return (
    `Other programs kept up to ${worst.otherCores!.toFixed(1)} cores busy while this ran (during ${worst.strategy} × ${worst.workers}): ` +
    'they compete with the workers, so speedups may read low. Quiet the machine (a browser drawing live charts counts), or compare runs taken under the same load.'
  )
}
