import { describe, expect, it } from 'vitest'
import { extentOf, laneAxis, laneHeight, sliceAt, thinSlices, zoomWindow } from '../../src/renderer/src/charts/timeline'

describe('timeline thinning', () => {
  it('draws one span per lane when tens of thousands of tasks are closer than a pixel', () => {
    const slices = Array.from({ length: 50_000 }, (_, i) => ({
      task: i,
      worker: i % 2,
      lane: i % 2,
      start: i * 10,
      end: i * 10 + 9,
    }))
    const lanes = thinSlices(slices, extentOf(slices)!, 800)
    expect(lanes.map((l) => l.lane)).toEqual([0, 1])
    expect(lanes.map((l) => l.tasks)).toEqual([25_000, 25_000])
    for (const l of lanes) expect(l.spans.length).toBeLessThanOrEqual(800)
    expect(lanes[0]!.spans).toHaveLength(1)
  })

  it('keeps gaps wider than a pixel, and each task at least a pixel wide', () => {
    const slices = [
      { task: 0, worker: 0, lane: 0, start: 0, end: 10 },
      { task: 1, worker: 0, lane: 0, start: 500, end: 501 },
    ]
    const [lane] = thinSlices(slices, { from: 0, to: 1000 }, 100)
    expect(lane!.spans).toEqual([
      [0, 1],
      [50, 51],
    ])
  })

  it('gives each span the share of its wall time its tasks ran (thread CPU), null where none carried it', () => {
    const slices = [
      { task: 0, worker: 0, lane: 0, start: 0, end: 100, cpu: 50 },
      // Merged into the first span (closer than a pixel): Σ CPU ÷ Σ wall over both.
      { task: 1, worker: 0, lane: 0, start: 100, end: 400, cpu: 300 },
      { task: 2, worker: 0, lane: 0, start: 600, end: 700 },
      // CPU a few µs past the wall (clock granularity) counts as the whole wall.
      { task: 3, worker: 1, lane: 1, start: 0, end: 100, cpu: 104 },
    ]
    const [lane0, lane1] = thinSlices(slices, { from: 0, to: 1000 }, 100)
    expect(lane0!.spans).toHaveLength(2)
    expect(lane0!.running).toEqual([350 / 400, null])
    expect(lane1!.running).toEqual([1])
  })

  it('zooms around a point and never leaves the trial', () => {
    const bounds = { from: 0, to: 1000 }
    expect(zoomWindow(bounds, 0.5, 0.5, bounds)).toEqual({ from: 250, to: 750 })
    expect(zoomWindow(bounds, 0.5, 0, bounds)).toEqual({ from: 0, to: 500 })
    expect(zoomWindow({ from: 0, to: 500 }, 4, 0.5, bounds)).toEqual(bounds)
  })
})

describe('timeline hover and lanes', () => {
  const slices = [
    { task: 7, worker: 0, lane: 0, start: 100, end: 200 },
    { task: 8, worker: 1, lane: 1, start: 150, end: 400 },
  ]
  it('finds the task under the pointer on its lane, with a tolerance for one-pixel bars', () => {
    expect(sliceAt(slices, 0, 150, 0)?.task).toBe(7)
    expect(sliceAt(slices, 1, 150, 0)?.task).toBe(8)
    expect(sliceAt(slices, 0, 205, 10)?.task).toBe(7)
    expect(sliceAt(slices, 0, 300, 10)).toBeNull()
    expect(sliceAt(slices, 2, 150, 10)).toBeNull()
  })

  it("names an event loop's lanes as tasks in flight on one thread, never as workers", () => {
    expect(laneAxis('in-flight').title).toBe('tasks in flight on one thread')
    expect(laneAxis('in-flight').lane(3)).not.toMatch(/worker/)
    expect(laneAxis('workers').lane(3)).toBe('worker 3')
  })
})

describe('lane height', () => {
  it('keeps a few lanes at full height and fits fifty on one screen', () => {
    expect(laneHeight(2)).toBe(18)
    expect(laneHeight(50) * 50).toBeLessThanOrEqual(360)
    expect(laneHeight(1000)).toBe(5)
  })
})
