import { amdahl } from '../stats'

export interface AmdahlFit {
  /** Fraction of the work that ran in parallel, 0–1. */
  parallel: number
  /** The point it was fitted to. */
  workers: number
  speedup: number
}

/**
 * The parallel fraction p that Amdahl's law needs to explain a measured speedup S with N workers:
 * S = 1 / ((1 − p) + p/N)  ⇒  p = (1 − 1/S) / (1 − 1/N). Uses the point with the most workers.
 */
export function fitAmdahl(points: ReadonlyArray<{ workers: number; speedup: number }>): AmdahlFit | null {
  const usable = points.filter((p) => p.workers > 1 && p.speedup > 0 && Number.isFinite(p.speedup))
  if (usable.length === 0) return null
  const best = usable.reduce((a, b) =>
    b.workers > a.workers || (b.workers === a.workers && b.speedup > a.speedup) ? b : a,
  )
  const parallel = Math.min(1, Math.max(0, (1 - 1 / best.speedup) / (1 - 1 / best.workers)))
  return { parallel, workers: best.workers, speedup: best.speedup }
}

/** Amdahl's bound at each worker count for a parallel fraction. */
export function amdahlCurve(parallel: number, workerCounts: readonly number[]): Array<{ x: number; y: number }> {
  return workerCounts.map((n) => ({ x: n, y: amdahl(parallel, n) }))
}
