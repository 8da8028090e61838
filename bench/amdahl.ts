// Amdahl accuracy: the amdahl workload at a known serial fraction f, run with 1 and 2 worker
// threads (and processes), fitted from every trial; prints f̂, its 95% interval and |f̂ − f|
// (goal ≤ 0.05), with the load other programs put on the machine while it ran, which is what
// most often spoils the figure on a shared machine.
import { availableParallelism } from 'node:os'
import { fitSerialFraction } from '../src/shared/analysis/amdahl-fit'
import { runToEnd, say } from './support'

const FRACTIONS = [0.1, 0.3, 0.5]
const GOAL = 0.05

export async function amdahlAccuracy(): Promise<unknown> {
  const cores = Math.min(2, availableParallelism())
  const workers = Array.from({ length: cores }, (_, i) => i + 1)
  const rows = []
  for (const strategy of ['threads', 'processes'] as const) {
    for (const f of FRACTIONS) {
      const run = await runToEnd({
        workload: 'amdahl',
        params: { serial: Math.round(f * 100), size: 150_000_000, tasks: 8 },
        strategies: [strategy],
        workers,
        repetitions: 7,
        warmups: 1,
      })
      const trials = run.trials.filter((t) => !t.warmup && t.error === null)
      const fit = fitSerialFraction(trials, { logicalCores: cores })
      if (!fit) throw new Error('the amdahl benchmark needs two worker counts within the cores')
      const otherCores = Math.max(...run.stats.map((g) => g.otherCores ?? 0))
      const error = Math.abs(fit.serial - f)
      const [lo, hi] = fit.ci95
      say(
        `amdahl ${strategy} f = ${f}: fitted ${fit.serial.toFixed(3)} (95% ${lo.toFixed(3)}–${hi.toFixed(3)}), |f̂ − f| = ${error.toFixed(3)} ${error <= GOAL ? '≤' : '>'} ${GOAL}; other programs kept up to ${otherCores.toFixed(2)} cores busy`,
      )
      rows.push({ strategy, f, fitted: fit.serial, interval: [lo, hi], error, otherCores })
    }
  }
  return rows
}
