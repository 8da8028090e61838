// Amdahl accuracy: the amdahl workload at a known serial fraction f, run with 1 and 2 worker
// threads (and processes), fitted from every trial; prints f̂, its 95% interval and |f̂ − f|
// (goal ≤ 0.05), with the load other programs put on the machine while it ran, and f̂ again
// against the two cores' own throughput, measured alongside on the same work with nothing serial.
//
// The trials come from ROUNDS short runs, in alternating worker order (1, 2 then 2, 1), rather
// than one run that does all of one worker count and then all of the other: this machine (a VM)
// changes speed by half for seconds at a time (a fixed loop took 40 ms, then 60 ms, then 40 ms
// again), and a drift between the two blocks of a run is read as serial work. Alternating puts
// both worker counts in every phase. Each run's first trial per count is a warm-up (JIT).
import { availableParallelism } from 'node:os'
import { fitSerialFraction } from '../src/shared/analysis/amdahl-fit'
import type { Trial } from '../src/shared/schemas'
import { runToEnd, say } from './support'

const FRACTIONS = [0.1, 0.3, 0.5]
const GOAL = 0.05
const ROUNDS = 12
/** About 0.35 s of work on one worker here: long against the timer and the round trips, short against the machine's slow spells. */
const SIZE = 750_000_000
/** Many small tasks, so a worker on a core slowed for a while takes fewer of them (the pool pulls work). */
const TASKS = 64

/** Mean wall time of the trials at `workers`, ms. */
function meanMs(trials: readonly Trial[], workers: number): number {
  const own = trials.filter((t) => t.workers === workers)
  return own.reduce((sum, t) => sum + t.wallMs, 0) / own.length
}

/** ROUNDS short runs of the amdahl workload at serial share f, in alternating worker order. */
async function roundsOf(
  strategy: 'threads' | 'processes',
  f: number,
  counts: number[],
): Promise<{ trials: Trial[]; otherCores: number }> {
  const trials: Trial[] = []
  let otherCores = 0
  for (let round = 0; round < ROUNDS; round++) {
    const run = await runToEnd({
      workload: 'amdahl',
      params: { serial: Math.round(f * 100), size: SIZE, tasks: TASKS },
      strategies: [strategy],
      workers: round % 2 === 0 ? counts : [...counts].reverse(),
      repetitions: 2,
      warmups: 1,
    })
    trials.push(...run.trials.filter((t) => !t.warmup && t.error === null))
    otherCores = Math.max(otherCores, ...run.stats.map((g) => g.otherCores ?? 0))
  }
  return { trials, otherCores }
}

export async function amdahlAccuracy(): Promise<unknown> {
  const cores = Math.min(2, availableParallelism())
  const counts = Array.from({ length: cores }, (_, i) => i + 1)
  const rows = []
  for (const strategy of ['threads', 'processes'] as const) {
    // The machine's own throughput on both cores, from the same work with nothing serial: this
    // VM's two cores together often run well short of twice one core (one of them slows while
    // both are busy), and the fit can only read that shortfall as serial work.
    const parallelOnly = await roundsOf(strategy, 0, counts)
    const throughput = meanMs(parallelOnly.trials, 1) / meanMs(parallelOnly.trials, cores)
    say(
      `amdahl ${strategy}: with nothing serial, ${cores} workers ran ${throughput.toFixed(2)}× as fast as 1 (the machine's ${cores}-core throughput)`,
    )
    for (const f of FRACTIONS) {
      const { trials, otherCores } = await roundsOf(strategy, f, counts)
      const fit = fitSerialFraction(trials, { logicalCores: cores })
      if (!fit) throw new Error('the amdahl benchmark needs two worker counts within the cores')
      const error = Math.abs(fit.serial - f)
      const [lo, hi] = fit.ci95
      // T(1) = a + b and T(N) = a + b / throughput: the serial share once the cores' own shortfall is known.
      const [t1, tn] = [meanMs(trials, 1), meanMs(trials, cores)]
      const b = (t1 - tn) / (1 - 1 / throughput)
      const corrected = (t1 - b) / t1
      say(
        `amdahl ${strategy} f = ${f}: fitted ${fit.serial.toFixed(3)} (95% ${lo.toFixed(3)}–${hi.toFixed(3)}) from ${trials.length} trials, |f̂ − f| = ${error.toFixed(3)} ${error <= GOAL ? '≤' : '>'} ${GOAL}; against the measured ${cores}-core throughput ${corrected.toFixed(3)}; other programs kept up to ${otherCores.toFixed(2)} cores busy`,
      )
      rows.push({
        strategy,
        f,
        fitted: fit.serial,
        interval: [lo, hi],
        error,
        throughput,
        corrected,
        trials: trials.length,
        otherCores,
      })
    }
  }
  return rows
}
