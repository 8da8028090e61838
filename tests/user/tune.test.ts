// The worker-count search of `concurrency-lab tune`: on a model whose optimum is known it finds
// the knee with fewer points than a sweep; on a real workload (a shared semaphore of size 3) it
// finds 3.
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tune } from '../../src/main/cli/tune'
import { parseRunConfig } from '../../src/shared/schemas'
import { tuneWorkers } from '../../src/shared/tune'
import { makeHost, root } from '../helpers'
import { noPython } from '../python/helpers'

/** Tasks waiting on a semaphore of size k: time = ⌈n / min(w, k)⌉ rounds of `round` ms, ± 1%. */
const semaphoreModel = (k: number, n = 200, round = 50) => {
  let seed = 7
  const jitter = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 0.02
  return async (w: number) => {
    const t = Math.ceil(n / Math.min(w, k)) * round
    return [0, 1, 2].map(() => t * (1 + jitter()))
  }
}

describe('tuneWorkers', () => {
  it.each([1, 3, 5, 16, 37, 100])(
    'finds the knee of a semaphore of size %i in far fewer points than a sweep',
    async (k) => {
      const result = await tuneWorkers({
        maxWorkers: 256,
        takesWorkers: true,
        measure: semaphoreModel(k),
        outOfBudget: () => false,
      })
      expect(result.ended).toBe('converged')
      // ⌈200 / w⌉ rounds: the fewest workers that take as few rounds as k does.
      const rounds = Math.ceil(200 / k)
      expect(result.knee!.workers).toBe(Math.ceil(200 / rounds))
      expect(result.points.length).toBeLessThanOrEqual(0.25 * 256)
      expect(result.points.map((p) => p.order)).toEqual(result.points.map((_, i) => i))
    },
  )

  it('does not call a point as fast as the best when only three noisy trials make their intervals overlap', async () => {
    // 200 tasks of 50 ms, noisy as a loaded machine is (±30% at times): w workers take ⌈200/w⌉ rounds.
    // With 3 trials the best's interval is wide enough to hold a point twice as slow; more trials separate them.
    let seed = 11
    const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647
    const model = async (w: number) => {
      const t = Math.ceil(200 / w) * 50
      return [0, 1, 2].map(() => t * (1 + (rand() < 0.3 ? 0.6 * rand() : 0.05 * rand())))
    }
    const result = await tuneWorkers({ maxWorkers: 256, takesWorkers: true, measure: model, outOfBudget: () => false })
    const tried = result.points.map((p) => `${p.workers}: ${p.summary.mean.toFixed(0)} ms (n ${p.summary.n})`)
    // 200 or more workers take one round (50 ms); 100 take two: never "as fast".
    expect(result.knee!.workers, tried.join(', ')).toBeGreaterThanOrEqual(200)
  })

  it('stops when the budget runs out and keeps what it learnt', async () => {
    const model = semaphoreModel(64)
    let measured = 0
    const result = await tuneWorkers({
      maxWorkers: 256,
      takesWorkers: true,
      measure: (w) => (measured++, model(w)),
      outOfBudget: () => measured >= 3,
    })
    expect(result.ended).toBe('budget')
    expect(result.points.map((p) => p.workers)).toEqual([1, 2, 4])
    expect(result.best!.workers).toBe(4)
  })

  it('a strategy that takes no worker count is measured once; a failing one says why', async () => {
    const once = await tuneWorkers({
      maxWorkers: 8,
      takesWorkers: false,
      measure: semaphoreModel(4),
      outOfBudget: () => false,
    })
    expect(once.points.map((p) => p.workers)).toEqual([1])
    const failed = await tuneWorkers({
      maxWorkers: 8,
      takesWorkers: true,
      measure: async (w) => {
        if (w > 2) throw new Error('task 1 failed: boom')
        return [10, 11, 12]
      },
      outOfBudget: () => false,
    })
    expect(failed).toMatchObject({ ended: 'failed', error: 'task 1 failed: boom' })
    expect(failed.points.map((p) => p.workers)).toEqual([1, 2])
  })
})

describe.skipIf(noPython)(`concurrency-lab tune on real code${noPython ? ` (skipped: ${noPython})` : ''}`, () => {
  it('finds 3 workers for tasks that share a semaphore of size 3, and names the winner', async () => {
    const config = parseRunConfig({
      workload: 'user',
      userScript: { path: join(root, 'tests/user/fixtures/semaphore.py'), function: 'wait', inputs: { range: 24 } },
      strategies: ['py-threads'],
      repetitions: 3,
      warmups: 1,
    })
    const search = makeHost()
    const host = makeHost()
    try {
      const report = await tune(config, { maxWorkers: 8, budgetMs: 120_000 }, search, host, () => undefined)
      const { result } = report.strategies[0]!
      expect(result.ended).toBe('converged')
      const tried = result.points.map((p) => `${p.workers}: ${p.summary.ci95.map(Math.round).join('…')} ms`)
      expect(result.knee!.workers, tried.join(', ')).toBe(3)
      expect(report.winner).toBe('py-threads')
      expect(report.final!.config.workers).toContain(result.best!.workers)
    } finally {
      await search.shutdown()
      await host.shutdown()
    }
  })
})
