// Pure statistics over repetitions. No I/O, no clocks.
import { findStrategy } from './catalog'

export interface Summary {
  n: number
  mean: number
  median: number
  stdev: number
  min: number
  max: number
  /** 95% confidence interval of the mean (Student's t). */
  ci95: [number, number]
  /** Coefficient of variation, stdev / mean. */
  cv: number
}

/** CV above which the results are flagged as noisy. */
export const NOISE_CV = 0.1

// Two-sided 97.5% quantiles of Student's t for 1…30 degrees of freedom.
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
  2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
]

/** The 97.5% quantile of Student's t with `df` degrees of freedom (normal beyond 30). */
export function tQuantile975(df: number): number {
  if (df < 1) return Number.NaN
  return df <= 30 ? T975[df - 1]! : 1.96 + 2.4 / df
}

/** Summary statistics of a non-empty sample; stdev is the sample (n − 1) deviation. */
export function summarise(values: readonly number[]): Summary {
  if (values.length === 0) throw new Error('summarise needs at least one value')
  const n = values.length
  const sorted = [...values].sort((a, b) => a - b)
  const mean = values.reduce((a, b) => a + b, 0) / n
  const mid = Math.floor(n / 2)
  const median = n % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
  const variance = n > 1 ? values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1) : 0
  const stdev = Math.sqrt(variance)
  const half = n > 1 ? (tQuantile975(n - 1) * stdev) / Math.sqrt(n) : 0
  return {
    n,
    mean,
    median,
    stdev,
    min: sorted[0]!,
    max: sorted[n - 1]!,
    ci95: [mean - half, mean + half],
    cv: mean > 0 ? stdev / mean : 0,
  }
}

/** How many times faster `candidate` is than `baseline` (both mean times). */
export function speedup(baselineMean: number, candidateMean: number): number {
  return baselineMean / candidateMean
}

/** Parallel efficiency: speedup per worker, 1 being perfect scaling. */
export function efficiency(speedupValue: number, workers: number): number {
  return speedupValue / workers
}

/** Amdahl's law: the speedup bound with `workers` when a fraction `parallel` of the work can run in parallel. */
export function amdahl(parallel: number, workers: number): number {
  return 1 / (1 - parallel + parallel / workers)
}

export interface TrialLike {
  strategy: string
  workers: number
  warmup: boolean
  wallMs: number
  cpuMs: number | null
  otherCpuMs?: number | null
  error: string | null
}

export interface DerivedGroup {
  strategy: string
  workers: number
  n: number
  meanMs: number
  medianMs: number
  stdevMs: number
  minMs: number
  maxMs: number
  ci95Ms: [number, number]
  /** null when some trial's CPU time was not measured (a user's Dask cluster). */
  cpuMs: number | null
  cpuUtilisation: number | null
  speedup: number | null
  efficiency: number | null
  noisy: boolean
  otherCores: number | null
  checksumOk: boolean
}

/** Cores kept busy by other programs above which results are flagged as measured under load. */
export const BACKGROUND_CORES = 0.25

/**
 * Statistics per (strategy, workers) group over the measured (non-warm-up) trials that
 * succeeded, in the order the groups first ran. Speedups are against each strategy's
 * `baseline` in the catalog; a strategy the catalog does not know gets none.
 */
export function deriveGroupStats(trials: readonly TrialLike[], logicalCores: number): DerivedGroup[] {
  const groups = new Map<string, TrialLike[]>()
  for (const t of trials) {
    if (t.warmup) continue
    const key = `${t.strategy}\u0000${t.workers}`
    const list = groups.get(key) ?? []
    list.push(t)
    groups.set(key, list)
  }
  const out: DerivedGroup[] = []
  for (const list of groups.values()) {
    const ok = list.filter((t) => t.error === null)
    if (ok.length === 0) continue
    const first = list[0]!
    const wall = summarise(ok.map((t) => t.wallMs))
    const cpuMs = ok.some((t) => t.cpuMs === null) ? null : ok.reduce((a, t) => a + t.cpuMs!, 0) / ok.length
    const measuredOther = ok.filter((t) => typeof t.otherCpuMs === 'number' && t.wallMs > 0)
    const otherCores =
      measuredOther.length > 0
        ? measuredOther.reduce((a, t) => a + t.otherCpuMs! / t.wallMs, 0) / measuredOther.length
        : null
    out.push({
      strategy: first.strategy,
      workers: first.workers,
      n: wall.n,
      meanMs: wall.mean,
      medianMs: wall.median,
      stdevMs: wall.stdev,
      minMs: wall.min,
      maxMs: wall.max,
      ci95Ms: wall.ci95,
      cpuMs,
      cpuUtilisation: cpuMs === null ? null : wall.mean > 0 ? cpuMs / (wall.mean * logicalCores) : 0,
      speedup: null,
      efficiency: null,
      noisy: wall.cv > NOISE_CV,
      otherCores,
      checksumOk: list.every((t) => !t.error?.startsWith('checksum')),
    })
  }
  for (const g of out) {
    const spec = findStrategy(g.strategy)
    const baseline = out.find((b) => b.strategy === spec?.baseline)
    if (!baseline) continue
    g.speedup = speedup(baseline.meanMs, g.meanMs)
    // Speedup per worker means something only where workers run in parallel; an event loop's
    // tasks overlap their waits on one thread, so it has no efficiency (shown as "—").
    g.efficiency = spec?.lanes === 'in-flight' ? null : efficiency(g.speedup, g.workers)
  }
  return out
}

// ---- Student's t distribution and Welch's t-test -----------------------------------------

/** ln Γ(x) for x > 0 (Lanczos approximation, g = 7, about 15 significant digits). */
export function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ]
  // Reflection keeps the series accurate below 1/2.
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x)
  const z = x - 1
  let sum = c[0]!
  for (let i = 1; i < 9; i++) sum += c[i]! / (z + i)
  const t = z + 7.5
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum)
}

// Continued fraction of the incomplete beta function (modified Lentz, Numerical Recipes §6.4).
function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300
  let c = 1
  let d = 1 - ((a + b) * x) / (a + 1)
  if (Math.abs(d) < tiny) d = tiny
  d = 1 / d
  let h = d
  for (let m = 1; m <= 1000; m++) {
    const m2 = 2 * m
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2))
    d = 1 + aa * d
    if (Math.abs(d) < tiny) d = tiny
    c = 1 + aa / c
    if (Math.abs(c) < tiny) c = tiny
    d = 1 / d
    h *= d * c
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1))
    d = 1 + aa * d
    if (Math.abs(d) < tiny) d = tiny
    c = 1 + aa / c
    if (Math.abs(c) < tiny) c = tiny
    d = 1 / d
    const delta = d * c
    h *= delta
    if (Math.abs(delta - 1) < 1e-15) break
  }
  return h
}

/** The regularized incomplete beta function I_x(a, b), for 0 ≤ x ≤ 1 and a, b > 0. */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (!(a > 0) || !(b > 0) || Number.isNaN(x)) return Number.NaN
  if (x <= 0) return 0
  if (x >= 1) return 1
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x))
  // The continued fraction converges quickly only on one side of the mean; use symmetry otherwise.
  return x < (a + 1) / (a + b + 2)
    ? (front * betaContinuedFraction(x, a, b)) / a
    : 1 - (front * betaContinuedFraction(1 - x, b, a)) / b
}

/** P(T ≤ t) for Student's t with `df` (> 0, not necessarily whole) degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  if (!(df > 0) || Number.isNaN(t)) return Number.NaN
  if (t === Number.POSITIVE_INFINITY) return 1
  if (t === Number.NEGATIVE_INFINITY) return 0
  const tail = 0.5 * regularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5)
  return t > 0 ? 1 - tail : tail
}

export interface WelchResult {
  /** Welch's t statistic, (mean a − mean b) / standard error of the difference. */
  t: number
  /** Welch–Satterthwaite degrees of freedom. */
  df: number
  /** Two-sided p-value: the chance of a difference at least this large if the means were equal. */
  p: number
}

/**
 * Welch's unequal-variances t-test from summary statistics (sample standard deviations).
 * Null when either side has fewer than two values, since its variance is then unknown.
 */
export function welchTTest(
  a: { mean: number; stdev: number; n: number },
  b: { mean: number; stdev: number; n: number },
): WelchResult | null {
  if (a.n < 2 || b.n < 2) return null
  const va = (a.stdev * a.stdev) / a.n
  const vb = (b.stdev * b.stdev) / b.n
  const se = Math.sqrt(va + vb)
  if (se === 0) {
    // Both sides without spread: the means either match exactly or differ beyond doubt.
    const same = a.mean === b.mean
    return { t: same ? 0 : Math.sign(a.mean - b.mean) * Number.POSITIVE_INFINITY, df: a.n + b.n - 2, p: same ? 1 : 0 }
  }
  const t = (a.mean - b.mean) / se
  const df = (va + vb) ** 2 / (va ** 2 / (a.n - 1) + vb ** 2 / (b.n - 1))
  const p = Math.min(1, 2 * studentTCdf(-Math.abs(t), df))
  return { t, df, p }
}
