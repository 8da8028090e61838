import { describe, expect, it } from 'vitest'
import { fitAmdahl } from '../../../src/shared/analysis/amdahl'
import { verdict, verdictSentences } from '../../../src/shared/analysis/verdict'
import { amdahl } from '../../../src/shared/stats'
import { failedTrial, makeStats, runOf, type RunOf } from './runs'

const said = (shape: RunOf) => {
  const v = verdict(runOf(shape))
  return { ...v, text: v.reasons.join(' ') }
}

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
  it('names the winner and its speedup, and bounds CPU-bound work by the cores', () => {
    const v = said({
      workload: 'primes',
      stats: [makeStats('sequential', 1, 800, 1), makeStats('async', 1, 810, 0.99), makeStats('threads', 2, 420, 1.9)],
    })
    expect(v.headline).toBe('Worker threads × 2 won: 420 ms, 1.90× faster than Sequential.')
    expect(v.text).toMatch(/CPU-bound.*2 logical cores.*more than 2× faster/)
    expect(v.text).toMatch(/async event loop gave 0\.99×.*concurrency without parallelism/)
    expect(v.text).not.toMatch(/I\/O-bound|mostly idle|both waits and computes/)
  })

  it('says extra workers past the cores only wait when the run measured it (see verdict-causes.test.ts)', () => {
    const over = said({
      workload: 'primes',
      stats: [
        makeStats('sequential', 1, 800, 1),
        makeStats('threads', 2, 420, 1.9),
        makeStats('threads', 4, 425, 1.88),
      ],
    })
    expect(over.text).toContain(
      'Worker threads × 4 was no faster than Worker threads × 2: with 2 cores, the extra workers only wait',
    )
    const fits = said({
      workload: 'primes',
      stats: [makeStats('sequential', 1, 800, 1), makeStats('threads', 2, 420, 1.9)],
    })
    expect(fits.text).not.toContain('only wait for a core')
  })

  it('compares Node threads with processes, and only when both ran', () => {
    const both = said({
      workload: 'primes',
      stats: [
        makeStats('sequential', 1, 800, 1),
        makeStats('threads', 2, 420, 1.9),
        makeStats('processes', 2, 500, 1.6),
      ],
    })
    expect(both.text).toContain('Processes were 1.19× slower than threads. Starting them is not in these times')
    const threadsOnly = said({
      workload: 'primes',
      stats: [makeStats('sequential', 1, 800, 1), makeStats('threads', 2, 420, 1.9)],
    })
    expect(threadsOnly.text).not.toContain('Processes were')
  })

  it('warns when other programs kept cores busy while the run measured, and only then', () => {
    const run = (otherCores: number) =>
      said({
        workload: 'primes',
        stats: [
          makeStats('sequential', 1, 800, 1, { otherCores: 0.05 }),
          makeStats('threads', 2, 560, 1.43, { otherCores }),
        ],
      }).text
    expect(run(0.3)).toMatch(/Other programs kept up to 0\.3 cores busy while this ran \(during Worker threads × 2\)/)
    expect(run(0.1)).not.toMatch(/Other programs/)
  })

  it('explains I/O-bound wins by overlapped waiting, not cores', () => {
    const v = said({
      workload: 'sleep',
      stats: [
        makeStats('sequential', 1, 2500, 1, { cpuUtilisation: 0.02 }),
        makeStats('async', 1, 60, 41.7, { cpuUtilisation: 0.05 }),
      ],
    })
    expect(v.headline).toMatch(/^Async event loop won: 60.0 ms, 41\.70× faster/)
    expect(v.text).toMatch(/I\/O-bound.*not capped by the 2 cores/)
    expect(v.text).toMatch(/at most 5% of all cores/)
    expect(v.text).toContain('The async event loop reached 41.70× on a single thread')
    expect(v.text).not.toMatch(/CPU-bound|both waits and computes/)
    const noLoop = said({
      workload: 'sleep',
      stats: [makeStats('sequential', 1, 2500, 1), makeStats('threads', 2, 1260, 1.98)],
    })
    expect(noLoop.text).not.toContain('The async event loop')
  })

  it('says mixed work overlaps waits on a loop and both on threads, only for mixed work', () => {
    const stats = [makeStats('sequential', 1, 2500, 1), makeStats('threads', 2, 1300, 1.92)]
    expect(said({ workload: 'fetch-and-hash', stats }).text).toContain(
      'Fetch and hash both waits and computes: one event loop overlaps the waits',
    )
    expect(said({ workload: 'primes', stats }).text).not.toContain('both waits and computes')
  })

  it('says which of Node threads and processes was faster, or that they were even', () => {
    const text = (processesMs: number) =>
      said({
        workload: 'primes',
        stats: [
          makeStats('sequential', 1, 800, 1),
          makeStats('threads', 2, 420, 1.9),
          makeStats('processes', 2, processesMs, 800 / processesMs),
        ],
      }).text
    expect(text(380)).toContain('Processes were 1.11× faster than threads here: separate heaps')
    expect(text(425)).toContain('Threads and processes were within 5% of each other')
    expect(text(425)).not.toMatch(/Processes were/)
  })

  it('says when sequential won, and flags noise by name, bad checksums and a stopped run', () => {
    const v = said({
      status: 'stopped',
      workload: 'noop',
      stats: [
        makeStats('sequential', 1, 5, 1, { noisy: true }),
        makeStats('processes', 2, 50, 0.1, { checksumOk: false }),
      ],
    })
    expect(v.headline).toBe('Sequential won (5.00 ms): no concurrent strategy beat it here.')
    expect(v.text).toContain('Each task took')
    expect(v.text).toContain('varied by more than 10% between repetitions (Sequential): treat small differences')
    expect(v.text).toMatch(/Checksums disagree/)
    expect(v.text).toMatch(/stopped/)
  })

  it('does not flag noise, checksums, failures or a stop on a clean finished run', () => {
    const v = said({
      workload: 'primes',
      stats: [makeStats('sequential', 1, 800, 1), makeStats('threads', 2, 420, 1.9)],
    })
    expect(v.text).not.toMatch(/varied by more than 10%|Checksums disagree|failed|stopped|need .* in the run/)
    expect(v.text).not.toContain('Each task took')
    expect(v.text).not.toMatch(/concurrency without parallelism|Other programs/)
  })

  it('reads a checksum mismatch from the run errors too', () => {
    const v = said({
      workload: 'primes',
      stats: [makeStats('sequential', 1, 800, 1), makeStats('threads', 2, 420, 1.9)],
      errors: ['checksum mismatch: threads × 2 gave 7, sequential gave 8'],
    })
    expect(v.text).toContain('Checksums disagree')
  })

  it('counts failed trials, and says a strategy needs its baseline for speedups', () => {
    const v = said({
      workload: 'primes',
      stats: [makeStats('threads', 2, 420, null), makeStats('processes', 2, 500, null)],
      trials: [failedTrial('threads', 4, 'timed out after 100 ms'), failedTrial('threads', 4, 'timed out')],
    })
    expect(v.text).toContain('2 trials failed and are left out of the statistics.')
    expect(v.text).toContain('Speedups of Worker threads, Processes need Sequential in the run.')
    // Without a baseline the headline compares the winner with the slowest.
    expect(v.headline).toBe('Worker threads × 2 won: 420 ms, 1.19× faster than Processes × 2.')
  })

  it('says when no trial finished, and why', () => {
    const v = said({ workload: 'primes', stats: [], status: 'failed', trials: [failedTrial('threads', 2, 'crashed')] })
    expect(verdictSentences(v)).toEqual([
      'No trial finished, so there is nothing to compare.',
      '1 trial failed and is left out of the statistics.',
      'The run failed: this covers only the trials that finished.',
    ])
  })

  it('knows strategies by the facts on their specs, not by id', () => {
    // A renamed Node pool of processes still reads as processes; its baseline comes from its spec.
    const strategies = [
      {
        id: 'one',
        title: 'One by one',
        runtime: 'node',
        takesWorkers: false,
        baseline: 'one',
        lanes: 'workers',
        unit: { one: 'thread', many: 'threads' },
        gilBound: false,
        executor: 'node-threads',
      },
      {
        id: 'pool',
        title: 'Thread pool',
        runtime: 'node',
        takesWorkers: true,
        baseline: 'one',
        lanes: 'workers',
        unit: { one: 'thread', many: 'threads' },
        gilBound: false,
        executor: 'node-threads',
      },
      {
        id: 'forks',
        title: 'Forks',
        runtime: 'node',
        takesWorkers: true,
        baseline: 'one',
        lanes: 'workers',
        unit: { one: 'process', many: 'processes' },
        gilBound: false,
        executor: 'node-processes',
      },
    ] as const
    const run = {
      ...runOf({ workload: 'primes', stats: [] }),
      stats: [makeStats('one', 1, 800, 1), makeStats('pool', 2, 420, 1.9), makeStats('forks', 2, 500, 1.6)],
    }
    const v = verdict(run, strategies)
    expect(v.headline).toBe('Thread pool × 2 won: 420 ms, 1.90× faster than One by one.')
    expect(v.reasons.join(' ')).toContain('Processes were 1.19× slower than threads')
  })
})
