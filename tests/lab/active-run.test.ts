// LabHost.activeRun: what a page that joins a run mid-way is sent — the run so far, how far it
// is and the trial running now — and null once no run is in progress.
import { describe, expect, it } from 'vitest'
import type { LabEvent } from '../../src/shared/api'
import { makeHost } from '../helpers'

describe('activeRun', () => {
  it('answers the run in progress with its trials, samples and progress, and null after it', async () => {
    const host = makeHost()
    try {
      expect(await host.activeRun()).toBeNull()
      const firstTrialEnded = new Promise<void>((resolve) =>
        host.onEvent((e: LabEvent) => e.type === 'progress' && e.done === 1 && resolve()),
      )
      const id = await host.startRun({
        workload: 'sleep',
        params: { tasks: 3, duration: 150 },
        strategies: ['sequential'],
        workers: [1],
        repetitions: 3,
        warmups: 0,
        samplerHz: 20,
      })
      await firstTrialEnded
      const active = await host.activeRun()
      expect(active?.run.id).toBe(id)
      expect(active?.run.status).toBe('running')
      expect(active?.run.trials.length).toBeGreaterThanOrEqual(1)
      expect(active?.run.samples.length).toBeGreaterThan(0)
      expect(active?.progress).toMatchObject({ total: 3, strategy: 'sequential', workers: 1 })
      expect(active?.progress?.done).toBeGreaterThanOrEqual(1)
      // The running trial's tasks so far, all of that trial: a joining page draws them.
      for (const slice of active?.slices ?? []) expect(slice.start).toBeGreaterThanOrEqual(active!.current!.start)
      await host.stopRun(id)
      await host.waitForRun(id)
      expect(await host.activeRun()).toBeNull()
    } finally {
      await host.shutdown()
    }
  })
})
