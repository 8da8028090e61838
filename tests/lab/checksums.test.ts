import { describe, expect, it } from 'vitest'
import { STRATEGIES, WORKLOADS } from '../../src/shared/catalog'
import { runToEnd } from '../helpers'

// Small sizes: this checks agreement, not speed.
const SMALL: Record<string, Record<string, number>> = {
  primes: { size: 20_000, tasks: 7 },
  countdown: { size: 300_000, tasks: 5 },
  'sum-squares': { size: 300_000, tasks: 6 },
  mandelbrot: { size: 60, iterations: 50, tasks: 9 },
  sha256: { size: 4096, rounds: 3, tasks: 5 },
  noop: { tasks: 50 },
  http: { tasks: 8, latency: 5, payload: 3000 },
  sleep: { tasks: 6, duration: 5 },
  file: { tasks: 4, size: 5000 },
  'fetch-and-hash': { tasks: 6, latency: 5, payload: 2000, rounds: 2 },
}

// Checksums worked out independently of the lab's kernels.
const KNOWN: Record<string, number> = {
  primes: 2262, // π(20 000)
  countdown: 300_000,
  noop: (49 * 50) / 2,
  sleep: (6 * 7) / 2,
}

describe('every workload under every strategy gives the same checksum', () => {
  it('covers the whole catalog', () => {
    expect(Object.keys(SMALL).sort()).toEqual(WORKLOADS.map((w) => w.id).sort())
  })

  for (const workload of WORKLOADS) {
    it(workload.id, async () => {
      const { run } = await runToEnd({
        workload: workload.id,
        params: SMALL[workload.id],
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
