// The time left in a run, from the trial times measured so far (issue 10: "about 47.76 s left" at
// 6 s for a run that ended at 20.8 s). Pure: constructed times in, milliseconds out.
import { describe, expect, it } from 'vitest'
import { estimateRemainingMs, type PlannedGroup } from '../../src/main/lab/eta'

const plan: PlannedGroup[] = [
  { strategy: 'sequential', workers: 1 },
  { strategy: 'threads', workers: 1 },
  { strategy: 'threads', workers: 2 },
]
/** What the runner used to say: elapsed ÷ trials done × trials left. */
const naive = (times: number[][], perGroup: number): number => {
  const done = times.flat()
  const elapsed = done.reduce((a, b) => a + b, 0)
  return (elapsed / done.length) * (plan.length * perGroup - done.length)
}

describe('estimateRemainingMs', () => {
  it('has nothing to go by before the first trial', () => {
    expect(estimateRemainingMs(plan, 4, [])).toBeNull()
    expect(estimateRemainingMs(plan, 4, [[], [], []])).toBeNull()
  })

  it('reads the group under way by its own trials, not by the slower ones before it', () => {
    const times = [[1000, 1000, 1000, 1000], [100, 100], []]
    // threads × 1: 2 left at 100 ms; threads × 2 not begun: 4 at threads × 1's 100 ms.
    expect(estimateRemainingMs(plan, 4, times)).toBe(2 * 100 + 4 * 100)
    expect(naive(times, 4)).toBeGreaterThan(2000)
  })

  it('counts a pool start once per group, not once per trial', () => {
    // Each group's first trial starts its pool: 2 s on top of a steady 500 ms.
    const times = [[2500, 500], [], []]
    expect(estimateRemainingMs(plan, 4, times)).toBe(2 * 500 + 2 * (4 * 500 + 2000))
    expect(naive(times, 4)).toBe(15_000)
  })

  it('estimates a group not begun from the nearest worker count of its strategy, else the groups so far', () => {
    const wide: PlannedGroup[] = [
      { strategy: 'sequential', workers: 1 },
      { strategy: 'threads', workers: 2 },
      { strategy: 'threads', workers: 8 },
      { strategy: 'processes', workers: 2 },
    ]
    const times = [[900], [300], [], []]
    // threads × 8 from threads × 2 (300); processes × 2 from the median of 900 and 300 (600).
    expect(estimateRemainingMs(wide, 1, times)).toBe(300 + 600)
  })

  it('is zero once every trial has a time', () => {
    expect(estimateRemainingMs(plan, 1, [[5], [6], [7]])).toBe(0)
  })
})
