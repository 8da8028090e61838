// The C10k sweep: each server model × each connection count, one load step each. A step starts
// the load generator in its own process (autocannon, bounded in time and requests, with a
// per-request timeout shorter than the step), watches the server's process group in /proc, and
// fails with the reason if the server dies during it. The server is started again for the next
// step after a crash, and every child ends before the sweep returns.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import {
  c10kBody,
  findServerModel,
  parseSweep,
  type C10kStep,
  type C10kSweepResult,
  type LoadResult,
  type ServerUsage,
  type Sweep,
  type SweepInput,
} from '../../../shared/c10k'
import { ChildRegistry } from '../children'
import { SpawnedChild } from '../children/spawned'
import type { PythonInterpreter } from '../python/interpreters'
import { groupUsage } from './procfs'
import { nodeCommand, pythonFor, startServer, type C10kEntries, type RunningServer } from './servers'

/** File descriptors each side keeps for itself beyond its connections (stdio, epoll, pipes, modules). */
export const FD_RESERVE = 256
const USAGE_EVERY_MS = 200
const LOAD_GRACE_MS = 15_000
const STOP_TIMEOUT_MS = 3_000

export interface OpenFileLimit {
  soft: number | null
  hard: number | null
  raised: boolean
}

function readOpenFiles(): { soft: number | null; hard: number | null } {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'))
    const [soft, hard] = (line ?? '').slice('Max open files'.length).trim().split(/\s+/)
    const num = (v: string | undefined): number | null =>
      v === undefined ? null : v === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(v) || null
    return { soft: num(soft), hard: num(hard) }
  } catch {
    return { soft: null, hard: null }
  }
}

/**
 * The open-file limit the lab's children inherit, raised to the hard limit where it may (util-linux
 * prlimit on the lab's own process: Node has no setrlimit), and read back.
 */
export function raiseOpenFileLimit(): OpenFileLimit {
  const before = readOpenFiles()
  if (before.soft !== null && before.hard !== null && before.soft < before.hard) {
    try {
      execFileSync('prlimit', [`--pid=${process.pid}`, `--nofile=${before.hard}:${before.hard}`], { stdio: 'ignore' })
    } catch {
      // No prlimit, or not allowed: the sweep reports the limit it has.
    }
  }
  const after = readOpenFiles()
  return { ...after, raised: after.soft !== null && before.soft !== null && after.soft > before.soft }
}

/** The most connections one side can hold under the open-file limit `soft`. */
export function connectionCap(soft: number | null): number {
  return soft === null ? Number.MAX_SAFE_INTEGER : Math.max(1, soft - FD_RESERVE)
}

export interface LoadStepOptions {
  url: string
  connections: number
  stepSeconds: number
  stepRequests: number
  timeoutMs: number
  payloadBytes: number
  entries: C10kEntries
  registry: ChildRegistry
}

/** A running load step: its child, and its result (rejects with one line when it fails). */
export function startLoad(options: LoadStepOptions): { child: SpawnedChild; result: Promise<LoadResult> } {
  const args = JSON.stringify({
    url: options.url,
    connections: options.connections,
    durationSec: options.stepSeconds,
    maxRequests: options.stepRequests,
    timeoutMs: options.timeoutMs,
    expectBody: c10kBody(options.payloadBytes),
  })
  const child = new SpawnedChild(options.registry, {
    ...nodeCommand(options.entries.load, [args]),
    label: 'the load generator',
  })
  const result = new Promise<LoadResult>((resolve, reject) => {
    let load: LoadResult | null = null
    child.onLine((line) => {
      const message = line as { type?: unknown; load?: LoadResult }
      if (message.type === 'result' && message.load) load = message.load
    })
    const deadline = setTimeout(() => void child.kill(), options.stepSeconds * 1000 + options.timeoutMs + LOAD_GRACE_MS)
    child.onExit((info) => {
      clearTimeout(deadline)
      if (load && info.code === 0) resolve(load)
      else reject(new Error(child.describe(info, 'before it reported')))
    })
  })
  return { child, result }
}

export interface SweepEvents {
  /** A step is about to start (the server is up): for progress lines, and for tests that kill it. */
  onStepStart?(info: { model: string; connections: number; serverPid: number | undefined }): void
  onStep?(step: C10kStep): void
}

export interface SweepOptions extends SweepEvents {
  entries: C10kEntries
  /** The Python interpreter (id or path) for the Python models; default: one that has their frameworks. */
  python?: string
  registry?: ChildRegistry
  /** Ends the sweep early: the current step fails as stopped, the rest are not run. */
  signal?: AbortSignal
}

/** Runs the sweep and returns every step; every child it started has ended when it returns. */
export async function runSweep(input: SweepInput, options: SweepOptions): Promise<C10kSweepResult> {
  const sweep = parseSweep(input)
  const registry = options.registry ?? new ChildRegistry()
  const openFiles = raiseOpenFileLimit()
  const cap = connectionCap(openFiles.soft)
  const notes: string[] = []
  for (const c of sweep.connections) {
    if (c > cap)
      notes.push(
        `${c} connections capped to ${cap} by the open-file limit (ulimit -n ${openFiles.soft}, hard ${openFiles.hard}, less ${FD_RESERVE} kept for each process)`,
      )
  }
  const specs = sweep.models.map((id) => findServerModel(id)!)
  const interpreters = await pythonFor(specs, options.python)
  const steps: C10kStep[] = []
  try {
    for (const spec of specs) {
      const python = interpreters.get(spec.id)
      let server: RunningServer | null = null
      try {
        for (const asked of sweep.connections) {
          const connections = Math.min(asked, cap)
          const step = await runStep({ sweep, spec: spec.id, asked, connections, python, options, registry, server })
          server = step.server
          steps.push(step.step)
          options.onStep?.(step.step)
          if (options.signal?.aborted) break
        }
      } finally {
        await server?.child.stop(STOP_TIMEOUT_MS)
      }
      if (options.signal?.aborted) break
    }
  } finally {
    await registry.stopAll(STOP_TIMEOUT_MS)
  }
  return { sweep, openFiles, notes, steps }
}

async function runStep(args: {
  sweep: Sweep
  spec: C10kStep['model']
  asked: number
  connections: number
  python: PythonInterpreter | string | undefined
  options: SweepOptions
  registry: ChildRegistry
  server: RunningServer | null
}): Promise<{ step: C10kStep; server: RunningServer | null }> {
  const { sweep, options, registry } = args
  const base = { model: args.spec, connectionsAsked: args.asked, connections: args.connections }
  const failed = (error: string, server: RunningServer | null, runtime?: string) => ({
    step: { ...base, runtime: runtime ?? null, load: null, server: null, error },
    server,
  })
  if (typeof args.python === 'string') return failed(args.python, null)
  let server = args.server
  if (!server || server.child.exited) {
    try {
      server = await startServer({
        model: args.spec,
        handler: sweep.handler,
        entries: options.entries,
        registry,
        ...(args.python ? { python: args.python } : {}),
      })
    } catch (error) {
      return failed(error instanceof Error ? error.message : String(error), null)
    }
  }
  const pgid = server.child.pid!
  options.onStepStart?.({ model: args.spec, connections: args.connections, serverPid: pgid })
  const before = groupUsage(pgid)
  const usage: ServerUsage = { cpuMs: 0, maxRssBytes: 0, maxThreads: 0, processes: 0 }
  const watch = (): void => {
    const now = groupUsage(pgid)
    if (!now || now.processes === 0) return
    usage.maxRssBytes = Math.max(usage.maxRssBytes, now.rssBytes)
    usage.maxThreads = Math.max(usage.maxThreads, now.threads)
    usage.processes = Math.max(usage.processes, now.processes)
    if (before) usage.cpuMs = Math.max(usage.cpuMs, now.cpuMs - before.cpuMs)
  }
  watch()
  const timer = setInterval(watch, USAGE_EVERY_MS)
  const load = startLoad({
    url: server.url,
    connections: args.connections,
    stepSeconds: sweep.stepSeconds,
    stepRequests: sweep.stepRequests,
    timeoutMs: sweep.timeoutMs,
    payloadBytes: sweep.handler.payloadBytes,
    entries: options.entries,
    registry,
  })
  const running = server
  const serverDied = new Promise<string>((resolve) =>
    running.child.onExit((info) => resolve(running.child.describe(info, 'during the step'))),
  )
  const aborted = new Promise<string>((resolve) => {
    if (options.signal?.aborted) resolve('the sweep was stopped')
    options.signal?.addEventListener('abort', () => resolve('the sweep was stopped'), { once: true })
  })
  try {
    const outcome = await Promise.race([
      load.result.then((result) => ({ result })),
      serverDied.then((error) => ({ error })),
      aborted.then((error) => ({ error })),
    ]).catch((error: unknown) => ({ error: error instanceof Error ? error.message : String(error) }))
    watch()
    if ('error' in outcome) {
      await load.child.stop(STOP_TIMEOUT_MS)
      void load.result.catch(() => undefined)
      return failed(outcome.error, server, server.runtime)
    }
    return { step: { ...base, runtime: server.runtime, load: outcome.result, server: usage, error: null }, server }
  } finally {
    clearInterval(timer)
  }
}
