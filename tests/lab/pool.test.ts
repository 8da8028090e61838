// The pool's plan (a trial's inputs sent once to children that take plans) is a cost of
// starting the pool, not of the trial: the first measured trial must not pay it.
import { readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { planTasks, resolveParams, findWorkload } from '../../src/shared/catalog'
import { epochMicros } from '../../src/shared/clock'
import type { LabToChild } from '../../src/shared/protocol'
import { Child, ChildRegistry, ThreadChild } from '../../src/main/lab/children'
import { WorkerPool } from '../../src/main/lab/executors/pool'
import { PythonChild, defaultPythonRunner } from '../../src/main/lab/children/python'
import { noPython } from '../python/helpers'
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

/** A Python runner that hosts `workers` workers: answers init, and holds every task until released. */
class HeldRunner extends Child {
  readonly kind = 'process' as const
  readonly pid = 1
  readonly held: number[] = []
  constructor(registry: ChildRegistry) {
    super(registry)
  }
  protected post(message: LabToChild): void {
    if (message.type === 'init') queueMicrotask(() => this.received({ type: 'ready', pid: 1, thread: 0 }))
    if (message.type === 'tasks') this.held.push(...message.tasks.map((t) => t.id))
    if (message.type === 'stop') queueMicrotask(() => this.exitedWith(0))
  }
  protected forceKill(): void {
    this.exitedWith(null, 'SIGKILL')
  }
  finish(ids: number[]): void {
    const t = epochMicros()
    this.received({ type: 'done', results: ids.map((id) => ({ id, checksum: 0, start: t, end: t, cpu: null })) })
  }
}

describe('WorkerPool with one child that runs W workers (the Python runner)', () => {
  it('keeps every worker of the child fed: at least two tasks each are sent ahead, not two in all', async () => {
    const registry = new ChildRegistry()
    const runner = new HeldRunner(registry)
    const pool = await WorkerPool.start([runner], {
      workload: 'noop',
      mode: 'serial',
      clockOrigin: epochMicros(),
      fixtures: {},
      python: { mode: 'processes', workers: 4, switchIntervalMs: null },
    })
    try {
      const tasks = planTasks('noop', resolveParams(findWorkload('noop')!, { tasks: 40 }))
      const trial = pool.runTrial(tasks, { chunkSize: 1, timeoutMs: 30_000 })
      await new Promise((r) => setTimeout(r, 20))
      // Four workers inside one child: with only two tasks there, two of them would wait on a round trip.
      expect(runner.held.length).toBeGreaterThanOrEqual(8)
      while (runner.held.length > 0) {
        runner.finish(runner.held.splice(0))
        await new Promise((r) => setTimeout(r, 1))
      }
      const outcome = await trial
      expect(outcome.error).toBeNull()
      expect(outcome.results).toHaveLength(40)
    } finally {
      await pool.stop(200)
    }
  })
})

describe.skipIf(noPython)(`the Python runner's threads${noPython ? ` (skipped: ${noPython})` : ''}`, () => {
  it('are all started with the pool, so the first trial does not pay for creating them', async () => {
    const registry = new ChildRegistry()
    const runner = new PythonChild(registry, {
      executable: 'python3',
      runner: defaultPythonRunner(),
      env: { CONCURRENCY_LAB_PYTHON_MODE: 'threads' },
    })
    const pool = await WorkerPool.start([runner], {
      workload: 'sleep',
      mode: 'serial',
      clockOrigin: epochMicros(),
      fixtures: {},
      python: { mode: 'threads', workers: 24, switchIntervalMs: null },
    })
    try {
      const threads = readdirSync(`/proc/${runner.pid}/task`).length
      // 24 pool threads beside the runner's own (main, reader, writer…).
      expect(threads).toBeGreaterThanOrEqual(25)
    } finally {
      await pool.stop(500)
    }
  })
})
