// The task timeline: one lane per worker, one bar per task, drawn on a plain canvas. A trial can
// have tens of thousands of tasks, so bars are thinned to what the pixels can show: per lane,
// bars closer than a pixel merge into one span, and the number drawn never exceeds the width.
import type { TimelineSlice } from '@shared/schemas'

export interface TimeWindow {
  /** µs on the run's clock. */
  from: number
  to: number
}

export interface LaneSpans {
  lane: number
  /** Pixel spans [x0, x1) to fill, in order, non-overlapping. */
  spans: Array<[number, number]>
  /** Tasks that fell in the window on this lane. */
  tasks: number
  /**
   * Per span, the share of its tasks' wall time they ran on a CPU (Σ CPU ÷ Σ wall, 0–1), or null
   * where no task in it carried its CPU time (Node, asyncio, runs recorded before it was measured).
   */
  running: Array<number | null>
}

/** Lanes of slices in [from, to) mapped to `width` pixels, with sub-pixel gaps merged. */
export function thinSlices(slices: readonly TimelineSlice[], window: TimeWindow, width: number): LaneSpans[] {
  const lanes = new Map<number, LaneSpans>()
  const span = window.to - window.from
  if (span <= 0 || width <= 0) return []
  const scale = width / span
  const byStart = [...slices].sort((a, b) => a.start - b.start)
  // Σ CPU and Σ wall of the measured tasks in each lane's spans, in step with `spans`.
  const sums = new Map<number, Array<[number, number]>>()
  for (const s of byStart) {
    if (s.end < window.from || s.start > window.to) continue
    let lane = lanes.get(s.lane)
    if (!lane) {
      lane = { lane: s.lane, spans: [], tasks: 0, running: [] }
      lanes.set(s.lane, lane)
      sums.set(s.lane, [])
    }
    const laneSums = sums.get(s.lane)!
    lane.tasks++
    const x0 = Math.max(0, (s.start - window.from) * scale)
    // Every task gets at least a pixel, so a burst of tiny tasks is still visible.
    const x1 = Math.min(width, Math.max(x0 + 1, (s.end - window.from) * scale))
    const last = lane.spans[lane.spans.length - 1]
    if (last && x0 - last[1] < 1) last[1] = Math.max(last[1], x1)
    else {
      lane.spans.push([x0, x1])
      laneSums.push([0, 0])
    }
    const wall = s.end - s.start
    if (s.cpu !== undefined && wall > 0) {
      const sum = laneSums[laneSums.length - 1]!
      sum[0] += Math.min(s.cpu, wall)
      sum[1] += wall
    }
  }
  for (const lane of lanes.values())
    lane.running = sums.get(lane.lane)!.map(([cpu, wall]) => (wall > 0 ? cpu / wall : null))
  return [...lanes.values()].sort((a, b) => a.lane - b.lane)
}

/** The whole extent of a timeline, or null when it is empty. */
export function extentOf(slices: readonly TimelineSlice[]): TimeWindow | null {
  if (slices.length === 0) return null
  let from = Infinity
  let to = -Infinity
  for (const s of slices) {
    if (s.start < from) from = s.start
    if (s.end > to) to = s.end
  }
  return { from, to: to > from ? to : from + 1 }
}

/** Zooms `window` by `factor` (<1 zooms in) around the point at fraction `at` (0–1), kept inside `bounds`. */
export function zoomWindow(window: TimeWindow, factor: number, at: number, bounds: TimeWindow): TimeWindow {
  const span = window.to - window.from
  const full = bounds.to - bounds.from
  const next = Math.min(full, Math.max(full / 1e6, span * factor, 1))
  const pivot = window.from + span * Math.min(1, Math.max(0, at))
  let from = pivot - (pivot - window.from) * (next / span)
  from = Math.min(Math.max(bounds.from, from), bounds.to - next)
  return { from, to: from + next }
}

/** Moves `window` by `fraction` of its width, kept inside `bounds`. */
export function panWindow(window: TimeWindow, fraction: number, bounds: TimeWindow): TimeWindow {
  const span = window.to - window.from
  const from = Math.min(Math.max(bounds.from, window.from + span * fraction), bounds.to - span)
  return { from, to: from + span }
}

/**
 * The task under a point: on `lane`, the slice that covers time `t` (µs), or failing that the
 * nearest one within `tolerance` µs (a task thinned to one pixel is still hoverable).
 */
export function sliceAt(
  slices: readonly TimelineSlice[],
  lane: number,
  t: number,
  tolerance: number,
): TimelineSlice | null {
  let best: TimelineSlice | null = null
  let bestDistance = Infinity
  for (const s of slices) {
    if (s.lane !== lane) continue
    const distance = t < s.start ? s.start - t : t > s.end ? t - s.end : 0
    if (distance < bestDistance) {
      best = s
      bestDistance = distance
    }
  }
  return best && bestDistance <= tolerance ? best : null
}

/**
 * Height (px) of one lane: 18 while the lanes fit in `budget` px, then less (down to 5), so 50
 * workers or 50 tasks in flight stay on one screen instead of a 900 px strip.
 */
export function laneHeight(lanes: number, budget = 360): number {
  return Math.max(5, Math.min(18, Math.floor(budget / Math.max(1, lanes))))
}

/** What the lanes of a strategy's timeline are, as the lane axis names them. */
export function laneAxis(lanes: 'workers' | 'in-flight' | undefined): {
  inFlight: boolean
  title: string
  lane: (i: number) => string
} {
  return lanes === 'in-flight'
    ? { inFlight: true, title: 'tasks in flight on one thread', lane: (i) => `in flight ${i + 1}` }
    : { inFlight: false, title: 'workers', lane: (i) => `worker ${i}` }
}
