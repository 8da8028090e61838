import { setImmediate as turn } from 'node:timers/promises'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { childToLabSchema, parseChildMessage } from '../../src/shared/protocol'
import type { ChildToLab, ExecutionMode, LabToChild } from '../../src/shared/protocol'
import { startTaskLoop } from '../../src/workers/task-loop'

/** A task loop on a fake port: `deliver` plays the lab's messages, `sent` collects the replies. */
function fakeChild(mode: ExecutionMode) {
  const sent: ChildToLab[] = []
  let listener: (message: LabToChild) => void = () => {}
  startTaskLoop({
    send: (message) => sent.push(message),
    onMessage: (l) => (listener = l),
    usage: () => ({ cpu: 0, maxRss: 0 }),
    exit: () => {},
    pid: 1,
    thread: 1,
  })
  listener({ type: 'init', workload: 'noop', mode, clockOrigin: 0, fixtures: {} })
  return { sent, deliver: (message: LabToChild) => listener(message) }
}

const oneTaskMessages = (count: number): Array<Extract<LabToChild, { type: 'tasks' }>> =>
  Array.from({ length: count }, (_, id) => ({ type: 'tasks', tasks: [{ id, input: { kind: 'noop', index: id } }] }))

afterEach(() => void vi.useRealTimers())

describe('the task loop', () => {
  it.each<ExecutionMode>(['serial', 'concurrent'])(
    'batches the results of tasks that arrive one per message together (%s)',
    async (mode) => {
      const { sent, deliver } = fakeChild(mode)
      // Messages that are already queued when the child looks are delivered back to back.
      for (const message of oneTaskMessages(100)) deliver(message)
      await turn()
      const done = sent.filter((m) => m.type === 'done')
      const ids = done.flatMap((m) => ('ids' in m ? m.ids : m.results.map((r) => r.id)))
      expect(ids.sort((a, b) => a - b)).toEqual([...Array(100).keys()])
      // One reply per task would cost the lab a message per task; 100 tiny tasks fit in one batch.
      expect(done.length).toBeLessThanOrEqual(2)
    },
  )

  it('waits for the chunks the lab says are coming, and reports at once when none are', async () => {
    // The clock stands still: a batch is also flushed once it is FLUSH_US old, and on a loaded
    // machine 50 turns of the event loop took longer than that (2 messages where 1 was expected).
    vi.useFakeTimers({ toFake: ['performance'] })
    const { sent, deliver } = fakeChild('serial')
    // A child faster than the lab runs dry between messages.
    const messages = oneTaskMessages(50)
    for (const [k, message] of messages.entries()) {
      deliver(k < 49 ? { ...message, more: true } : message)
      await turn()
    }
    await turn()
    expect(sent.filter((m) => m.type === 'done')).toHaveLength(1)

    const plain = fakeChild('serial')
    for (const message of oneTaskMessages(5)) {
      plain.deliver(message)
      await turn()
    }
    expect(plain.sent.filter((m) => m.type === 'done')).toHaveLength(5)
  })

  it('reports a batch once it is 2 ms old, even while more is coming', async () => {
    vi.useFakeTimers({ toFake: ['performance'] })
    const { sent, deliver } = fakeChild('serial')
    for (const message of oneTaskMessages(10)) {
      deliver({ ...message, more: true })
      await turn()
      vi.advanceTimersByTime(1) // 1 ms a message: a batch is flushed when it is 2 ms old, every third task
    }
    const done = sent.filter((m) => m.type === 'done')
    expect(done.length).toBeGreaterThanOrEqual(3)
    // In order, each task once: those of the batch still under 2 ms old wait for the next message.
    const ids = done.flatMap((m) => ('ids' in m ? m.ids : []))
    expect(ids).toEqual([...Array(ids.length).keys()])
    expect(ids.length).toBeGreaterThanOrEqual(8)
  })

  it('runs planned tasks named by range, and fails a task outside the plan', async () => {
    const { sent, deliver } = fakeChild('serial')
    expect(sent[0]).toMatchObject({ type: 'ready', plans: true })
    deliver({ type: 'plan', inputs: Array.from({ length: 10 }, (_, index) => ({ kind: 'noop', index: index * 3 })) })
    deliver({ type: 'range', first: 0, count: 4, more: true })
    deliver({ type: 'range', first: 4, count: 6 })
    await turn()
    const done = sent.filter((m) => m.type === 'done')
    expect(done).toHaveLength(1)
    expect(done[0]).toMatchObject({ ids: [...Array(10).keys()], checksums: [...Array(10).keys()].map((i) => i * 3) })

    deliver({ type: 'range', first: 9, count: 2 })
    await turn()
    expect(sent.at(-1)).toEqual({ type: 'failed', id: 10, error: 'task 10 is not in the plan of 10 tasks' })
  })

  it('reports every task once, start ≤ end, in messages the lab accepts', async () => {
    const { sent, deliver } = fakeChild('serial')
    for (const message of oneTaskMessages(300)) deliver(message)
    await turn()
    const done = sent.filter((m) => m.type === 'done')
    expect(done.length).toBeGreaterThan(1) // more than one batch's worth
    const seen: number[] = []
    for (const message of done) {
      expect(parseChildMessage(message)).toBe(message)
      expect(childToLabSchema.safeParse(message).success).toBe(true)
      if (!('ids' in message)) throw new Error('Node children report columns')
      message.ids.forEach((id, k) => {
        seen.push(id)
        expect(message.checksums[k]).toBe(id) // noop's checksum is its index
        expect(message.starts[k]).toBeLessThanOrEqual(message.ends[k]!)
      })
    }
    expect(seen.sort((a, b) => a - b)).toEqual([...Array(300).keys()])
  })
})
