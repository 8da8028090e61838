// The child side of the task protocol, shared by worker threads and processes.
// Serial mode runs its queue one task at a time; concurrent mode starts each task on arrival.
// Results are batched into one `done` message while tasks are short, flushed at the latest
// every FLUSH_US or once the queue runs dry, so the lab sees progress promptly. "Dry" is judged
// after the messages already waiting have been read (setImmediate), and not while the lab says
// it is sending `more`: tasks sent one per message arrive one by one, and one reply per task
// would cost the lab as much as the tasks themselves.
import type { TaskInput } from '../shared/catalog'
import { epochMicros } from '../shared/clock'
import { startHeartbeat, type HeartbeatTimer } from '../shared/heartbeat-timer'
import type { ChildToLab, DoneColumns, ExecutionMode, Fixtures, LabToChild } from '../shared/protocol'
import { runKernel } from './kernels'
import { loadUserModule } from './user-code'

const FLUSH_US = 2000
const MAX_BATCH = 256

export interface ChildPort {
  send(message: ChildToLab): void
  onMessage(listener: (message: LabToChild) => void): void
  /** CPU µs and peak RSS bytes of this child's own process, or zeros where the host counts them. */
  usage(): { cpu: number; maxRss: number }
  exit(): void
  pid: number
  thread: number
}

const emptyBatch = (): DoneColumns => ({ type: 'done', ids: [], starts: [], ends: [], checksums: [] })

export function startTaskLoop(port: ChildPort): void {
  let workload = ''
  let mode: ExecutionMode = 'serial'
  let origin = 0
  let fixtures: Fixtures = {}
  let plan: readonly TaskInput[] = []
  const queue: Array<{ id: number; input: TaskInput }> = []
  // Finished tasks not yet reported, as the columns of one `done` message.
  let pending = emptyBatch()
  let pendingSince = 0
  let draining = false
  let stopping = false
  let heartbeat: HeartbeatTimer | null = null

  let flushScheduled = false
  let moreComing = false

  const flush = (): void => {
    if (pending.ids.length === 0) return
    port.send(pending)
    pending = emptyBatch()
  }

  const flushWhenIdle = (): void => {
    if (flushScheduled || moreComing || pending.ids.length === 0) return
    flushScheduled = true
    setImmediate(() => {
      flushScheduled = false
      flush()
    })
  }

  const finish = (id: number, start: number, checksum: number): void => {
    const end = epochMicros() - origin
    // A batch's age counts from its first task's start, so one slow task is reported at once.
    if (pending.ids.length === 0) pendingSince = start
    pending.ids.push(id)
    pending.starts.push(start)
    pending.ends.push(end)
    pending.checksums.push(checksum >>> 0)
    if (pending.ids.length >= MAX_BATCH || end - pendingSince >= FLUSH_US) flush()
  }

  const fail = (id: number, error: unknown): void => {
    flush()
    port.send({ type: 'failed', id, error: error instanceof Error ? error.message : String(error) })
  }

  const runOne = (task: { id: number; input: TaskInput }): void | Promise<void> => {
    const start = epochMicros() - origin
    let result: number | Promise<number>
    try {
      result = runKernel(workload, task.input, fixtures)
    } catch (error) {
      fail(task.id, error)
      return
    }
    if (typeof result === 'number') {
      finish(task.id, start, result)
      return
    }
    return result.then(
      (checksum) => finish(task.id, start, checksum),
      (error: unknown) => fail(task.id, error),
    )
  }

  // Serial: one task at a time; synchronous kernels run back to back without yielding.
  const drain = async (): Promise<void> => {
    if (draining) return
    draining = true
    while (queue.length > 0 && !stopping) {
      const outcome = runOne(queue.shift()!)
      if (outcome) await outcome
    }
    draining = false
    flushWhenIdle()
  }

  let concurrentInFlight = 0
  const startConcurrent = (task: { id: number; input: TaskInput }): void => {
    concurrentInFlight++
    const settle = (): void => {
      concurrentInFlight--
      if (concurrentInFlight === 0) flushWhenIdle()
    }
    const outcome = runOne(task)
    if (outcome) void outcome.then(settle)
    else settle()
  }

  const accept = (tasks: Array<{ id: number; input: TaskInput }>): void => {
    if (mode === 'concurrent') {
      for (const task of tasks) startConcurrent(task)
    } else {
      for (const task of tasks) queue.push(task)
      void drain()
    }
  }

  port.onMessage((message) => {
    switch (message.type) {
      case 'init':
        workload = message.workload
        mode = message.mode
        origin = message.clockOrigin
        fixtures = message.fixtures
        // On this loop, the one that runs the tasks: a synchronous kernel holds each tick back.
        if (message.heartbeatMs && !heartbeat) heartbeat = startHeartbeat(message.heartbeatMs)
        if (!fixtures.user) {
          port.send({ type: 'ready', pid: port.pid, thread: port.thread, plans: true })
          break
        }
        // The user's module (workload user) loads before ready, so one that cannot fails the trial at once.
        loadUserModule(fixtures).then(
          () => port.send({ type: 'ready', pid: port.pid, thread: port.thread, plans: true }),
          (error: unknown) =>
            port.send({ type: 'fatal', error: error instanceof Error ? error.message : String(error) }),
        )
        break
      case 'plan':
        plan = message.inputs as TaskInput[]
        break
      case 'tasks':
        moreComing = message.more === true
        accept(message.tasks)
        break
      case 'range': {
        moreComing = message.more === true
        const chunk: Array<{ id: number; input: TaskInput }> = []
        for (let id = message.first; id < message.first + message.count; id++) {
          const input = plan[id]
          if (input === undefined) return fail(id, `task ${id} is not in the plan of ${plan.length} tasks`)
          chunk.push({ id, input })
        }
        accept(chunk)
        break
      }
      case 'usage':
        port.send({ type: 'usage', ...port.usage(), ...(heartbeat ? { heartbeat: heartbeat.take() } : {}) })
        break
      case 'stop':
        stopping = true
        heartbeat?.stop()
        flush()
        port.exit()
        break
    }
  })
}
