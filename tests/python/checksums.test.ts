// Every workload's Python kernels give the Node kernels' checksum, under every Python strategy.
import { describe, expect, it } from 'vitest'
import { WORKLOADS } from '../../src/shared/catalog'
import { runToEnd } from '../helpers'
import { noPython } from './helpers'

// Small sizes: this checks agreement, not speed (CPython is far slower than V8 on these loops).
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

const PYTHON = ['py-sequential', 'py-threads', 'py-processes', 'py-asyncio']

describe.skipIf(noPython)(
  `Python kernels agree with the Node kernels${noPython ? ` (skipped: ${noPython})` : ''}`,
  () => {
    it('covers the whole catalog', () => {
      expect(Object.keys(SMALL).sort()).toEqual(WORKLOADS.map((w) => w.id).sort())
    })

    for (const workload of WORKLOADS) {
      it(workload.id, async () => {
        const { run } = await runToEnd({
          workload: workload.id,
          params: SMALL[workload.id],
          strategies: ['sequential', ...PYTHON],
          workers: [2],
          repetitions: 1,
          warmups: 0,
          chunkSize: 2,
        })
        expect(run.errors).toEqual([])
        expect(run.trials.map((t) => t.strategy)).toEqual(['sequential', ...PYTHON])
        // The Node trial came first and set the run's checksum; every Python trial matched it.
        const node = run.trials[0]!.checksum
        expect(node).not.toBeNull()
        for (const t of run.trials)
          expect({ strategy: t.strategy, checksum: t.checksum }).toEqual({ strategy: t.strategy, checksum: node })
        // Every task reported its own slice, on a real thread or process of the runner.
        for (const t of run.trials) expect(t.timeline).toHaveLength(run.trials[0]!.timeline.length)
      })
    }

    it('sum-squares matches a BigInt reference (squares past 2³² wrap like Math.imul)', async () => {
      const n = 100_000
      const { run } = await runToEnd({
        workload: 'sum-squares',
        params: { size: n, tasks: 2 },
        strategies: ['py-sequential'],
        repetitions: 1,
        warmups: 0,
      })
      let reference = 0n
      for (let i = 0n; i < BigInt(n); i++) reference += i * i
      expect(run.checksum).toBe(Number(reference % 2n ** 32n))
    })
  },
)
