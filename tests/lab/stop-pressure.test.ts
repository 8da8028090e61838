// Stop pressed at random moments, 200 times in a row, on one lab: while pools start, mid-trial,
// between trials, after the run ended. Every stopRun must resolve, leave no child process (by
// /proc, re-parented ones included: each carries the test's mark) and no thread (the registry),
// and nothing may reject unhandled. Stop latencies are printed, never asserted (tests do not
// time things); the test timeout is only a guard against a hang.
import { describe, expect, it } from 'vitest'
import type { StrategyId } from '../../src/shared/catalog'
import { SMALL_PARAMS, makeHost } from '../helpers'
import { markChildren, markedProcesses, noPython } from '../python/helpers'
import { prng } from '../sessions/fixtures'

const ROUNDS = 200

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!

describe('stop under pressure', () => {
  it(`resolves ${ROUNDS} stops at random moments and leaves no child, thread or unhandled rejection`, async () => {
    const seed = Number(process.env['STOP_PRESSURE_SEED'] ?? Math.floor(Math.random() * 2 ** 32))
    const random = prng(seed)
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!
    const node: StrategyId[] = ['sequential', 'async', 'threads', 'processes']
    const python: StrategyId[] = noPython ? [] : ['py-sequential', 'py-threads', 'py-processes']
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason)
    process.on('unhandledRejection', onUnhandled)
    const mark = markChildren()
    const host = makeHost()
    const latencies: number[] = []
    const statuses = new Map<string, number>()
    const problems: string[] = []
    let pythonRounds = 0
    try {
      for (let round = 0; round < ROUNDS; round++) {
        // About one run in twenty is a Python one (the runner is slow to start: a few suffice).
        const strategies: StrategyId[] =
          python.length > 0 && random() < 0.05 ? [pick(python)] : [pick(node), ...(random() < 0.5 ? [pick(node)] : [])]
        if (strategies.some((id) => id.startsWith('py-'))) pythonRounds++
        // Half the runs are small enough to end, or to be between trials, when stop is pressed.
        const workload = pick(['countdown', 'sleep', 'primes'] as const)
        const id = await host.startRun({
          workload,
          params: random() < 0.5 ? SMALL_PARAMS[workload]! : { tasks: 1 + Math.floor(random() * 6) },
          strategies: [...new Set(strategies)],
          workers: [1 + Math.floor(random() * 3)],
          repetitions: 1 + Math.floor(random() * 3),
          warmups: 0,
        })
        await new Promise((r) => setTimeout(r, Math.floor(random() * 150)))
        const pressed = performance.now()
        // Sometimes pressed twice: both must resolve.
        await Promise.all(random() < 0.1 ? [host.stopRun(id), host.stopRun(id)] : [host.stopRun(id)])
        latencies.push(performance.now() - pressed)
        const run = await host.getRun(id)
        statuses.set(run.status, (statuses.get(run.status) ?? 0) + 1)
        if (host.registry.size !== 0) problems.push(`round ${round}: ${host.registry.size} children still registered`)
        const left = markedProcesses(mark)
        if (left.length > 0) problems.push(`round ${round} (${strategies.join(',')}): left ${left.join('; ')}`)
        if (problems.length > 5) break
      }
    } finally {
      await host.shutdown()
      process.off('unhandledRejection', onUnhandled)
    }
    const sorted = [...latencies].sort((a, b) => a - b)
    console.log(
      `stop pressure: seed ${seed}, ${latencies.length} stops, latency max ${sorted.at(-1)!.toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms, median ${percentile(sorted, 50).toFixed(1)} ms; ${pythonRounds} Python runs; runs ${[...statuses].map(([s, n]) => `${n} ${s}`).join(', ')}; children left ${problems.length}`,
    )
    expect(problems).toEqual([])
    expect(unhandled).toEqual([])
    expect(latencies).toHaveLength(ROUNDS)
    expect(markedProcesses(mark)).toEqual([])
  }, 180_000)
})
