// Every workload's Python kernels give the Node kernels' checksum, under every Python strategy.
import { describe, expect, it } from 'vitest'
import { WORKLOADS } from '../../src/shared/catalog'
import { SMALL_PARAMS, runToEnd } from '../helpers'
import { noPython } from './helpers'

const PYTHON = ['py-sequential', 'py-threads', 'py-processes', 'py-asyncio', 'py-generators', 'py-generators-greedy']

describe.skipIf(noPython)(
  `Python kernels agree with the Node kernels${noPython ? ` (skipped: ${noPython})` : ''}`,
  () => {
    it('covers the whole catalog', () => {
      expect(Object.keys(SMALL_PARAMS).sort()).toEqual(WORKLOADS.map((w) => w.id).sort())
    })

    for (const workload of WORKLOADS) {
      it(workload.id, async () => {
        const { run } = await runToEnd({
          workload: workload.id,
          params: SMALL_PARAMS[workload.id],
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
