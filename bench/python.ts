// Python runtime benchmarks: what the GIL does and does not do, as speedups over py-sequential
// on the same interpreter, measured in this run. `pythonFigures()` prints each figure in words
// on stderr and returns them; it reports why it skipped when no Python 3.8+ is found.
// CPU-bound comparisons run in ROUNDS separate runs and report the median ratio, so that a
// burst of load from another user of a shared machine skews one round, not the figure.
import type { GroupStats, Run, RunConfigInput } from '../src/shared/schemas'
import { chooseInterpreter } from '../src/main/lab/python/interpreters'
import { summarise } from '../src/shared/stats'
import { runToEnd as run, say } from './support'

const group = (run: Run, strategy: string, workers?: number): GroupStats => {
  const g = run.stats.find((s) => s.strategy === strategy && (workers === undefined || s.workers === workers))
  if (!g) throw new Error(`no results for ${strategy}${workers ? ` × ${workers}` : ''}`)
  return g
}

/** How many times faster than py-sequential, on medians. */
const ratio = (run: Run, strategy: string, workers?: number): number =>
  group(run, 'py-sequential').medianMs / group(run, strategy, workers).medianMs
const busyCores = (g: GroupStats): number => (g.cpuMs ?? Number.NaN) / g.meanMs
const x = (n: number): string => `${n.toFixed(2)}×`
const median = (values: number[]): number => summarise(values).median
const ROUNDS = 3

/** Runs `config` ROUNDS times; each figure is the median over rounds of `measure`. */
async function rounds<T extends Record<string, number>>(config: RunConfigInput, measure: (run: Run) => T): Promise<T> {
  const results: T[] = []
  for (let i = 0; i < ROUNDS; i++) results.push(measure(await run(config)))
  return Object.fromEntries(Object.keys(results[0]!).map((k) => [k, median(results.map((r) => r[k]!))])) as T
}

export interface PythonFigures {
  interpreter: string
  countdown: { threads: number; processes: number; threadsBusyCores: number; processesBusyCores: number }
  sha256: { threads: number }
  http: { asyncio: number; threads10: number }
}

export async function pythonFigures(): Promise<PythonFigures | { skipped: string }> {
  let interpreter: string
  try {
    const chosen = await chooseInterpreter(undefined)
    interpreter = `Python ${chosen.version} (${chosen.freeThreaded ? 'free-threaded' : 'GIL on'}) at ${chosen.executable}`
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    say(`Python: skipped, ${reason}`)
    return { skipped: reason }
  }
  say(`Python runtime on ${interpreter}; speedups over py-sequential (median of ${ROUNDS} runs for CPU work):`)

  const countdown = await rounds(
    {
      workload: 'countdown',
      params: { size: 10_000_000, tasks: 8 },
      strategies: ['py-sequential', 'py-threads', 'py-processes'],
      workers: [2],
      repetitions: 3,
      warmups: 1,
    },
    (cpu) => ({
      threads: ratio(cpu, 'py-threads', 2),
      processes: ratio(cpu, 'py-processes', 2),
      threadsBusyCores: busyCores(group(cpu, 'py-threads', 2)),
      processesBusyCores: busyCores(group(cpu, 'py-processes', 2)),
    }),
  )
  say(
    `  countdown (10 M steps, 8 tasks), 2 workers: py-threads ${x(countdown.threads)} (goal ≤ 1.2×), py-processes ${x(countdown.processes)} (goal ≥ 1.5×)`,
  )
  say(
    `    2 threads kept ${countdown.threadsBusyCores.toFixed(2)} cores busy; 2 processes kept ${countdown.processesBusyCores.toFixed(2)}`,
  )

  const sha256 = await rounds(
    {
      workload: 'sha256',
      params: { size: 4 * 1024 * 1024, rounds: 8, tasks: 8 },
      strategies: ['py-sequential', 'py-threads'],
      workers: [2],
      repetitions: 3,
      warmups: 1,
    },
    (hashing) => ({ threads: ratio(hashing, 'py-threads', 2) }),
  )
  say(
    `  sha256 (4 MiB buffers × 8 rounds, 8 tasks), 2 workers: py-threads ${x(sha256.threads)} (goal > 1×: hashlib releases the GIL)`,
  )

  // Waiting is not disturbed by other users' CPU load: one round is enough.
  const io = await run({
    workload: 'http',
    params: { tasks: 50, latency: 50, payload: 1024 },
    strategies: ['py-sequential', 'py-asyncio', 'py-threads'],
    workers: [10],
    repetitions: 3,
    warmups: 1,
  })
  const http = { asyncio: ratio(io, 'py-asyncio'), threads10: ratio(io, 'py-threads', 10) }
  say(
    `  http (50 requests, 50 ms latency): py-asyncio ${x(http.asyncio)}, py-threads × 10 ${x(http.threads10)} (goal ≥ 5× each)`,
  )
  return { interpreter, countdown, sha256, http }
}
