// The pool's plan (a trial's inputs sent once to children that take plans) is a cost of
// starting the pool, not of the trial: the first measured trial must not pay it.
import { describe, expect, it } from 'vitest'
import { planTasks, resolveParams, findWorkload } from '../../src/shared/catalog'
import { epochMicros } from '../../src/shared/clock'
import type { LabToChild } from '../../src/shared/protocol'
import { ChildRegistry, ThreadChild } from '../../src/main/lab/children'
import { WorkerPool } from '../../src/main/lab/executors/pool'
import { builtEntries } from '../helpers'

describe('WorkerPool plans', () => {
  it('sends the plan in prepare(), before the trial, and not again inside it', async () => {
    const registry = new ChildRegistry()
    const children = [new ThreadChild(registry, builtEntries.thread), new ThreadChild(registry, builtEntries.thread)]
    const sent: Array<LabToChild['type']> = []
    for (const child of children) {
      const send = child.send.bind(child)
      child.send = (message: LabToChild) => {
        sent.push(message.type)
        send(message)
      }
    }
    const pool = await WorkerPool.start(children, {
      workload: 'noop',
      mode: 'serial',
      clockOrigin: epochMicros(),
      fixtures: {},
    })
    try {
      const tasks = planTasks('noop', resolveParams(findWorkload('noop')!, { tasks: 200 }))
      await pool.prepare(tasks)
      expect(sent.filter((t) => t === 'plan')).toHaveLength(2)
      sent.length = 0
      const outcome = await pool.runTrial(tasks, { chunkSize: 1, timeoutMs: 30_000 })
      expect(outcome.error).toBeNull()
      expect(outcome.results).toHaveLength(200)
      expect(sent).not.toContain('plan')
      expect(sent).toContain('range')
    } finally {
      await pool.stop(200)
    }
  })
})
