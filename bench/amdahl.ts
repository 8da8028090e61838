// Amdahl accuracy: the amdahl workload at a known serial fraction f (0.1, 0.3, 0.5), run with 1
// and 2 worker threads (and processes) and fitted by the lab's fit (fitSerialFraction) against
// the cores' measured capacity; prints f̂ and |f̂ − f| (goal ≤ 0.05), with the load other
// programs put on the machine meanwhile. The app's Amdahl note fits against N (it does not
// measure the capacity): that is the "plain Amdahl" figure printed beside.
//
// Amdahl's law takes 2 workers to do twice the work of one. This machine's two cores (vCPUs of a
// VM) do not: while both are busy one of them often runs 25–45% slower, so 2 workers do about
// 1.8–1.9× the work of one, and a plain fit reads that shortfall as serial work (a capacity of
// 1.89 alone moves f = 0.1 to f̂ = 0.15). So the same work with nothing serial (f = 0) is run
// alongside, and f̂ is fitted against the capacity it measures, C(2) = T₀(1) / T₀(2).
//
// And the machine drifts: for tens of seconds at a time one core, sometimes the one a lone worker
// runs on, sometimes the other, runs 30–45% slower (one worker took 360 ms, then 520 ms for eight
// trials in a row, then 360 ms again), and no counter shows it (steal time reads 0). A capacity
// measured a minute, or even twenty seconds, away from the trials it corrects can come from
// another phase. So every run at a serial fraction is bracketed: runs of the same work with nothing
// serial (f = 0) go before and after it, back to back (a few seconds each, on one host, so no
// host starts between them), and its trials are fitted against the capacity of its two brackets.
// Where the brackets disagree by more than DRIFT, the cores changed speed during the run and no
// capacity stands for it: that run is left out, and counted. The fractions take turns (0.1, 0.3,
// 0.5, then 0.3, 0.5, 0.1, …), the worker order turning every second run (1, 2 then 2, 1); f̂ is the
// median over those of each fraction's ROUNDS runs not left out, with their quartiles (a fraction
// with every run left out gets no figure, and the benchmark goes on). The pooled fit (every trial
// against the capacity of every f = 0 trial) and plain Amdahl (every trial against 2×, as the app
// fits a run) are printed too.
// Each run's first trial per count is a warm-up (JIT).
import { availableParallelism } from 'node:os'
import { fitSerialFraction, measureCapacity, quantile } from '../src/shared/analysis/amdahl-fit'
import type { Trial } from '../src/shared/schemas'
import type { LabHost } from '../src/main/lab/host'
import { benchHost, runOn, say } from './support'

const FRACTIONS = [0.1, 0.3, 0.5]
const GOAL = 0.05
const ROUNDS = 12
/** How far the capacities measured before and after a run may differ for the run to count. */
const DRIFT = 0.1
/** About 0.35 s of work on one worker here: long against the timer and the round trips, short against the machine's slow spells. */
const SIZE = 750_000_000
/** Many small tasks, so a worker on a core slowed for a while takes fewer of them (the pool pulls work). */
const TASKS = 64

/** One run of the amdahl workload at serial share f: its measured trials and the other programs' load. */
async function runAt(
  host: LabHost,
  strategy: 'threads' | 'processes',
  f: number,
  workers: number[],
): Promise<{ trials: Trial[]; otherCores: number }> {
  const run = await runOn(host, {
    workload: 'amdahl',
    params: { serial: Math.round(f * 100), size: SIZE, tasks: TASKS },
    strategies: [strategy],
    workers,
    repetitions: 2,
    warmups: 1,
  })
  return {
    trials: run.trials.filter((t) => !t.warmup && t.error === null),
    otherCores: Math.max(0, ...run.stats.map((g) => g.otherCores ?? 0)),
  }
}

/** A run at serial fraction f, with the f = 0 runs just before and just after it. */
interface Bracketed {
  f: number
  trials: Trial[]
  before: Trial[]
  after: Trial[]
}

/**
 * ROUNDS runs of each fraction, taking turns, with a run at f = 0 before the first and after
 * each (so f = 0, f₁, 0, f₂, 0, f₃, 0, …).
 */
async function bracketedRuns(
  host: LabHost,
  strategy: 'threads' | 'processes',
  fractions: readonly number[],
  counts: readonly number[],
): Promise<{ runs: Bracketed[]; zero: Trial[]; otherCores: number }> {
  let k = 0
  let otherCores = 0
  const next = async (f: number): Promise<Trial[]> => {
    // The order turns every second run, so each f = 0 run and the run after it share an order and
    // neither kind of run always measures 1 worker first.
    const run = await runAt(host, strategy, f, Math.floor(k++ / 2) % 2 === 0 ? [...counts] : [...counts].reverse())
    otherCores = Math.max(otherCores, run.otherCores)
    return run.trials
  }
  const runs: Bracketed[] = []
  let before = await next(0)
  const zero = [...before]
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < fractions.length; i++) {
      const f = fractions[(round + i) % fractions.length]!
      const trials = await next(f)
      const after = await next(0)
      zero.push(...after)
      runs.push({ f, trials, before, after })
      before = after
    }
  }
  return { runs, zero, otherCores }
}

interface Row {
  strategy: string
  f: number
  fitted: number
  runQuartiles: [number, number]
  /** Runs fitted, and those left out: their brackets' capacities differed by more than DRIFT, or showed no speedup. */
  runs: number
  drifted: number
  flat: number
  error: number
  met: boolean
  capacity: number | undefined
  pooled: { fitted: number; interval: [number, number]; error: number }
  plain: { fitted: number; interval: [number, number]; error: number }
  trials: number
  otherCores: number
}

const verdict = (fitted: number, f: number): string =>
  `|f̂ − f| = ${Math.abs(fitted - f).toFixed(3)} ${Math.abs(fitted - f) <= GOAL ? '≤' : '>'} ${GOAL}`

export async function amdahlAccuracy(): Promise<unknown> {
  const cores = Math.min(2, availableParallelism())
  const counts = Array.from({ length: cores }, (_, i) => i + 1)
  const rows: Row[] = []
  const host = benchHost()
  try {
    for (const strategy of ['threads', 'processes'] as const) {
      const { runs, zero, otherCores } = await bracketedRuns(host, strategy, FRACTIONS, counts)
      // The cores' capacity, from the same work with nothing serial: what N workers do in the time one does it.
      const capacity = measureCapacity(zero)
      const bracketCapacities = [runs[0]!.before, ...runs.map((r) => r.after)]
        .map((trials) => measureCapacity(trials).get(cores))
        .filter((c): c is number => c !== undefined)
      say(
        `amdahl ${strategy}: with nothing serial, ${cores} workers ran ${capacity.get(cores)!.toFixed(3)}× as fast as 1 (the cores' capacity over all ${zero.length} trials, from ${Math.min(...bracketCapacities).toFixed(3)}× to ${Math.max(...bracketCapacities).toFixed(3)}× run by run; other programs kept up to ${otherCores.toFixed(2)} cores busy)`,
      )
      for (const f of FRACTIONS) {
        // Each run fitted on its own, against the capacity measured just before and just after it.
        const perRun: number[] = []
        let drifted = 0
        let flat = 0
        for (const r of runs.filter((x) => x.f === f)) {
          const before = measureCapacity(r.before).get(cores) ?? NaN
          const after = measureCapacity(r.after).get(cores) ?? NaN
          if (!(before > 1 && after > 1)) flat++
          else if (Math.abs(before - after) > DRIFT) drifted++
          else {
            const fit = fitSerialFraction(r.trials, {
              logicalCores: cores,
              capacity: measureCapacity([...r.before, ...r.after]),
            })
            if (!fit) throw new Error('the amdahl benchmark needs two worker counts within the cores')
            perRun.push(fit.serial)
          }
        }
        const leftOut = [
          drifted > 0 ? `${drifted} left out, the cores' speed having changed by more than ${DRIFT} across them` : '',
          flat > 0 ? `${flat} left out, ${cores} workers having run no faster than 1 in a bracket` : '',
        ]
          .filter(Boolean)
          .join('; ')
        perRun.sort((x, y) => x - y)
        // With every run left out there is no figure: said, and the other fractions still measured.
        const fitted = perRun.length > 0 ? quantile(perRun, 0.5) : NaN
        const spread: [number, number] =
          perRun.length > 0 ? [quantile(perRun, 0.25), quantile(perRun, 0.75)] : [NaN, NaN]
        const all = runs.filter((x) => x.f === f).flatMap((x) => x.trials)
        // The same trials pooled, as the app fits a run: against the capacity, and against N (plain Amdahl).
        const pooled = fitSerialFraction(all, { logicalCores: cores, capacity })!
        const plain = fitSerialFraction(all, { logicalCores: cores })!
        const error = Math.abs(fitted - f)
        say(
          `amdahl ${strategy} f = ${f}: ${perRun.length > 0 ? `${fitted.toFixed(3)}, the median of ${perRun.length} runs (quartiles ${spread[0].toFixed(3)}–${spread[1].toFixed(3)}${leftOut ? `; ${leftOut}` : ''}), ${verdict(fitted, f)}` : `no figure: every run left out (${leftOut}); run it on a quieter machine`}; pooled over ${pooled.trials} trials ${pooled.serial.toFixed(3)} (95% ${pooled.ci95[0].toFixed(3)}–${pooled.ci95[1].toFixed(3)}), ${verdict(pooled.serial, f)}; plain Amdahl (against ${cores}×, as the app fits) ${plain.serial.toFixed(3)}, ${verdict(plain.serial, f)}`,
        )
        rows.push({
          strategy,
          f,
          fitted,
          runQuartiles: spread,
          runs: perRun.length,
          drifted,
          flat,
          error,
          met: error <= GOAL, // false for NaN: no figure does not meet the goal
          capacity: capacity.get(cores),
          pooled: { fitted: pooled.serial, interval: pooled.ci95, error: Math.abs(pooled.serial - f) },
          plain: { fitted: plain.serial, interval: plain.ci95, error: Math.abs(plain.serial - f) },
          trials: pooled.trials,
          otherCores,
        })
      }
    }
  } finally {
    await host.shutdown()
  }
  const met = (key: 'fitted' | 'pooled' | 'plain'): number =>
    rows.filter((r) => Math.abs((key === 'fitted' ? r.fitted : r[key].fitted) - r.f) <= GOAL).length
  say(
    `amdahl: |f̂ − f| ≤ ${GOAL} for ${met('fitted')} of ${rows.length} run by run (the goal), ${met('pooled')} of ${rows.length} pooled, ${met('plain')} of ${rows.length} by plain Amdahl`,
  )
  return rows
}
