// Running against waiting, per task: each Python task records its own thread's CPU time
// (time.thread_time) beside its wall time, so wall − CPU is how long it waited — for the GIL when
// CPU-bound threads share one interpreter, for the OS or I/O otherwise. Pure: a run in, figures
// and sentences out; the results table, the CLI and the timeline read the same figures.
import { STRATEGIES, WORKLOADS, type StrategySpec, type WorkloadSpec } from '../catalog'
import type { GroupStats, Run, TimelineSlice, Trial } from '../schemas'
import { BACKGROUND_CORES } from '../stats'
import { groupLabel } from './format'

/** A waiting share at least this large, on CPU-bound GIL threads with more than one worker, is put down to the GIL. */
export const GIL_WAIT_SHARE = 0.3
/** A task that ran at least this share of its wall time counts as uninterrupted. */
export const UNINTERRUPTED_SHARE = 0.9
/**
 * Free cores (logical cores less those other programs kept busy) at or below which the workers were
 * crowded: the wait may be the OS sharing the cores out, so the GIL is not named (as the verdict's
 * ONE_CORE rule: threads held to one core say nothing when only about one core was left to them).
 */
const CROWDED_FREE_CORES = 1.5

export interface RunningShare {
  strategy: string
  workers: number
  /** Measured tasks that carried their CPU time. */
  tasks: number
  /** Σ CPU ÷ Σ wall over those tasks, 0–1. */
  running: number
  /** The median task's CPU ÷ wall, 0–1. */
  medianRunning: number
  /** Share of tasks that ran uninterrupted (at least UNINTERRUPTED_SHARE of their wall time), 0–1. */
  uninterrupted: number
  /** Why the rest was waiting, where the measurement supports a cause. */
  cause: 'gil' | null
  /**
   * The GIL would be named but other programs left the workers about one core: the run cannot tell
   * how much of the wait was the GIL's.
   */
  crowded: boolean
  /** Cores other programs kept busy while the group ran (null: not measured). */
  otherCores: number | null
  /** Threads sharing one interpreter's GIL (more than one): where the switch interval shapes the runs. */
  sharesGil: boolean
}

/** The running share of a set of slices: Σ CPU ÷ Σ wall and the median per task; null when none carries CPU. */
export function runningOf(
  slices: readonly Pick<TimelineSlice, 'start' | 'end' | 'cpu'>[],
): Pick<RunningShare, 'tasks' | 'running' | 'medianRunning' | 'uninterrupted'> | null {
  let cpu = 0
  let wall = 0
  const shares: number[] = []
  for (const s of slices) {
    const w = s.end - s.start
    if (s.cpu === undefined || !(w > 0)) continue
    const c = Math.min(s.cpu, w)
    cpu += c
    wall += w
    shares.push(c / w)
  }
  if (shares.length === 0 || wall <= 0) return null
  shares.sort((a, b) => a - b)
  const mid = shares.length >> 1
  const median = shares.length % 2 ? shares[mid]! : (shares[mid - 1]! + shares[mid]!) / 2
  const whole = shares.length - shares.findIndex((x) => x >= UNINTERRUPTED_SHARE)
  return {
    tasks: shares.length,
    running: cpu / wall,
    medianRunning: median,
    uninterrupted: shares[shares.length - 1]! >= UNINTERRUPTED_SHARE ? whole / shares.length : 0,
  }
}

type Spec = Pick<StrategySpec, 'id' | 'gilBound'>
type Kind = Pick<WorkloadSpec, 'kind'>

export interface RunningRun {
  config: Pick<Run['config'], 'workload'>
  trials: ReadonlyArray<Pick<Trial, 'strategy' | 'workers' | 'warmup' | 'error' | 'timeline'>>
  stats?: ReadonlyArray<Pick<GroupStats, 'strategy' | 'workers' | 'otherCores'>>
  python?: Pick<NonNullable<Run['python']>, 'gil'> | null
  machine?: Pick<Run['machine'], 'logicalCores'>
}

/**
 * Per strategy × workers, over the measured repetitions (not warm-ups, not failed trials): how much
 * of their wall time the tasks ran. Groups whose tasks carry no CPU time (Node, asyncio) are left out.
 */
export function runningShares(
  run: RunningRun,
  specOf: (id: string) => Spec | undefined = (id) => STRATEGIES.find((s) => s.id === id),
  workloadOf: (id: string) => Kind | undefined = (id) => WORKLOADS.find((w) => w.id === id),
): RunningShare[] {
  const groups = new Map<string, { strategy: string; workers: number; slices: TimelineSlice[] }>()
  for (const t of run.trials) {
    if (t.warmup || t.error) continue
    const key = `${t.strategy}\u0000${t.workers}`
    let g = groups.get(key)
    if (!g) groups.set(key, (g = { strategy: t.strategy, workers: t.workers, slices: [] }))
    for (const s of t.timeline) g.slices.push(s)
  }
  const cpuBound = workloadOf(run.config.workload)?.kind === 'cpu'
  const out: RunningShare[] = []
  for (const g of groups.values()) {
    const figures = runningOf(g.slices)
    if (!figures) continue
    // The GIL is named only where it is the measured mark: CPU-bound tasks on more than one
    // thread of an interpreter that had its GIL on, that waited a large share of their time.
    const sharesGil = g.workers > 1 && specOf(g.strategy)?.gilBound === true && run.python?.gil !== false
    const gil = cpuBound && sharesGil && 1 - figures.running >= GIL_WAIT_SHARE
    const other = run.stats?.find((s) => s.strategy === g.strategy && s.workers === g.workers)?.otherCores ?? null
    const crowded =
      other !== null &&
      other >= BACKGROUND_CORES &&
      run.machine !== undefined &&
      run.machine.logicalCores - other <= CROWDED_FREE_CORES
    out.push({
      strategy: g.strategy,
      workers: g.workers,
      ...figures,
      cause: gil && !crowded ? 'gil' : null,
      crowded: gil && crowded,
      otherCores: other,
      sharesGil,
    })
  }
  return out
}

const percent = (x: number): string => `${Math.round(x * 100)}%`

/** "ran 73%, waited 27%": the two shares as whole percents that add up to 100. */
export function ranWaited(running: number): { ran: string; waited: string } {
  const ran = Math.round(Math.min(1, Math.max(0, running)) * 100)
  return { ran: `${ran}%`, waited: `${100 - ran}%` }
}

/** "py-threads × 2: tasks ran 49% of their wall time, waited 51% (for the GIL); 4% of tasks ran uninterrupted". */
export function runningSentence(r: RunningShare, title: string = r.strategy): string {
  const waited = 1 - r.running
  const cause = r.cause === 'gil' ? ' (for the GIL)' : ''
  const other = r.otherCores
  const load = r.crowded
    ? `; other programs kept ${other!.toFixed(1)} cores busy, so this run cannot tell how much of the wait was for the GIL`
    : other !== null && other >= BACKGROUND_CORES && waited >= 0.05
      ? `; other programs kept ${other.toFixed(1)} cores busy, so part of the wait may be theirs`
      : ''
  // Where threads take turns at the GIL, how many tasks got through without a turn taken from
  // them: the switch interval's mark (longer interval, more uninterrupted tasks).
  const whole = r.sharesGil ? `; ${percent(r.uninterrupted)} of tasks ran uninterrupted` : ''
  const { ran, waited: wait } = ranWaited(r.running)
  return `${groupLabel(title, r.workers)}: tasks ran ${ran} of their wall time, waited ${wait}${cause}${whole}${load}`
}

/** Every group's sentence, in the order of the run's groups. */
export function runningSentences(
  run: RunningRun,
  titleOf: (id: string) => string = (id) => id,
  specOf?: (id: string) => Spec | undefined,
): string[] {
  return runningShares(run, specOf).map((r) => runningSentence(r, titleOf(r.strategy)))
}
