// A pool of children (threads or processes) that runs one trial at a time over the task protocol.
// Serial mode pulls work: each child holds only about TARGET_AHEAD_US of queued work, so the
// pool balances uneven tasks yet keeps children busy between round trips. Concurrent mode (the
// async strategy) hands every task over at once, so they all start on one event loop.
import { serialPrologue } from '../../../shared/amdahl-workload'
import type { TaskInput } from '../../../shared/catalog'
import { epochMicros } from '../../../shared/clock'
import type { ChildToLab, ExecutionMode, Fixtures, LabToChild, PythonInit, TaskResult } from '../../../shared/protocol'
import { oneLine } from '../../../shared/session'
import { describeExit, type Child, type ExitInfo } from '../children'

const TARGET_AHEAD_US = 2000
const MAX_AHEAD_TASKS = 1024

export interface PoolInit {
  workload: string
  mode: ExecutionMode
  clockOrigin: number
  fixtures: Fixtures
  /** For the Python runner: how it runs the tasks inside (its own threads or processes). */
  python?: PythonInit
  /** Node children whose event loop runs the tasks: the heartbeat's interval, ms (see protocol.ts). */
  heartbeatMs?: number
}

export interface WorkerResult extends TaskResult {
  /** Index of the child in the pool that ran the task, or of the thread or process inside it. */
  worker: number
}

export interface TrialOutcome {
  /** µs since the clock origin when the first task was sent. */
  start: number
  wallUs: number
  results: WorkerResult[]
  error: string | null
}

export interface TrialOptions {
  chunkSize: number
  timeoutMs: number
  signal?: AbortSignal
  /** Called with each batch of finished tasks as it arrives. */
  onResults?: (results: WorkerResult[]) => void
}

type Handler = (worker: number, message: ChildToLab) => void

export class WorkerPool {
  private handler: Handler | null = null
  private exitHandler: ((worker: number, info: ExitInfo) => void) | null = null
  /** Where a child's notices go (something to tell the user that is not a failure). */
  onNotice: ((message: string) => void) | null = null
  /** Set once a trial failed midway: the children's state is unknown, so the pool must be replaced. */
  broken = false
  /** Each child's `ready` reply, in child order. */
  ready: Array<Extract<ChildToLab, { type: 'ready' }>> = []
  /** The task inputs every child holds as its plan, when they all take plans. */
  private planned: readonly TaskInput[] | null = null

  private constructor(
    readonly children: Child[],
    readonly init: PoolInit,
  ) {
    children.forEach((child, i) => {
      child.onMessage((message) => {
        if (message.type === 'notice') this.onNotice?.(message.message)
        else this.handler?.(i, message)
      })
      child.onExit((info) => {
        if (!info.expected) this.broken = true
        this.exitHandler?.(i, info)
      })
    })
  }

  /** Sends `init` to every child and resolves once all are ready. */
  static async start(children: Child[], init: PoolInit, timeoutMs = 30_000, signal?: AbortSignal): Promise<WorkerPool> {
    const pool = new WorkerPool(children, init)
    try {
      const replies = await pool.exchange(
        () => children.forEach((c) => c.send({ type: 'init', ...init })),
        (message) => message.type === 'ready',
        timeoutMs,
        signal,
        'start',
      )
      pool.ready = replies.filter((m) => m.type === 'ready')
    } catch (error) {
      await pool.stop(0)
      throw error
    }
    return pool
  }

  /** Total CPU µs the children report for their own processes (zero for threads). */
  async cpuUsage(
    timeoutMs = 5000,
  ): Promise<{ cpu: number; maxRss: number; measured: boolean; heartbeat: number[] | null }> {
    const replies = await this.exchange(
      () => this.children.forEach((c) => c.send({ type: 'usage' })),
      (message) => message.type === 'usage',
      timeoutMs,
      undefined,
      'report usage',
    )
    let cpu = 0
    let maxRss = 0
    let measured = true
    let heartbeat: number[] | null = null
    for (const reply of replies) {
      if (reply.type === 'usage') {
        cpu += reply.cpu
        maxRss += reply.maxRss
        if (reply.measured === false) measured = false
        if (reply.heartbeat) heartbeat = [...(heartbeat ?? []), ...reply.heartbeat]
      }
    }
    return { cpu, maxRss, measured, heartbeat }
  }

  // Sends a request to every child and waits for one matching reply from each.
  private exchange(
    send: () => void,
    matches: (message: ChildToLab) => boolean,
    timeoutMs: number,
    signal: AbortSignal | undefined,
    what: string,
  ): Promise<ChildToLab[]> {
    return new Promise((resolve, reject) => {
      const replies: Array<ChildToLab | undefined> = this.children.map(() => undefined)
      let count = 0
      const finish = (error: Error | null): void => {
        clearTimeout(timer)
        signal?.removeEventListener('abort', onAbort)
        this.handler = null
        this.exitHandler = null
        if (error) reject(new Error(oneLine(error.message)))
        else resolve(replies as ChildToLab[])
      }
      const onAbort = (): void => finish(new Error('stopped'))
      const timer = setTimeout(() => finish(new Error(`workers did not ${what} within ${timeoutMs} ms`)), timeoutMs)
      signal?.addEventListener('abort', onAbort)
      this.handler = (i, message) => {
        if (message.type === 'fatal') return finish(new Error(`worker ${i} failed: ${message.error}`))
        if (!matches(message) || replies[i]) return
        replies[i] = message
        if (++count === this.children.length) finish(null)
      }
      this.exitHandler = (i, info) => finish(new Error(`worker ${i} ${describeExit(info, `before it could ${what}`)}`))
      if (signal?.aborted) return finish(new Error('stopped'))
      send()
    })
  }

  private takesPlans(): boolean {
    return this.ready.length > 0 && this.ready.every((r) => r.plans === true)
  }

  private sendPlan(tasks: readonly TaskInput[]): void {
    this.children.forEach((c) => c.send({ type: 'plan', inputs: tasks as TaskInput[] }))
    this.planned = tasks
  }

  /**
   * Hands children that take plans the trial's inputs, once per pool while they stay the same (as
   * they do for every trial of a run), and waits until every child has read them: copying the
   * inputs is a cost of starting the pool, which no measured trial should pay.
   */
  async prepare(tasks: readonly TaskInput[], timeoutMs = 30_000): Promise<void> {
    if (tasks.length === 0 || !this.takesPlans() || this.planned === tasks) return
    this.sendPlan(tasks)
    // Children read their messages in order, so a reply to `usage` means the plan is in.
    await this.cpuUsage(timeoutMs)
  }

  runTrial(tasks: readonly TaskInput[], options: TrialOptions): Promise<TrialOutcome> {
    const { chunkSize, timeoutMs, signal, onResults } = options
    const n = tasks.length
    const outstanding = this.children.map(() => 0)
    const results: WorkerResult[] = []
    let next = 0
    let busyUs = 0
    // A serial prologue (the amdahl workload's serial part) goes to the first child alone; nothing
    // else is sent until it has finished, so it runs while every other worker waits.
    const prologue = serialPrologue(tasks)
    let gate = prologue > 0 ? prologue : n
    const start = epochMicros() - this.init.clockOrigin

    const aheadLimit = (): number => {
      if (this.init.mode === 'concurrent') return Number.POSITIVE_INFINITY
      const floor = 2 * chunkSize
      if (results.length === 0) return floor
      const meanUs = Math.max(busyUs / results.length, 1)
      return Math.max(floor, Math.min(MAX_AHEAD_TASKS, Math.ceil(TARGET_AHEAD_US / meanUs)))
    }

    const planned = n > 0 && this.takesPlans()
    const chunkMessage = (first: number, size: number, more: boolean): LabToChild => {
      if (planned) return more ? { type: 'range', first, count: size, more } : { type: 'range', first, count: size }
      const chunk = []
      for (let id = first; id < first + size; id++) chunk.push({ id, input: tasks[id]! })
      return more ? { type: 'tasks', tasks: chunk, more } : { type: 'tasks', tasks: chunk }
    }

    const refill = (i: number): void => {
      const limit = aheadLimit()
      while (next < gate && outstanding[i]! < limit) {
        const first = next
        const size = Math.min(chunkSize, gate - next)
        next += size
        outstanding[i]! += size
        // Tell the child when another chunk follows, or a child faster than us replies to each.
        this.children[i]!.send(chunkMessage(first, size, next < gate && outstanding[i]! < limit))
      }
    }

    return new Promise((resolve) => {
      let settled = false
      const finish = (error: string | null): void => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        signal?.removeEventListener('abort', onAbort)
        this.handler = null
        this.exitHandler = null
        if (error) this.broken = true
        const end = epochMicros() - this.init.clockOrigin
        resolve({ start, wallUs: end - start, results, error: error === null ? null : oneLine(error) })
      }
      const onAbort = (): void => finish('stopped')
      const timer = setTimeout(() => finish(`timed out after ${timeoutMs} ms`), timeoutMs)
      signal?.addEventListener('abort', onAbort)

      this.handler = (i, message) => {
        switch (message.type) {
          case 'done': {
            // One object per result, of one shape whichever shape the batch came in.
            const batch: WorkerResult[] = []
            if ('ids' in message) {
              const { ids, starts, ends, checksums } = message
              for (let k = 0; k < ids.length; k++) {
                const id = ids[k]!
                if (id < 0 || id >= n) return finish(`worker ${i} reported an unknown task ${id}`)
                batch.push({ id, checksum: checksums[k]!, start: starts[k]!, end: ends[k]!, cpu: null, worker: i })
              }
            } else {
              for (const r of message.results) {
                if (r.id < 0 || r.id >= n) return finish(`worker ${i} reported an unknown task ${r.id}`)
                const { id, checksum, start, end, cpu } = r
                batch.push({ id, checksum, start, end, cpu, worker: r.worker ?? i })
              }
            }
            for (const result of batch) {
              results.push(result)
              busyUs += result.end - result.start
            }
            outstanding[i]! -= batch.length
            onResults?.(batch)
            if (results.length === n) return finish(null)
            if (gate < n && results.length >= gate) {
              gate = n
              this.children.forEach((_, k) => refill(k))
            } else refill(i)
            return
          }
          case 'failed':
            return finish(`task ${message.id} failed: ${message.error}`)
          case 'fatal':
            return finish(`worker ${i} failed: ${message.error}`)
          default:
            return
        }
      }
      this.exitHandler = (i, info) => finish(`worker ${i} ${describeExit(info, 'during the trial')}`)

      if (signal?.aborted) return finish('stopped')
      if (this.broken) return finish('a worker of this pool has already exited')
      if (n === 0) return finish(null)
      // Normally prepare() sent it already, outside the trial's time; this is the fallback.
      if (planned && this.planned !== tasks) this.sendPlan(tasks)
      if (gate < n) refill(0)
      else this.children.forEach((_, i) => refill(i))
    })
  }

  /** Stops every child: politely, then by force after `timeoutMs`. */
  async stop(timeoutMs = 500): Promise<void> {
    await Promise.all(this.children.map((c) => c.stop(timeoutMs)))
  }
}
