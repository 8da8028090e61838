// Amdahl's law fitted from raw trial times (issue 12): T(N) = a + b/N by least squares over every
// measured trial, not from mean speedups, so that T(1)'s noise is not divided through every point.
// The serial fraction is f = a / (a + b), with a bootstrap 95% interval (trials resampled within
// each worker count, from a seeded generator, so the same run always gives the same interval).
// Karp–Flatt's e(N) says whether the model fits: a serial fraction that grows with N is overhead
// that grows with the workers, which Amdahl's law does not describe.
//
// Amdahl's law takes N workers to do N times the work of one. Where the cores fall short of that
// (two vCPUs of a VM that slow each other down when both are busy), the plain fit reads the
// shortfall as serial work. Given the cores' capacity, measured on the same work with nothing
// serial, it fits T(N) = a + b/C(N) instead, and finds the serial part of the program alone.
import { amdahl } from '../stats'

export interface TrialTime {
  workers: number
  wallMs: number
}

export interface SerialFit {
  /** Fraction of the one-worker time that did not shrink with more workers, 0–1. */
  serial: number
  /** Bootstrap 95% interval of `serial`. */
  ci95: [number, number]
  /** T(N) = a + b/C(N), in ms, with C(N) = N unless a measured capacity was given. */
  a: number
  b: number
  /** Trials the fit used, and the worker counts they ran at. */
  trials: number
  workers: number[]
  /** Worker counts above the logical cores: drawn, marked, and left out of the fit. */
  oversubscribed: number[]
  /** Karp–Flatt's experimentally determined serial fraction at each worker count above 1. */
  karpFlatt: Array<{ workers: number; e: number }>
  /** e(N) rose with N by more than KARP_FLATT_RISE: overhead grows with the workers. */
  overheadGrows: boolean
}

/** How far e(N) must rise from the fewest to the most workers to say the overhead grows. */
export const KARP_FLATT_RISE = 0.05
const RESAMPLES = 400

/** A small seeded generator (mulberry32): the bootstrap is the same for the same trials. */
function seeded(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Least squares of y = a + b·x; null when every x is the same. */
function leastSquares(points: ReadonlyArray<{ x: number; y: number }>): { a: number; b: number } | null {
  const n = points.length
  const mx = points.reduce((s, p) => s + p.x, 0) / n
  const my = points.reduce((s, p) => s + p.y, 0) / n
  let sxx = 0
  let sxy = 0
  for (const p of points) {
    sxx += (p.x - mx) ** 2
    sxy += (p.x - mx) * (p.y - my)
  }
  if (sxx === 0) return null
  const b = sxy / sxx
  return { a: my - b * mx, b }
}

const serialOf = (fit: { a: number; b: number }): number => Math.min(1, Math.max(0, fit.a / (fit.a + fit.b)))

function fitOnce(
  groups: ReadonlyMap<number, number[]>,
  capacityOf: (workers: number) => number,
): { a: number; b: number } | null {
  const points: Array<{ x: number; y: number }> = []
  for (const [workers, times] of groups) for (const t of times) points.push({ x: 1 / capacityOf(workers), y: t })
  const fit = leastSquares(points)
  return fit && fit.a + fit.b > 0 ? fit : null
}

/** The q-quantile of numbers sorted ascending, interpolated between neighbours. */
export const quantile = (sorted: readonly number[], q: number): number => {
  const i = (sorted.length - 1) * q
  const lo = Math.floor(i)
  const hi = Math.ceil(i)
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (i - lo)
}

/**
 * The cores' capacity from trials of work with nothing serial: for each worker count, the work it
 * did in the time one worker does it, T(1) / T(N) from the mean times. Empty without T(1).
 */
export function measureCapacity(trials: readonly TrialTime[]): Map<number, number> {
  const sums = new Map<number, { total: number; count: number }>()
  for (const t of trials) {
    if (!(t.wallMs > 0) || !Number.isFinite(t.wallMs) || t.workers < 1) continue
    const sum = sums.get(t.workers) ?? { total: 0, count: 0 }
    sums.set(t.workers, { total: sum.total + t.wallMs, count: sum.count + 1 })
  }
  const one = sums.get(1)
  if (!one) return new Map()
  const meanOf = (s: { total: number; count: number }): number => s.total / s.count
  return new Map([...sums.keys()].sort((x, y) => x - y).map((n) => [n, meanOf(one) / meanOf(sums.get(n)!)]))
}

/**
 * Fits the serial fraction to one strategy's trials, or null when fewer than two worker counts at
 * or below `logicalCores` were measured. Trials above the cores are listed, not fitted.
 * `capacity`, when given, is how much work N workers do in the time one does it, measured on this
 * machine for every fitted worker count (1 at 1 worker, above 1 beyond); without it, N. The
 * bootstrap takes the capacity as exact: its interval leaves out the capacity's own noise.
 */
export function fitSerialFraction(
  trials: readonly TrialTime[],
  { logicalCores, seed = 1, capacity }: { logicalCores: number; seed?: number; capacity?: ReadonlyMap<number, number> },
): SerialFit | null {
  const groups = new Map<number, number[]>()
  const oversubscribed = new Set<number>()
  for (const t of trials) {
    if (!(t.wallMs > 0) || !Number.isFinite(t.wallMs) || t.workers < 1) continue
    if (t.workers > logicalCores) {
      oversubscribed.add(t.workers)
      continue
    }
    groups.set(t.workers, [...(groups.get(t.workers) ?? []), t.wallMs])
  }
  if (groups.size < 2) return null
  const capacityOf = (workers: number): number => (capacity ? capacity.get(workers)! : workers)
  const missing = capacity ? [...groups.keys()].filter((n) => !(capacity.get(n)! > 0)) : []
  if (missing.length > 0)
    throw new Error(
      `no measured capacity for ${missing.join(', ')} workers (have ${[...capacity!.keys()].sort((x, y) => x - y).join(', ')})`,
    )
  for (const n of capacity ? groups.keys() : []) {
    const c = capacity!.get(n)!
    if (n === 1 ? c !== 1 : !(c > 1))
      throw new Error(
        `a capacity must be 1 at 1 worker and above 1 beyond: got ${Number(c.toPrecision(3))} at ${n} worker${n === 1 ? '' : 's'}`,
      )
  }
  const fit = fitOnce(groups, capacityOf)
  if (!fit) return null

  const random = seeded(seed)
  const serials: number[] = []
  for (let r = 0; r < RESAMPLES; r++) {
    const resampled = new Map<number, number[]>()
    for (const [workers, times] of groups)
      resampled.set(
        workers,
        times.map(() => times[Math.floor(random() * times.length)]!),
      )
    const again = fitOnce(resampled, capacityOf)
    if (again) serials.push(serialOf(again))
  }
  serials.sort((x, y) => x - y)
  const serial = serialOf(fit)

  // Karp–Flatt from the measured means: e(N) = (1/S − 1/C) / (1 − 1/C), with S = T(1) / T(N), C = C(N).
  const mean = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length
  const one = groups.get(1)
  const karpFlatt = one
    ? [...groups.keys()]
        .filter((n) => n > 1)
        .sort((x, y) => x - y)
        .map((n) => {
          const speedup = mean(one) / mean(groups.get(n)!)
          const c = capacityOf(n)
          return { workers: n, e: (1 / speedup - 1 / c) / (1 - 1 / c) }
        })
    : []
  const overheadGrows = karpFlatt.length >= 2 && karpFlatt[karpFlatt.length - 1]!.e - karpFlatt[0]!.e > KARP_FLATT_RISE

  return {
    serial,
    ci95: serials.length > 0 ? [quantile(serials, 0.025), quantile(serials, 0.975)] : [serial, serial],
    a: fit.a,
    b: fit.b,
    trials: [...groups.values()].reduce((s, times) => s + times.length, 0),
    workers: [...groups.keys()].sort((x, y) => x - y),
    oversubscribed: [...oversubscribed].sort((x, y) => x - y),
    karpFlatt,
    overheadGrows,
  }
}

/**
 * What Amdahl's law projects for `cores` from a fitted interval of the serial fraction: the
 * speedup range, lowest first. A projection, never a measurement.
 */
export function projectSpeedup(ci95: readonly [number, number], cores: number): [number, number] {
  return [amdahl(1 - ci95[1], cores), amdahl(1 - ci95[0], cores)]
}

/** The cores a projection speaks of: what a user might buy or rent next. */
export const PROJECTED_CORES = [4, 8, 16, 64] as const

const x = (n: number): string => `${n.toFixed(1)}×`

/**
 * The fit in words: the serial fraction with its interval, what it caps, the projection (labelled
 * as one), and why it may not hold (overhead growing with N, worker counts left out).
 */
export function describeSerialFit(title: string, fit: SerialFit): string[] {
  const [lo, hi] = fit.ci95
  const sentences = [
    `Fitted over ${fit.trials} trials of ${title} at ${fit.workers.join(', ')} workers: a serial fraction of ${fit.serial.toFixed(2)} (95% interval ${lo.toFixed(2)}–${hi.toFixed(2)}), which caps its speedup at ${fit.serial > 0 ? x(1 / fit.serial) : 'no limit'} however many cores.`,
    `Projected, not measured: ${PROJECTED_CORES.map((n) => {
      const [low, high] = projectSpeedup(fit.ci95, n)
      return `on ${n} cores ${x(low)}–${x(high)}`
    }).join(', ')}.`,
  ]
  if (fit.overheadGrows)
    sentences.push(
      `But Karp–Flatt's serial fraction rose from ${fit.karpFlatt[0]!.e.toFixed(2)} at ${fit.karpFlatt[0]!.workers} workers to ${fit.karpFlatt[fit.karpFlatt.length - 1]!.e.toFixed(2)} at ${fit.karpFlatt[fit.karpFlatt.length - 1]!.workers}: overhead grows with the workers, which Amdahl's law does not describe, so the projection reads high.`,
    )
  if (fit.oversubscribed.length > 0)
    sentences.push(
      `${fit.oversubscribed.join(', ')} workers (more than the logical cores) are drawn but left out of the fit: oversubscribed workers share cores.`,
    )
  return sentences
}
