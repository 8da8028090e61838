// Shared helpers for engine tests: a LabHost on the built worker entries, and /proc look-ups
// to prove that no child process outlives what started it.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { LabEvent } from '../src/shared/api'
import type { Run, RunConfigInput } from '../src/shared/schemas'
import { LabHost } from '../src/main/lab/host'
import { NodeProcessLauncher } from '../src/main/lab/launcher'
import type { WorkerEntries } from '../src/main/lab/runner'

export const root = join(import.meta.dirname, '..')

export const builtEntries: WorkerEntries = {
  thread: join(root, 'out/main/thread-entry.js'),
  process: join(root, 'out/main/process-entry.js'),
}

export function makeHost(entries: Partial<WorkerEntries> = {}): LabHost {
  return new LabHost({ entries: { ...builtEntries, ...entries }, launcher: new NodeProcessLauncher() })
}

/** Small parameters for every workload: enough to check that strategies agree, not speed. */
export const SMALL_PARAMS: Record<string, Record<string, number>> = {
  primes: { size: 20_000, tasks: 7 },
  countdown: { size: 300_000, tasks: 5 },
  'sum-squares': { size: 300_000, tasks: 6 },
  mandelbrot: { size: 60, iterations: 50, tasks: 9 },
  sha256: { size: 4096, rounds: 3, tasks: 5 },
  noop: { tasks: 50 },
  http: { tasks: 8, latency: 5, payload: 3000 },
  sleep: { tasks: 6, duration: 5 },
  file: { tasks: 4, size: 5000 },
  'fetch-and-hash': { tasks: 6, latency: 5, payload: 2000, rounds: 2 },
  amdahl: { serial: 30, size: 300_000, tasks: 6 },
}

/** Runs a configuration to the end and returns the run and every event it emitted. */
export async function runToEnd(config: RunConfigInput, host = makeHost()): Promise<{ run: Run; events: LabEvent[] }> {
  const events: LabEvent[] = []
  const off = host.onEvent((e) => events.push(e))
  try {
    const id = await host.startRun(config)
    const run = await host.waitForRun(id)
    return { run, events }
  } finally {
    off()
    await host.shutdown()
  }
}

/** Process ids of every live descendant of `pid` (children, grandchildren, …), from /proc. */
export function descendantsOf(pid: number = process.pid): number[] {
  const parentOf = new Map<number, number>()
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1')
      // Fields after the command name, which is in parentheses and may contain spaces.
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      const state = rest[0]
      if (state === 'Z' || state === 'X') continue
      parentOf.set(Number(name), Number(rest[1]))
    } catch {
      // The process ended while we looked.
    }
  }
  const out: number[] = []
  const frontier = [pid]
  while (frontier.length > 0) {
    const parent = frontier.pop()!
    for (const [child, ppid] of parentOf) {
      if (ppid === parent) {
        out.push(child)
        frontier.push(child)
      }
    }
  }
  return out
}

/** Waits until `predicate` holds, polling; fails with `what` after `timeoutMs`. */
export async function eventually(
  predicate: () => boolean,
  what: string,
  timeoutMs = 5000,
  everyMs = 20,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, everyMs))
  }
}
