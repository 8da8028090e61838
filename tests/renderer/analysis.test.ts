import { describe, expect, it } from 'vitest'
import { STRATEGIES } from '@shared/catalog'
import { amdahl } from '@shared/stats'
import { fitAmdahl } from '../../src/renderer/src/analysis/amdahl'
import { verdict } from '../../src/renderer/src/analysis/verdict'
import { extentOf, thinSlices, zoomWindow } from '../../src/renderer/src/charts/timeline'
import { makeStats } from './fake-lab'

describe('Amdahl fit', () => {
  it('recovers the parallel fraction that produced a speedup', () => {
    const fit = fitAmdahl([
      { workers: 1, speedup: 1 },
      { workers: 4, speedup: amdahl(0.9, 4) },
    ])!
    expect(fit.parallel).toBeCloseTo(0.9, 10)
    expect(fit.workers).toBe(4)
  })
  it('needs a point with more than one worker', () => {
    expect(fitAmdahl([{ workers: 1, speedup: 1 }])).toBeNull()
  })
})

describe('verdict', () => {
  const base = { strategies: STRATEGIES, logicalCores: 2, status: 'finished' as const, errors: [] }

  it('names the winner and its speedup, and bounds CPU-bound work by the cores', () => {
    const v = verdict({
      ...base,
      workload: { title: 'Count primes', kind: 'cpu' },
      stats: [makeStats('sequential', 1, 800, 1), makeStats('async', 1, 810, 0.99), makeStats('threads', 2, 420, 1.9)],
    })!
    expect(v.headline).toBe('Worker threads × 2 won: 420 ms, 1.90× faster than sequential.')
    expect(v.reasons.join(' ')).toMatch(/CPU-bound.*2 logical cores.*more than 2× faster/)
    expect(v.reasons.join(' ')).toMatch(/async event loop gave 0\.99×.*concurrency without parallelism/)
  })

  it('warns when other programs kept cores busy while the run measured, and only then', () => {
    const run = (otherCores: number) =>
      verdict({
        ...base,
        workload: { title: 'Count primes', kind: 'cpu' },
        stats: [
          makeStats('sequential', 1, 800, 1, { otherCores: 0.05 }),
          makeStats('threads', 2, 560, 1.43, { otherCores }),
        ],
      })!.reasons.join(' ')
    expect(run(0.3)).toMatch(/Other programs kept up to 0\.3 cores busy while this ran \(during threads × 2\)/)
    expect(run(0.1)).not.toMatch(/Other programs/)
  })

  it('explains I/O-bound wins by overlapped waiting, not cores', () => {
    const v = verdict({
      ...base,
      workload: { title: 'Sleep', kind: 'io' },
      stats: [
        makeStats('sequential', 1, 2500, 1, { cpuUtilisation: 0.02 }),
        makeStats('async', 1, 60, 41.7, { cpuUtilisation: 0.05 }),
      ],
    })!
    expect(v.headline).toMatch(/^Async event loop won: 60.0 ms, 41\.70× faster/)
    expect(v.reasons.join(' ')).toMatch(/I\/O-bound.*not capped by the 2 cores/)
    expect(v.reasons.join(' ')).toMatch(/at most 5% of all cores/)
  })

  it('says when sequential won, and flags noise, bad checksums and a stopped run', () => {
    const v = verdict({
      ...base,
      status: 'stopped',
      workload: { title: 'Empty tasks', kind: 'cpu' },
      stats: [
        makeStats('sequential', 1, 5, 1, { noisy: true }),
        makeStats('processes', 2, 50, 0.1, { checksumOk: false }),
      ],
    })!
    expect(v.headline).toMatch(/^Sequential won \(5\.00 ms\): concurrency did not pay/)
    const all = v.reasons.join(' ')
    expect(all).toMatch(/varied by more than 10%/)
    expect(all).toMatch(/Checksums disagree/)
    expect(all).toMatch(/stopped/)
  })

  it('has nothing to say before any group finished', () => {
    expect(verdict({ ...base, workload: { title: 'x', kind: 'cpu' }, stats: [] })).toBeNull()
  })
})

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

  it('zooms around a point and never leaves the trial', () => {
    const bounds = { from: 0, to: 1000 }
    expect(zoomWindow(bounds, 0.5, 0.5, bounds)).toEqual({ from: 250, to: 750 })
    expect(zoomWindow(bounds, 0.5, 0, bounds)).toEqual({ from: 0, to: 500 })
    expect(zoomWindow({ from: 0, to: 500 }, 4, 0.5, bounds)).toEqual(bounds)
  })
})
