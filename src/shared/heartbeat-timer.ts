// The heartbeat's timer, apart from its schema and words (src/shared/heartbeat.ts) so that the
// worker entries that run it load no zod: every module a worker imports is read at each pool start
// and holds open files against the open-file limit (tests/workers/bundle.test.ts).

/** How often the heartbeat should fire, ms. */
export const HEARTBEAT_INTERVAL_MS = 10
/** Most tick lateness values a child reports per trial (10 minutes of 10 ms ticks). */
export const HEARTBEAT_MAX_TICKS = 60_000

// Node's timers keep a process alive; a heartbeat must not (the page's timers have no unref).
function unref(timer: unknown): void {
  ;(timer as { unref?: () => void }).unref?.()
}

/**
 * Ticks on the calling thread's event loop and records how late each tick fired (µs, at most
 * HEARTBEAT_MAX_TICKS). The lab runs one beside a pool of Node threads or processes (its own loop
 * does not run their tasks); the Node task loop runs one on the loop of `async`.
 */
export interface HeartbeatTimer {
  /** The lateness recorded since start or the last take, µs; recording goes on. */
  take(): number[]
  stop(): void
}

export function startHeartbeat(intervalMs: number): HeartbeatTimer {
  let late: number[] = []
  let due = performance.now() + intervalMs
  let timer: ReturnType<typeof setTimeout> | null = null
  const tick = (): void => {
    const fired = performance.now()
    if (late.length < HEARTBEAT_MAX_TICKS) late.push(Math.max(0, Math.round((fired - due) * 1000)))
    // The next tick is due one interval after this one fired: a loop blocked for a long time shows one late tick.
    due = fired + intervalMs
    timer = setTimeout(tick, intervalMs)
    unref(timer)
  }
  timer = setTimeout(tick, intervalMs)
  unref(timer)
  return {
    take() {
      // A tick overdue now (the loop is busy, or the trial ended before it could fire) counts
      // with the wait so far, and its lateness starts again from now: a trial shorter than one
      // blocked task still shows how long the tick waited.
      const now = performance.now()
      if (now > due && late.length < HEARTBEAT_MAX_TICKS) {
        late.push(Math.round((now - due) * 1000))
        due = now
      }
      const taken = late
      late = []
      return taken
    },
    stop() {
      if (timer) clearTimeout(timer)
      timer = null
    },
  }
}
