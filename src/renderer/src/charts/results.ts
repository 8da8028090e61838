// What the results charts draw, as plain data: colours from the strategy, and axes wide enough
// for every whisker and point, so no ±σ bar or last speedup point is cut off at the edge.
import type { GroupStats } from '@shared/schemas'
import { groupLabel } from '@shared/analysis/format'
import { findStrategy } from '@shared/catalog'
import { strategyColour } from './theme'

export interface WallClockBars {
  labels: string[]
  means: number[]
  errors: number[]
  colours: string[]
  /** Top of the y axis: above the highest +σ whisker, with a little room. */
  yMax: number
}

/** One bar per group, in its strategy's colour, with a y axis that holds each mean + σ. */
export function wallClockBars(
  stats: readonly GroupStats[],
  takesWorkers: (strategy: string) => boolean,
): WallClockBars {
  const top = Math.max(0, ...stats.map((g) => g.meanMs + (g.stdevMs || 0)))
  return {
    labels: stats.map((g) => groupLabel(titleOf(g.strategy), g.workers, takesWorkers(g.strategy))),
    means: stats.map((g) => g.meanMs),
    errors: stats.map((g) => g.stdevMs),
    colours: stats.map((g) => strategyColour(g.strategy)),
    yMax: top > 0 ? top * 1.08 : 1,
  }
}

/** A strategy's title as the screen shows it; an id the catalog lacks stays as it is. */
const titleOf = (id: string): string => findStrategy(id)?.title ?? id

export interface SpeedupSeries {
  strategy: string
  /** What its legend says. */
  title: string
  colour: string
  points: Array<{ x: number; y: number }>
}

/** Axis ranges of a speedup chart: x from 1 to the most workers, y above every point and the ideal line. */
export function speedupAxes(series: readonly SpeedupSeries[]): { xMax: number; yMax: number } {
  const xMax = Math.max(1, ...series.flatMap((s) => s.points.map((p) => p.x)))
  const highest = Math.max(1, ...series.flatMap((s) => s.points.map((p) => p.y)))
  return { xMax, yMax: Math.max(xMax, highest) * 1.08 }
}

/** Speedup points per strategy that takes workers, each in its strategy's colour. */
export function speedupSeries(
  stats: readonly GroupStats[],
  takesWorkers: (strategy: string) => boolean,
): SpeedupSeries[] {
  const byStrategy = new Map<string, Array<{ x: number; y: number }>>()
  for (const g of stats) {
    if (g.speedup === null || !takesWorkers(g.strategy)) continue
    const list = byStrategy.get(g.strategy) ?? []
    list.push({ x: g.workers, y: g.speedup })
    byStrategy.set(g.strategy, list)
  }
  return [...byStrategy.entries()].map(([strategy, points]) => ({
    strategy,
    title: titleOf(strategy),
    colour: strategyColour(strategy),
    points: points.sort((a, b) => a.x - b.x),
  }))
}
