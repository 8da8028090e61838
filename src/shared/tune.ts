// The search behind `concurrency-lab tune`: the best worker count of one strategy, found with
// few trials. Coarse geometric steps (1, 2, 4, …) while a step's gain stands clear of the noise,
// then bisection down to the knee (the fewest workers as fast as the best: within KNEE_SHARE of its
// mean, or within the noise), sharpening a point with more repetitions while it straddles the line.
// Pure: what a point costs and how it is measured is the caller's `measure`.
import { z } from 'zod'
import { intIn } from './schemas'
import { summarise, type Summary } from './stats'

/** A worker count within this share of the best mean time is "as fast" (the knee's rule). */
export const KNEE_SHARE = 0.05

/** Most repetitions one point gets when sharpened. */
const MAX_SAMPLES = 12

export interface TunePoint {
  workers: number
  /** Wall time per trial, ms. */
  summary: Summary
  /** 0 for the first point measured, 1 for the next, … */
  order: number
}

export interface TuneResult {
  points: TunePoint[]
  /** The lowest mean time measured. */
  best: TunePoint | null
  /** The fewest workers as fast as the best (within KNEE_SHARE, or within the noise). */
  knee: TunePoint | null
  /** Why the search ended. */
  ended: 'converged' | 'budget' | 'stopped' | 'failed'
  error?: string
}

export interface TuneOptions {
  maxWorkers: number
  /** False when the strategy runs one worker whatever it is given (async, py-asyncio). */
  takesWorkers: boolean
  /** Measures one worker count (wall ms of each measured trial); rejects when a trial fails. */
  measure(workers: number): Promise<number[]>
  /** True once the time budget is spent (or the user stopped): the search keeps what it learnt. */
  outOfBudget(): boolean
  /** Geometric steps in a row whose gain is inside the noise before the coarse phase ends. */
  patience?: number
}

/** True when `a` is faster than `b` beyond the noise: their 95% confidence intervals do not overlap. */
export const clearlyFaster = (a: Summary, b: Summary): boolean => a.ci95[1] < b.ci95[0]

/** As fast as the best: within KNEE_SHARE of its mean, or not clearly slower (the CIs overlap). */
const withinKnee = (p: TunePoint, best: TunePoint): boolean =>
  p.summary.mean <= best.summary.mean * (1 + KNEE_SHARE) || !clearlyFaster(best.summary, p.summary)

/** Searches the worker count of one strategy. */
export async function tuneWorkers(options: TuneOptions): Promise<TuneResult> {
  const points: TunePoint[] = []
  const tried = new Map<number, TunePoint>()
  const patience = options.patience ?? 2
  const samples = new Map<number, number[]>()
  const measure = async (workers: number): Promise<TunePoint> => {
    const values = await options.measure(workers)
    samples.set(workers, values)
    const point = { workers, summary: summarise(values), order: points.length }
    points.push(point)
    tried.set(workers, point)
    return point
  }
  // More repetitions for a point whose CI straddles the knee's line, so that neighbours separate.
  const sharpen = async (point: TunePoint): Promise<void> => {
    for (;;) {
      const line = bestOf().summary.mean * (1 + KNEE_SHARE)
      const [low, high] = point.summary.ci95
      if (!(low <= line && line <= high) || samples.get(point.workers)!.length >= MAX_SAMPLES) return
      if (options.outOfBudget()) return
      const more = [...samples.get(point.workers)!, ...(await options.measure(point.workers))]
      samples.set(point.workers, more)
      point.summary = summarise(more)
    }
  }
  const more = async (point: TunePoint): Promise<void> => {
    const values = [...samples.get(point.workers)!, ...(await options.measure(point.workers))]
    samples.set(point.workers, values)
    point.summary = summarise(values)
  }
  // Two points whose means differ by more than the knee's share but whose intervals overlap (a few
  // noisy trials) are not "the same speed" yet: more repetitions for both, until they separate or
  // MAX_SAMPLES is reached. Without this, three trials on a loaded machine let a point twice as slow
  // pass for as fast as the best, and end the coarse phase early.
  const separate = async (a: TunePoint, b: TunePoint): Promise<void> => {
    for (;;) {
      const [fast, slow] = a.summary.mean <= b.summary.mean ? [a, b] : [b, a]
      if (slow.summary.mean <= fast.summary.mean * (1 + KNEE_SHARE)) return
      if (clearlyFaster(fast.summary, slow.summary)) return
      const na = samples.get(a.workers)!.length
      const nb = samples.get(b.workers)!.length
      if ((na >= MAX_SAMPLES && nb >= MAX_SAMPLES) || options.outOfBudget()) return
      if (na < MAX_SAMPLES) await more(a)
      if (nb < MAX_SAMPLES && !options.outOfBudget()) await more(b)
    }
  }
  const bestOf = (): TunePoint => points.reduce((a, b) => (b.summary.mean < a.summary.mean ? b : a))
  const kneeOf = (best: TunePoint): TunePoint =>
    points.filter((p) => withinKnee(p, best)).reduce((a, b) => (b.workers < a.workers ? b : a))
  const result = (ended: TuneResult['ended'], error?: string): TuneResult => {
    const best = points.length > 0 ? bestOf() : null
    return { points, best, knee: best ? kneeOf(best) : null, ended, ...(error ? { error } : {}) }
  }
  try {
    let current = await measure(1)
    if (!options.takesWorkers) return result('converged')
    // Coarse: double while a step is clearly faster than the best so far; `patience` steps in a row inside the noise end it.
    let stalls = 0
    while (current.workers < options.maxWorkers && stalls < patience) {
      if (options.outOfBudget()) return result('budget')
      const best = bestOf()
      current = await measure(Math.min(current.workers * 2, options.maxWorkers))
      await separate(current, best)
      stalls = clearlyFaster(current.summary, best.summary) ? 0 : stalls + 1
    }
    // Fine: bisect between the knee and the largest count below it that is not within the knee's share.
    for (;;) {
      if (options.outOfBudget()) return result('budget')
      const best = bestOf()
      let knee = kneeOf(best)
      // A knee that passes only because the intervals overlap is measured until it is clear.
      if (knee !== best) {
        await separate(knee, best)
        knee = kneeOf(bestOf())
      }
      const below = points
        .filter((p) => p.workers < knee.workers)
        .reduce<TunePoint | null>((a, b) => (a === null || b.workers > a.workers ? b : a), null)
      if (below === null || knee.workers - below.workers <= 1) return result('converged')
      const middle = Math.floor((below.workers + knee.workers) / 2)
      if (tried.has(middle)) return result('converged')
      const point = await measure(middle)
      await sharpen(point)
      await separate(point, bestOf())
    }
  } catch (error) {
    return result('failed', error instanceof Error ? error.message : String(error))
  }
}

// ---- The tuner as the app asks for it (LabApi startTune) ------------------------------------

/** Bounds on a search: the most workers tried and the time it may spend. */
export const TUNE_LIMITS = { maxWorkers: { min: 1, max: 256 }, budgetS: { min: 1, max: 24 * 3600 } } as const

export const tuneBoundsSchema = z
  .object({
    maxWorkers: intIn(TUNE_LIMITS.maxWorkers),
    budgetS: intIn({ ...TUNE_LIMITS.budgetS, unit: 's' }),
  })
  .strict()
export type TuneBounds = z.infer<typeof tuneBoundsSchema>

/** Where a search stands: what it tries now and how much of its budget is left. */
export interface TuneProgress {
  strategy: string
  /** The worker count being measured; null while the final run at the best counts runs. */
  workers: number | null
  budgetLeftMs: number
  /** The final run's id, once it has started (it is an ordinary run, saved into the session). */
  finalRunId: string | null
  /** The points measured so far, per strategy, in the order tried. */
  points: Record<string, TunePoint[]>
}

/** What a search found: per strategy its result, the final run at the best counts, the winner and why. */
export interface TuneSummary {
  strategies: Array<{ strategy: string; result: TuneResult }>
  /** The run of every strategy at its best count (saved like any run), or null when none found one. */
  finalRunId: string | null
  winner: string | null
  why: string[]
  /** True when the user stopped the search (it kept what it had learnt). */
  stopped: boolean
}

/** One line on what the search is doing: `py-threads: trying 4 workers (52 s of budget left)`. */
export function describeTuneProgress(p: Pick<TuneProgress, 'strategy' | 'workers' | 'budgetLeftMs'>): string {
  const left = `${Math.max(0, Math.round(p.budgetLeftMs / 1000))} s of budget left`
  return p.workers === null
    ? 'running every strategy at its best worker count'
    : `${p.strategy}: trying ${p.workers} worker${p.workers === 1 ? '' : 's'} (${left})`
}
