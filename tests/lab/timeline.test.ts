import { describe, expect, it } from 'vitest'
import type { Trial } from '../../src/shared/schemas'
import { assignLanes } from '../../src/main/lab/runner'
import { runToEnd } from '../helpers'

function overlapsWithinLane(trial: Trial): string | null {
  const byLane = new Map<number, Trial['timeline']>()
  for (const s of trial.timeline) byLane.set(s.lane, [...(byLane.get(s.lane) ?? []), s])
  for (const [lane, slices] of byLane) {
    const sorted = [...slices].sort((a, b) => a.start - b.start)
    for (let i = 1; i < sorted.length; i++) {
      if (sorted[i]!.start < sorted[i - 1]!.end)
        return `lane ${lane}: task ${sorted[i]!.task} starts before task ${sorted[i - 1]!.task} ends`
    }
  }
  return null
}

describe('timelines', () => {
  it('are well-formed for one-at-a-time strategies: one slice per task, lanes ≤ workers, no overlap in a lane', async () => {
    const { run } = await runToEnd({
      workload: 'mandelbrot',
      params: { size: 120, iterations: 100, tasks: 30 },
      strategies: ['sequential', 'threads', 'processes'],
      workers: [2, 3],
      repetitions: 1,
      warmups: 0,
    })
    expect(run.errors).toEqual([])
    for (const trial of run.trials) {
      expect(trial.timeline.map((s) => s.task).sort((a, b) => a - b)).toEqual([...Array(30).keys()])
      const lanes = new Set(trial.timeline.map((s) => s.lane))
      expect(lanes.size).toBeLessThanOrEqual(trial.workers)
      expect(Math.max(...lanes)).toBeLessThan(trial.workers)
      expect(overlapsWithinLane(trial)).toBeNull()
      for (const s of trial.timeline) {
        expect(s.end).toBeGreaterThanOrEqual(s.start)
        // Slices lie inside the trial, on the run's clock.
        expect(s.start).toBeGreaterThanOrEqual(trial.start)
        expect(s.end).toBeLessThanOrEqual(trial.start + trial.wallMs * 1000)
      }
    }
  })

  it('show async tasks overlapping on one worker, each lane still one task at a time', async () => {
    const { run } = await runToEnd({
      workload: 'sleep',
      params: { tasks: 10, duration: 40 },
      strategies: ['async'],
      repetitions: 1,
      warmups: 0,
    })
    const [trial] = run.trials
    expect(trial).toBeDefined()
    expect(new Set(trial!.timeline.map((s) => s.worker))).toEqual(new Set([0]))
    // Ten 40 ms sleeps started together need about ten lanes, not one.
    expect(new Set(trial!.timeline.map((s) => s.lane)).size).toBeGreaterThan(1)
    expect(overlapsWithinLane(trial!)).toBeNull()
  })

  it('assignLanes packs overlapping intervals into the fewest lanes', () => {
    const slices = [
      { task: 0, worker: 0, lane: -1, start: 0, end: 10 },
      { task: 1, worker: 0, lane: -1, start: 5, end: 15 },
      { task: 2, worker: 0, lane: -1, start: 10, end: 20 },
      { task: 3, worker: 0, lane: -1, start: 12, end: 14 },
    ]
    assignLanes(slices)
    expect(slices.map((s) => s.lane)).toEqual([0, 1, 0, 2])
  })
})
