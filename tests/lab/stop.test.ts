import { describe, expect, it } from 'vitest'
import { descendantsOf, eventually, makeHost } from '../helpers'

describe('stopping a run', () => {
  for (const strategy of ['processes', 'threads'] as const) {
    it(`ends every ${strategy === 'processes' ? 'worker process' : 'worker thread'} and leaves no child behind`, async () => {
      const host = makeHost()
      const before = descendantsOf()
      // Subscribe first: the first trial starts before startRun's promise settles.
      let trialStarted = false
      host.onEvent((e) => {
        if (e.type === 'trial-start') trialStarted = true
      })
      const id = await host.startRun({
        workload: 'countdown',
        // Far more work than the test waits for: only stop can end it.
        params: { size: 10_000_000_000, tasks: 3 },
        strategies: [strategy],
        workers: [3],
        repetitions: 5,
        warmups: 0,
      })
      await eventually(() => trialStarted && host.registry.size === 3, 'the pool to start')
      if (strategy === 'processes') expect(descendantsOf().length).toBeGreaterThanOrEqual(before.length + 3)
      await host.stopRun(id)
      const run = await host.getRun(id)
      expect(run.status).toBe('stopped')
      expect(host.registry.size).toBe(0)
      expect(descendantsOf()).toEqual(before)
      // The interrupted trial is kept and marked.
      expect(run.trials.at(-1)?.error).toBe('stopped by the user')
      await host.shutdown()
    })
  }

  it('shutdown stops a run in progress too', async () => {
    const host = makeHost()
    const before = descendantsOf()
    const id = await host.startRun({
      workload: 'sleep',
      params: { tasks: 100, duration: 10_000 },
      strategies: ['processes'],
      workers: [2],
      repetitions: 1,
      warmups: 0,
    })
    await eventually(() => host.registry.size === 2, 'the pool to start')
    await host.shutdown()
    expect((await host.getRun(id)).status).toBe('stopped')
    expect(descendantsOf()).toEqual(before)
  })
})
