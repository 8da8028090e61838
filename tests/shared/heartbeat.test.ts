// The heartbeat's summaries, bounds and wording (src/shared/heartbeat.ts), with no clock.
import { describe, expect, it } from 'vitest'
import { HEARTBEAT_MAX_TICKS, heartbeatGroups, heartbeatText, summarizeHeartbeat } from '../../src/shared/heartbeat'
import { parseChildMessage } from '../../src/shared/protocol'
import { runConfigSchema } from '../../src/shared/schemas'

describe('heartbeat', () => {
  it('summarises lateness in µs as p50/p99/max ms, nearest rank', () => {
    const late = Array.from({ length: 100 }, (_, i) => (i + 1) * 1000) // 1 … 100 ms
    expect(summarizeHeartbeat(late, 'scheduler')).toEqual({
      ticks: 100,
      p50Ms: 50,
      p99Ms: 99,
      maxMs: 100,
      on: 'scheduler',
    })
    expect(summarizeHeartbeat([], 'beside')).toBeNull()
    expect(heartbeatText(summarizeHeartbeat([250, 15_800, 77_400], 'scheduler')!)).toBe(
      'p50 15.8 ms · p99 77.4 ms · max 77.4 ms (3 ticks)',
    )
  })

  it('combines a group’s measured trials: median p50, worst p99 and max; warm-ups left out', () => {
    const beat = (p50Ms: number, maxMs: number) => ({ ticks: 10, p50Ms, p99Ms: maxMs, maxMs, on: 'scheduler' as const })
    const groups = heartbeatGroups([
      { strategy: 'py-asyncio', workers: 1, warmup: true, heartbeat: beat(900, 900) },
      { strategy: 'py-asyncio', workers: 1, warmup: false, heartbeat: beat(1, 5) },
      { strategy: 'py-asyncio', workers: 1, warmup: false, heartbeat: beat(3, 50) },
      { strategy: 'py-asyncio', workers: 1, warmup: false, heartbeat: beat(2, 7) },
      { strategy: 'py-threads', workers: 2, warmup: false },
    ])
    expect(groups).toEqual([
      { strategy: 'py-asyncio', workers: 1, summary: { ticks: 30, p50Ms: 2, p99Ms: 50, maxMs: 50, on: 'scheduler' } },
    ])
  })

  it('is bounded at the boundaries: a child’s usage reply and the run configuration', () => {
    const usage = (n: number) => ({ type: 'usage', cpu: 0, maxRss: 0, heartbeat: new Array<number>(n).fill(1) })
    expect(parseChildMessage(usage(HEARTBEAT_MAX_TICKS))).not.toBeNull()
    expect(parseChildMessage(usage(HEARTBEAT_MAX_TICKS + 1))).toBeNull()
    expect(parseChildMessage({ type: 'usage', cpu: 0, maxRss: 0, heartbeat: [-1] })).toBeNull()
    const config = { workload: 'primes', strategies: ['py-generators'] }
    expect(runConfigSchema.safeParse({ ...config, heartbeat: true }).success).toBe(true)
    const refused = runConfigSchema.safeParse({ ...config, heartbeat: 'yes' })
    expect(refused.success).toBe(false)
    expect(refused.error?.issues[0]?.message).toMatch(/true or false/)
  })
})
