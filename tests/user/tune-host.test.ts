// Run ▸ Find Best Worker Count… on the host (LabHost.startTune): one at a time and never beside a
// run; progress events say what it tries; its points are not saved, its final run is; Stop keeps
// what it learnt; every child it started has ended.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { LabEvent } from '../../src/shared/api'
import { LabHost } from '../../src/main/lab/host'
import { NodeProcessLauncher } from '../../src/main/lab/launcher'
import { builtEntries, SMALL_PARAMS } from '../helpers'

const config = {
  workload: 'sleep',
  params: SMALL_PARAMS.sleep,
  strategies: ['sequential', 'threads'],
  workers: [1],
  repetitions: 2,
  warmups: 0,
}

function hostWithLibrary(): LabHost {
  return new LabHost({
    entries: builtEntries,
    launcher: new NodeProcessLauncher(),
    sessionsDir: mkdtempSync(join(tmpdir(), 'lab-tune-')),
  })
}

const ended = (events: LabEvent[]) =>
  new Promise<Extract<LabEvent, { type: 'tune-end' }>>((resolve) => {
    const check = setInterval(() => {
      const end = events.find((e) => e.type === 'tune-end')
      if (end) {
        clearInterval(check)
        resolve(end as Extract<LabEvent, { type: 'tune-end' }>)
      }
    }, 20)
  })

describe('LabHost.startTune', () => {
  it('searches each strategy, saves only the final run, and reports the winner', async () => {
    const host = hostWithLibrary()
    const events: LabEvent[] = []
    host.onEvent((e) => events.push(e))
    try {
      await host.startTune(config, { maxWorkers: 4, budgetS: 60 })
      await expect(host.startRun(config)).rejects.toThrow('a search for the best worker count is in progress')
      await expect(host.startTune(config, { maxWorkers: 4, budgetS: 60 })).rejects.toThrow('in progress')
      const end = await ended(events)
      expect(end.error).toBeUndefined()
      const summary = end.summary!
      expect(summary.strategies.map((s) => s.strategy)).toEqual(['sequential', 'threads'])
      const threads = summary.strategies[1]!.result
      // Six 5 ms sleeps: threads take fewer rounds with more workers; the best is above 1.
      expect(threads.best!.workers).toBeGreaterThan(1)
      expect(threads.points.map((p) => p.order)).toEqual(threads.points.map((_, i) => i))
      expect(summary.winner).toBe('threads')
      expect(summary.why.length).toBeGreaterThan(0)
      const progress = events.filter((e) => e.type === 'tune-progress')
      expect(progress[0]).toMatchObject({ progress: { strategy: 'sequential', workers: 1 } })
      expect(progress.at(-1)).toMatchObject({ progress: { workers: null, finalRunId: summary.finalRunId } })
      // Only the final run was reported as a run and saved into the session.
      const started = events.filter((e) => e.type === 'run-start').map((e) => e.runId)
      expect(started).toEqual([summary.finalRunId])
      const session = await host.currentSession()
      expect(session!.runs.map((r) => r.id)).toEqual([summary.finalRunId])
      expect(session!.runs[0]!.config.workers).toContain(threads.best!.workers)
    } finally {
      await host.shutdown()
    }
    expect(host.registry.size).toBe(0)
  }, 120_000)

  it('Stop keeps the points measured and still runs the best count found', async () => {
    const host = hostWithLibrary()
    const events: LabEvent[] = []
    host.onEvent((e) => {
      events.push(e)
      // Stop as soon as the threads search has measured one point.
      if (e.type === 'tune-progress' && e.progress.strategy === 'threads' && e.progress.workers === 2)
        void host.stopTune()
    })
    try {
      await host.startTune(config, { maxWorkers: 4, budgetS: 60 })
      const { summary } = await ended(events)
      expect(summary!.stopped).toBe(true)
      const threads = summary!.strategies.find((s) => s.strategy === 'threads')!.result
      expect(threads.ended).toBe('stopped')
      expect(threads.points.map((p) => p.workers)).toEqual([1])
      expect(summary!.finalRunId).not.toBeNull()
    } finally {
      await host.shutdown()
    }
    expect(host.registry.size).toBe(0)
  }, 120_000)

  it('refuses a search while a run is in progress, and max workers over 4 × the cores without the confirmation', async () => {
    const host = hostWithLibrary()
    try {
      await expect(host.startTune(config, { maxWorkers: 256, budgetS: 60 })).rejects.toThrow('allow')
      const runId = await host.startRun({ ...config, params: { tasks: 6, duration: 200 } })
      await expect(host.startTune(config, { maxWorkers: 4, budgetS: 60 })).rejects.toThrow('a run is in progress')
      await host.stopRun(runId)
    } finally {
      await host.shutdown()
    }
  }, 60_000)
})
