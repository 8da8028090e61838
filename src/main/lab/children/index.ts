// One small object per child (worker thread or process) with a lifecycle: typed messages, crash
// detection, and stop(timeout) that asks politely and then kills. Nothing else ends a child, and
// every live child is tracked in a registry, so "no orphans" is a property of this file.
import { Worker } from 'node:worker_threads'
import { parseChildMessage, type ChildToLab, type LabToChild } from '../../../shared/protocol'
import type { LaunchedProcess, ProcessLauncher } from '../launcher'
import { startFailure } from '../limits'

export type ChildKind = 'thread' | 'process'

export interface ExitInfo {
  code: number | null
  /** The signal that ended it, where there are signals. */
  signal: string | null
  /** Why it never started (a spawn that failed), in one line. */
  failure?: string
  /** True when the lab asked for the exit (stop or kill). */
  expected: boolean
}

/** How a child ended, in words: "exited with code 3 <when>", "was killed by SIGKILL <when>", "could not start: …". */
export function describeExit(info: ExitInfo, when: string): string {
  if (info.failure) return `could not start: ${info.failure}`
  if (info.signal) return `was killed by ${info.signal} ${when}`
  return `exited with code ${info.code} ${when}`
}

export abstract class Child {
  abstract readonly kind: ChildKind
  private messageListeners: Array<(message: ChildToLab) => void> = []
  private exitListeners: Array<(info: ExitInfo) => void> = []
  private exitInfo: ExitInfo | null = null
  private stopRequested = false
  private readonly exitPromise: Promise<ExitInfo>
  private resolveExit!: (info: ExitInfo) => void

  protected constructor(private readonly registry: ChildRegistry) {
    this.exitPromise = new Promise((resolve) => (this.resolveExit = resolve))
    registry.add(this)
  }

  abstract readonly pid: number | undefined
  protected abstract post(message: LabToChild): void
  protected abstract forceKill(): void

  get exited(): boolean {
    return this.exitInfo !== null
  }

  send(message: LabToChild): void {
    if (!this.exited) this.post(message)
  }

  onMessage(listener: (message: ChildToLab) => void): () => void {
    this.messageListeners.push(listener)
    return () => (this.messageListeners = this.messageListeners.filter((l) => l !== listener))
  }

  onExit(listener: (info: ExitInfo) => void): () => void {
    if (this.exitInfo) listener(this.exitInfo)
    else this.exitListeners.push(listener)
    return () => (this.exitListeners = this.exitListeners.filter((l) => l !== listener))
  }

  /** Asks the child to stop; kills it if it has not exited after `timeoutMs`. */
  async stop(timeoutMs = 500): Promise<ExitInfo> {
    if (this.exitInfo) return this.exitInfo
    this.stopRequested = true
    this.post({ type: 'stop' })
    const timer = setTimeout(() => this.kill(), timeoutMs)
    const info = await this.exitPromise
    clearTimeout(timer)
    return info
  }

  /** Ends the child now. */
  kill(): Promise<ExitInfo> {
    if (!this.exitInfo) {
      this.stopRequested = true
      this.forceKill()
    }
    return this.exitPromise
  }

  protected received(raw: unknown): void {
    const message: ChildToLab = parseChildMessage(raw) ?? {
      type: 'fatal',
      error: `sent a message the lab does not understand: ${JSON.stringify(raw)?.slice(0, 200)}`,
    }
    for (const listener of this.messageListeners) listener(message)
  }

  protected exitedWith(code: number | null, signal: string | null = null, failure?: string): void {
    if (this.exitInfo) return
    this.exitInfo = { code, signal, ...(failure ? { failure } : {}), expected: this.stopRequested }
    this.registry.remove(this)
    this.resolveExit(this.exitInfo)
    for (const listener of this.exitListeners) listener(this.exitInfo)
    this.exitListeners = []
    this.messageListeners = []
  }
}

export class ThreadChild extends Child {
  readonly kind = 'thread'
  private readonly worker: Worker | null = null

  constructor(registry: ChildRegistry, entry: string) {
    super(registry)
    try {
      this.worker = new Worker(entry)
    } catch (error) {
      // Registered already: it must still exit, or the registry would hold it for ever.
      queueMicrotask(() => this.exitedWith(null, null, startFailure(error)))
      return
    }
    this.worker.on('message', (message) => this.received(message))
    // A thread that could not start (no file descriptors left…) says so; any other error is the worker's own.
    this.worker.on('error', (error: NodeJS.ErrnoException) =>
      this.received({
        type: 'fatal',
        error: error.code === 'ERR_WORKER_INIT_FAILED' ? startFailure(error) : error.message,
      }),
    )
    this.worker.on('exit', (code) => this.exitedWith(code))
  }

  get pid(): number {
    return process.pid
  }

  get threadId(): number {
    return this.worker?.threadId ?? -1
  }

  protected post(message: LabToChild): void {
    this.worker?.postMessage(message)
  }

  protected forceKill(): void {
    void this.worker?.terminate()
  }
}

export class ProcessChild extends Child {
  readonly kind = 'process'
  private readonly proc: LaunchedProcess

  constructor(registry: ChildRegistry, launcher: ProcessLauncher, entry: string) {
    super(registry)
    this.proc = launcher.fork(entry)
    this.proc.onMessage((message) => this.received(message))
    this.proc.onExit((code, signal, failure) => this.exitedWith(code, signal ?? null, failure))
  }

  get pid(): number | undefined {
    return this.proc.pid
  }

  protected post(message: LabToChild): void {
    this.proc.postMessage(message)
  }

  protected forceKill(): void {
    this.proc.kill()
  }
}

/** Every live child of the lab; the host ends them all on shutdown. */
export class ChildRegistry {
  private readonly live = new Set<Child>()

  add(child: Child): void {
    this.live.add(child)
  }

  remove(child: Child): void {
    this.live.delete(child)
  }

  get size(): number {
    return this.live.size
  }

  /** Process ids of live child processes (threads share the lab's own pid). */
  processIds(): number[] {
    return [...this.live].filter((c) => c.kind !== 'thread' && c.pid !== undefined).map((c) => c.pid!)
  }

  async stopAll(timeoutMs = 500): Promise<void> {
    await Promise.all([...this.live].map((child) => child.stop(timeoutMs)))
  }
}
