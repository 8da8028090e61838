// The C10k lab through LabHost, as a page reaches it: a sweep's progress events (which model,
// which connection count, steps done of the total), its state for a page that reconnects, one
// sweep at a time and never beside a run (one-line refusals), and Stop ending every server and
// load process (checked in /proc).
import { afterEach, describe, expect, it } from 'vitest'
import type { LabEvent } from '../../src/shared/api'
import { LabHost } from '../../src/main/lab/host'
import { NodeProcessLauncher } from '../../src/main/lab/launcher'
import { builtEntries } from '../helpers'
import { markChildren, markedProcesses } from '../python/helpers'
import { c10kEntries, expectWellFormed } from './c10k-helpers'

const hosts: LabHost[] = []
function c10kHost(withEntries = true): { host: LabHost; events: LabEvent[] } {
  const host = new LabHost({
    entries: builtEntries,
    launcher: new NodeProcessLauncher(),
    ...(withEntries ? { c10k: c10kEntries } : {}),
  })
  hosts.push(host)
  const events: LabEvent[] = []
  host.onEvent((e) => events.push(e))
  return { host, events }
}

afterEach(async () => {
  for (const host of hosts.splice(0)) await host.shutdown()
  delete process.env.CONCURRENCY_LAB_TEST_MARK
})

const SMALL = {
  models: ['node-http'],
  connections: [2, 6],
  stepSeconds: 2,
  timeoutMs: 1000,
  handler: { delayMs: 5 },
}

describe('the C10k lab through LabHost', () => {
  it('runs a sweep with progress events and a final state, leaving nothing behind', async () => {
    const mark = markChildren()
    const { host, events } = c10kHost()
    const id = await host.startC10k(SMALL)
    const state = await host.waitForC10k()
    expect(state?.id).toBe(id)
    expect(state?.status).toBe('finished')
    expect(state?.steps.map((s) => s.connections)).toEqual([2, 6])
    for (const step of state!.steps) expectWellFormed(step)
    const kinds = events.filter((e) => e.runId === id).map((e) => e.type)
    expect(kinds).toEqual(['c10k-start', 'c10k-progress', 'c10k-step', 'c10k-progress', 'c10k-step', 'c10k-end'])
    const progress = events.filter((e) => e.type === 'c10k-progress')
    expect(progress.map((e) => [e.model, e.connections, e.done, e.total])).toEqual([
      ['node-http', 2, 0, 2],
      ['node-http', 6, 1, 2],
    ])
    const end = events.find((e) => e.type === 'c10k-end')
    expect(end?.type === 'c10k-end' && end.state.result?.steps.length).toBe(2)
    expect((await host.c10kState())?.status).toBe('finished')
    expect(markedProcesses(mark)).toEqual([])
  }, 60_000)

  it('refuses a second sweep and a run while a sweep is in progress, and a sweep during a run, in one line each', async () => {
    const { host } = c10kHost()
    const id = await host.startC10k({ ...SMALL, stepSeconds: 5 })
    await expect(host.startC10k(SMALL)).rejects.toThrow(/^a C10k sweep is in progress: stop it first$/)
    await expect(
      host.startRun({ workload: 'primes', params: { size: 2000, tasks: 2 }, strategies: ['sequential'], workers: [1] }),
    ).rejects.toThrow(/^a C10k sweep is in progress: stop it first$/)
    await host.stopC10k(id)
    const runId = await host.startRun({
      workload: 'sleep',
      params: { tasks: 4, duration: 500 },
      strategies: ['sequential'],
      workers: [1],
    })
    await expect(host.startC10k(SMALL)).rejects.toThrow(/^a run is in progress: stop it first$/)
    await host.stopRun(runId)
  }, 60_000)

  it('Stop ends the step under way and every server and load process', async () => {
    const mark = markChildren()
    const { host, events } = c10kHost()
    const id = await host.startC10k({ ...SMALL, models: ['node-http', 'node-cluster'], stepSeconds: 30 })
    await new Promise<void>((resolve) => {
      const off = host.onEvent((e) => {
        if (e.type === 'c10k-progress') {
          off()
          resolve()
        }
      })
    })
    await new Promise((r) => setTimeout(r, 500))
    expect(markedProcesses(mark).length).toBeGreaterThan(0)
    await host.stopC10k(id)
    const state = await host.c10kState()
    expect(state?.status).toBe('stopped')
    expect(state?.steps).toHaveLength(1)
    expect(state?.steps[0]?.error).toBe('the sweep was stopped')
    expect(events.some((e) => e.type === 'c10k-end')).toBe(true)
    expect(markedProcesses(mark)).toEqual([])
  }, 60_000)

  it('refuses bad settings naming the field and its limits, and a host without the entries says why', async () => {
    const { host } = c10kHost()
    await expect(host.startC10k({ ...SMALL, connections: [0] })).rejects.toThrow(/connections.*1 to 20,000/)
    await expect(host.startC10k({ ...SMALL, models: ['nginx'] })).rejects.toThrow(/one of node-http/)
    const bare = c10kHost(false).host
    await expect(bare.startC10k(SMALL)).rejects.toThrow(/^the C10k lab is not available in this build/)
    expect(await bare.c10kState()).toBeNull()
  })
})
