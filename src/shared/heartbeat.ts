// The heartbeat measurement: a timer that should fire every HEARTBEAT_INTERVAL_MS on the scheduler
// that runs a trial's tasks (an event loop, the generator scheduler, or a thread beside a pool of
// threads or processes), and how late each tick fired. A task that runs on the scheduler without
// giving it back holds every tick until it ends, so lateness ≈ the task's length on an event
// loop, and stays small where the OS preempts the workers. Pure: shared by the lab and the page.
import { z } from 'zod'
import { HEARTBEAT_INTERVAL_MS } from './heartbeat-timer'

export { HEARTBEAT_INTERVAL_MS, HEARTBEAT_MAX_TICKS, startHeartbeat, type HeartbeatTimer } from './heartbeat-timer'

export const heartbeatSummarySchema = z.object({
  /** Ticks that fired during the trial. */
  ticks: z.number().int().min(0),
  /** Lateness percentiles and maximum, ms. */
  p50Ms: z.number().min(0),
  p99Ms: z.number().min(0),
  maxMs: z.number().min(0),
  /** Where the timer ran: `scheduler` — on the one that runs the tasks; `beside` — a thread beside the workers. */
  on: z.enum(['scheduler', 'beside']),
})
export type HeartbeatSummary = z.infer<typeof heartbeatSummarySchema>

/** The nearest-rank percentile q (0–1) of sorted values. */
function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))
  return sorted[rank] ?? 0
}

/** p50/p99/max of tick lateness given in µs; null when no tick fired. */
export function summarizeHeartbeat(lateUs: readonly number[], on: HeartbeatSummary['on']): HeartbeatSummary | null {
  if (lateUs.length === 0) return null
  const sorted = [...lateUs].sort((a, b) => a - b)
  return {
    ticks: sorted.length,
    p50Ms: percentile(sorted, 0.5) / 1000,
    p99Ms: percentile(sorted, 0.99) / 1000,
    maxMs: (sorted[sorted.length - 1] ?? 0) / 1000,
    on,
  }
}

const ms = (v: number): string => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2))

/** A table cell: "0.28 / 26.5 / 35.9 ms" (p50 / p99 / max). */
export function heartbeatShort(h: HeartbeatSummary): string {
  return `${ms(h.p50Ms)} / ${ms(h.p99Ms)} / ${ms(h.maxMs)} ms`
}

/** One line for the CLI: "p50 0.2 ms · p99 15.8 ms · max 77.4 ms (59 ticks)". */
export function heartbeatText(h: HeartbeatSummary): string {
  return `p50 ${ms(h.p50Ms)} ms · p99 ${ms(h.p99Ms)} ms · max ${ms(h.maxMs)} ms (${h.ticks} ticks)`
}

export interface HeartbeatGroup {
  strategy: string
  workers: number
  summary: HeartbeatSummary
}

/**
 * The heartbeat of each strategy × workers over its measured trials (warm-ups left out): the
 * median of the trials' p50s, the worst trial's p99 and max, every tick counted. Empty when the
 * run did not measure it.
 */
export function heartbeatGroups(
  trials: ReadonlyArray<{ strategy: string; workers: number; warmup: boolean; heartbeat?: HeartbeatSummary }>,
): HeartbeatGroup[] {
  const groups = new Map<string, { strategy: string; workers: number; list: HeartbeatSummary[] }>()
  for (const t of trials) {
    if (t.warmup || !t.heartbeat) continue
    const key = `${t.strategy}\u0000${t.workers}`
    const group = groups.get(key) ?? { strategy: t.strategy, workers: t.workers, list: [] }
    group.list.push(t.heartbeat)
    groups.set(key, group)
  }
  return [...groups.values()].map(({ strategy, workers, list }) => {
    const p50s = list.map((h) => h.p50Ms).sort((a, b) => a - b)
    return {
      strategy,
      workers,
      summary: {
        ticks: list.reduce((sum, h) => sum + h.ticks, 0),
        p50Ms: percentile(p50s, 0.5),
        p99Ms: Math.max(...list.map((h) => h.p99Ms)),
        maxMs: Math.max(...list.map((h) => h.maxMs)),
        on: list[0]?.on ?? 'scheduler',
      },
    }
  })
}

/** What the heartbeat teaches, one sentence for the CLI and the page under its table. */
export const HEARTBEAT_LESSON =
  `A ${HEARTBEAT_INTERVAL_MS} ms timer on the scheduler that runs the tasks (a thread beside the workers for threads and processes): ` +
  'on an event loop a CPU-bound task holds every tick until it ends, so the longest wait (max) ≈ a task’s length; threads are preempted by the OS, so their beside-timer stays near on time. ' +
  'A blocked loop fires few ticks, so its p50 counts the idle moments too: read max.'
