// When Amdahl's law is fitted to a run, and when the lab says why it is not: the fit needs two
// worker counts within the machine's cores, little load from other programs, and tasks long
// enough that dispatch overhead does not pose as a serial part.
import { describe, expect, it } from 'vitest'
import { amdahlNote } from '../../../src/shared/analysis/amdahl'
import { makeStats } from './runs'

const seq = makeStats('sequential', 1, 400, 1, { otherCores: 0.05 })
const threads = (workers: number, meanMs: number, otherCores = 0.05) =>
  makeStats('threads', workers, meanMs, 400 / meanMs, { otherCores })

describe('amdahlNote', () => {
  it('fits two worker counts within the cores, on a quiet machine, with long tasks', () => {
    const note = amdahlNote([seq, threads(1, 400), threads(2, 250)], { logicalCores: 2, tasks: 32 })
    expect(note).toMatchObject({ strategy: 'threads', fit: { workers: 2 } })
    if ('fit' in note) expect(note.fit.parallel).toBeCloseTo(0.75, 2)
  })

  it('fits over every trial when the run gives them: a serial fraction with its interval', () => {
    const trial = (workers: number, wallMs: number, warmup = false) => ({
      strategy: 'threads',
      workers,
      warmup,
      wallMs,
      error: null,
    })
    const trials = [
      trial(1, 9999, true), // a warm-up: never fitted
      ...[396, 400, 404].map((ms) => trial(1, ms)),
      ...[248, 250, 252].map((ms) => trial(2, ms)),
      trial(4, 300), // more workers than cores: listed, not fitted
    ]
    const note = amdahlNote([seq, threads(1, 400), threads(2, 250)], { logicalCores: 2, tasks: 32, trials })
    if (!('fit' in note)) throw new Error(note.why)
    expect(note.fit.serialFit?.serial).toBeCloseTo(0.25, 2)
    expect(note.fit.parallel).toBeCloseTo(1 - note.fit.serialFit!.serial, 9)
    expect(note.fit.serialFit?.trials).toBe(6)
    expect(note.fit.serialFit?.oversubscribed).toEqual([4])
    const [lo, hi] = note.fit.serialFit!.ci95
    expect(lo).toBeLessThanOrEqual(0.25)
    expect(hi).toBeGreaterThanOrEqual(0.25)
  })

  it('does not fit a single worker count, and says why', () => {
    const note = amdahlNote([seq, threads(2, 250)], { logicalCores: 2, tasks: 32 })
    expect(note).toMatchObject({ why: expect.stringMatching(/two worker counts from 1 to 2/) })
  })

  it('leaves out worker counts above the cores: 4 workers on 2 cores are not 48% parallel', () => {
    const note = amdahlNote([seq, threads(1, 400), threads(2, 220), threads(4, 290)], { logicalCores: 2, tasks: 32 })
    expect(note).toMatchObject({ fit: { workers: 2 } })
    expect(amdahlNote([seq, threads(4, 290)], { logicalCores: 2, tasks: 32 })).toHaveProperty('why')
  })

  it('does not fit under load from other programs, and says so', () => {
    const note = amdahlNote([seq, threads(1, 400), threads(2, 390, 0.9)], { logicalCores: 2, tasks: 32 })
    expect(note).toMatchObject({ why: expect.stringMatching(/other programs/) })
  })

  it('counts load during the baseline too: it is half of every speedup', () => {
    const loadedBaseline = makeStats('sequential', 1, 400, 1, { otherCores: 0.6 })
    const note = amdahlNote([loadedBaseline, threads(1, 400), threads(2, 250)], { logicalCores: 2, tasks: 32 })
    expect(note).toMatchObject({
      why: expect.stringMatching(/other programs kept 0\.6 cores busy during Sequential, so/),
    })
  })

  it('does not fit work that waits: its speedup is overlap, not a parallel fraction', () => {
    const stats = [seq, threads(1, 400), threads(2, 200)]
    expect(amdahlNote(stats, { logicalCores: 2, tasks: 32, kind: 'io' })).toMatchObject({
      why: expect.stringMatching(/^Not fitted: this work mostly waits/),
    })
    expect(amdahlNote(stats, { logicalCores: 2, tasks: 32, kind: 'cpu' })).toHaveProperty('fit')
  })

  it('does not fit tiny tasks, where dispatch overhead dominates, and says so', () => {
    const tiny = makeStats('sequential', 1, 5, 1, { otherCores: 0.05 })
    const note = amdahlNote([tiny, makeStats('threads', 1, 5, 1), makeStats('threads', 2, 5.2, 0.96)], {
      logicalCores: 2,
      tasks: 10_000,
    })
    expect(note).toMatchObject({ why: expect.stringMatching(/too short/) })
  })

  it('ignores event loops and strategies without workers', () => {
    const asyncio = makeStats('py-asyncio', 1, 20, 20)
    expect(amdahlNote([seq, asyncio], { logicalCores: 2, tasks: 32 })).toHaveProperty('why')
  })
})
