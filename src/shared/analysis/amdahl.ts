import { STRATEGIES, type StrategySpec, type WorkloadSpec } from '../catalog'
import type { GroupStats } from '../schemas'
import { BACKGROUND_CORES, amdahl } from '../stats'
import { fitSerialFraction, type SerialFit } from './amdahl-fit'
import { groupLabel } from './format'

export interface AmdahlFit {
  /** Fraction of the work that ran in parallel, 0–1. */
  parallel: number
  /** The point it was fitted to. */
  workers: number
  speedup: number
  /** The fit over every trial (T(N) = a + b/N) with its interval, when the run's trials were given. */
  serialFit?: SerialFit
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

/** Mean task time (one thread) under which dispatch overhead, not a serial part, limits speedups. */
export const AMDAHL_MIN_TASK_MS = 1

/** A fit to show, or why the run cannot be fitted; one sentence either way. */
export type AmdahlNote = { strategy: string; fit: AmdahlFit } | { why: string }

type Figures = Pick<GroupStats, 'strategy' | 'workers' | 'meanMs' | 'speedup' | 'otherCores'>
type TrialFigures = { strategy: string; workers: number; warmup: boolean; wallMs: number; error: string | null }

/**
 * Amdahl's law fitted only where the measurements can carry it: a strategy whose workers run in
 * parallel, measured at two or more worker counts from 1 to the logical cores (beyond them,
 * workers share cores and the fit reads that as a serial part), with other programs keeping less
 * than BACKGROUND_CORES busy, and tasks long enough that dispatch overhead does not dominate.
 */
export function amdahlNote(
  groups: readonly Figures[],
  {
    logicalCores,
    tasks,
    strategies = STRATEGIES,
    kind,
    trials,
  }: {
    logicalCores: number
    tasks: number
    strategies?: readonly StrategySpec[]
    kind?: WorkloadSpec['kind']
    /** The run's trials: with them the fit is made over every trial, with an interval. */
    trials?: readonly TrialFigures[]
  },
): AmdahlNote {
  // Amdahl's law divides computation; work that waits speeds up by overlapping its waits.
  if (kind === 'io')
    return {
      why: "Not fitted: this work mostly waits, so its speedup comes from overlapping the waits, not from a parallel fraction of computation (Amdahl's law).",
    }
  const spec = (id: string) => strategies.find((s) => s.id === id)
  const parallel = groups.filter((g) => {
    const s = spec(g.strategy)
    return s !== undefined && s.takesWorkers && s.lanes === 'workers' && g.speedup !== null && g.workers <= logicalCores
  })
  const byStrategy = new Map<string, Figures[]>()
  for (const g of parallel) byStrategy.set(g.strategy, [...(byStrategy.get(g.strategy) ?? []), g])
  const candidates = [...byStrategy].filter(([, list]) => new Set(list.map((g) => g.workers)).size >= 2)
  if (candidates.length === 0)
    return {
      why: `Amdahl's law needs a strategy with parallel workers measured at two worker counts from 1 to ${logicalCores} (this machine's logical cores).`,
    }
  // The baseline is half of every speedup: load while it ran skews the fit as much as load during the workers.
  const baselines = candidates
    .map(([id]) => groups.find((g) => g.strategy === spec(id)?.baseline))
    .filter((g): g is Figures => g !== undefined)
  const loaded = [...baselines, ...candidates.flatMap(([, list]) => list)].find(
    (g) => (g.otherCores ?? 0) >= BACKGROUND_CORES,
  )
  if (loaded)
    return {
      why: `Not fitted: other programs kept ${loaded.otherCores!.toFixed(1)} cores busy during ${groupLabel(spec(loaded.strategy)?.title ?? loaded.strategy, loaded.workers, spec(loaded.strategy)?.takesWorkers ?? true)}, so its speedup says more about them than about the serial part of the work.`,
    }
  const baseline = groups.find((g) => g.strategy === spec(candidates[0]![0])?.baseline)
  const taskMs = baseline && tasks > 0 ? baseline.meanMs / tasks : null
  if (taskMs !== null && taskMs < AMDAHL_MIN_TASK_MS)
    return {
      why: `Not fitted: tasks of ${(taskMs * 1000).toFixed(0)} µs on average are too short; dispatch overhead, not a serial part of the work, limits the speedup (try fewer, larger tasks).`,
    }
  const fits = candidates
    .map(([strategy, list]) => {
      const fit = fitAmdahl(list.map((g) => ({ workers: g.workers, speedup: g.speedup! })))
      const own = trials?.filter((t) => t.strategy === strategy && !t.warmup && t.error === null)
      const serialFit = own ? fitSerialFraction(own, { logicalCores }) : null
      return { strategy, fit: fit && serialFit ? { ...fit, parallel: 1 - serialFit.serial, serialFit } : fit }
    })
    .filter((f): f is { strategy: string; fit: AmdahlFit } => f.fit !== null)
    .sort((a, b) => b.fit.speedup - a.fit.speedup)
  return fits[0] ?? { why: "Needs a worker count above 1 to fit Amdahl's law." }
}
