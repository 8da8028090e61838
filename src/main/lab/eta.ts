// How long a run has left, from the times its trials measured so far. Elapsed ÷ done × left reads
// the first (often slowest) strategy into every later one and counts each pool's start-up once per
// trial; this reads each group by its own trials, a group not begun by its strategy's nearest
// worker count (else the groups so far), and adds a start-up per group not begun.

/** One (strategy, worker count) group of the plan, in the order the run takes them. */
export interface PlannedGroup {
  strategy: string
  workers: number
}

/** The times one group's trials took so far, each from asking for its pool to its result, in ms. */
export type GroupTimes = readonly number[]

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length

const median = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** A group's steady trial time: after its first trial (which starts its pool) when there are more. */
const steady = (times: GroupTimes): number => mean(times.length > 1 ? times.slice(1) : times)

/**
 * Milliseconds left in a run of `groups` with `perGroup` trials each, given the times of the trials
 * done so far (`times[i]` for `groups[i]`); null before any trial has a time to go by.
 */
export function estimateRemainingMs(
  groups: readonly PlannedGroup[],
  perGroup: number,
  times: readonly GroupTimes[],
): number | null {
  const measured = groups.map((g, i) => ({ ...g, times: times[i] ?? [] })).filter((g) => g.times.length > 0)
  if (measured.length === 0) return null
  // What starting a pool cost beyond a steady trial, where a group shows both.
  const startups = measured.filter((g) => g.times.length > 1).map((g) => Math.max(0, g.times[0]! - steady(g.times)))
  const startup = startups.length > 0 ? mean(startups) : 0
  const everyGroup = median(measured.map((g) => steady(g.times)))

  let left = 0
  groups.forEach((group, i) => {
    const own = times[i] ?? []
    const remaining = Math.max(0, perGroup - own.length)
    if (remaining === 0) return
    if (own.length > 0) {
      left += remaining * steady(own)
      return
    }
    const kin = measured
      .filter((g) => g.strategy === group.strategy)
      .sort((a, b) => Math.abs(a.workers - group.workers) - Math.abs(b.workers - group.workers))[0]
    left += remaining * (kin ? steady(kin.times) : everyGroup) + startup
  })
  return Math.round(left)
}
