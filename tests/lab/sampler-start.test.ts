// The live CPU chart starts with the run: the sampler starts before anything slow the run does
// first (choosing and probing its Python, which took 0.27 s here on a first run), so the chart's
// first point is one sampling period after the run's start, not after the probe.
import { describe, expect, it, vi } from 'vitest'

const order: string[] = []
vi.mock('../../src/main/lab/python/interpreters', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/main/lab/python/interpreters')>()
  return {
    ...original,
    chooseInterpreter: (...args: Parameters<typeof original.chooseInterpreter>) => {
      order.push('python chosen')
      return original.chooseInterpreter(...args)
    },
  }
})

const { Sampler } = await import('../../src/main/lab/sampler')
const { runToEnd } = await import('../helpers')
const { noPython } = await import('../python/helpers')
if (noPython) console.log(`skip: ${noPython}`)

describe('the run’s CPU samples', () => {
  it.skipIf(noPython)(
    'start before the run chooses its Python interpreter, and the page hears of them after run-start',
    async () => {
      const start = Sampler.prototype.start
      const spy = vi.spyOn(Sampler.prototype, 'start').mockImplementation(function (
        this: InstanceType<typeof Sampler>,
      ) {
        order.push('sampler started')
        start.call(this)
      })
      try {
        const { run, events } = await runToEnd({
          workload: 'noop',
          params: { tasks: 4 },
          strategies: ['py-sequential'],
          workers: [1],
          repetitions: 1,
          warmups: 0,
        })
        expect(order.indexOf('sampler started')).toBeGreaterThanOrEqual(0)
        expect(order.indexOf('sampler started')).toBeLessThan(order.indexOf('python chosen'))
        // Events still open with run-start, and every sample taken reaches the page.
        expect(events[0]!.type).toBe('run-start')
        const sent = events.flatMap((e) => (e.type === 'sample' ? e.samples : []))
        expect(sent.map((s) => s.t)).toEqual(run.samples.map((s) => s.t))
      } finally {
        spy.mockRestore()
      }
    },
  )
})
