import { describe, expect, it } from 'vitest'
import { STRATEGIES, WORKLOADS } from '../../src/shared/catalog'
import { SMALL_PARAMS, runToEnd } from '../helpers'

// Checksums worked out independently of the lab's kernels.
const KNOWN: Record<string, number> = {
  primes: 2262, // π(20 000)
  countdown: 300_000,
  noop: (49 * 50) / 2,
  sleep: (6 * 7) / 2,
}

describe('every workload under every strategy gives the same checksum', () => {
  it('covers the whole catalog', () => {
    expect(Object.keys(SMALL_PARAMS).sort()).toEqual(WORKLOADS.map((w) => w.id).sort())
  })

  for (const workload of WORKLOADS) {
    it(workload.id, async () => {
      const { run } = await runToEnd({
        workload: workload.id,
        params: SMALL_PARAMS[workload.id],
        // Node strategies; tests/python checks that the Python ones agree with these.
        strategies: STRATEGIES.filter((s) => s.runtime === 'node').map((s) => s.id),
        workers: [1, 3],
        repetitions: 1,
        warmups: 0,
        chunkSize: 2,
      })
      expect(run.errors).toEqual([])
      expect(run.status).toBe('finished')
      // sequential, async, threads ×2, processes ×2
      expect(run.trials).toHaveLength(6)
      const checksums = new Set(run.trials.map((t) => t.checksum))
      expect(checksums.size).toBe(1)
      expect(run.checksum).not.toBeNull()
      if (KNOWN[workload.id] !== undefined) expect(run.checksum).toBe(KNOWN[workload.id])
    })
  }
})

describe('sum-squares checksum', () => {
  it('matches a BigInt reference', async () => {
    const n = 100_000
    let reference = 0n
    for (let i = 0n; i < BigInt(n); i++) reference += i * i
    const { run } = await runToEnd({
      workload: 'sum-squares',
      params: { size: n, tasks: 4 },
      strategies: ['threads'],
      workers: [2],
      repetitions: 1,
      warmups: 0,
    })
    expect(run.checksum).toBe(Number(reference % 2n ** 32n))
  })
})
