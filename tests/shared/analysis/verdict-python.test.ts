// The verdict's Python reasons, from constructed stats: it names the GIL only when the measured
// figures say so, and quotes the busy cores it was given.
import { describe, expect, it } from 'vitest'
import { findStrategy } from '../../../src/shared/catalog'
import { busyCores, busyReading } from '../../../src/shared/analysis/busy'
import { verdict } from '../../../src/shared/analysis/verdict'
import { makeStats, runOf, type RunOf } from './runs'

const countdown = 'countdown'
const said = (shape: RunOf) => {
  const v = verdict(runOf(shape))
  return { ...v, text: v.reasons.join(' ') }
}
const reading = (strategy: string, workers: number, meanMs: number, cpuMs: number) =>
  busyReading(makeStats(strategy, workers, meanMs, 1, { cpuMs }), findStrategy(strategy))

describe('busy cores', () => {
  it('is CPU time over wall time, and reads as threads, processes or a loop for Python rows', () => {
    expect(busyCores({ meanMs: 500, cpuMs: 950 })).toBeCloseTo(1.9)
    expect(busyCores({ meanMs: 0, cpuMs: 10 })).toBeNull()
    expect(reading('py-threads', 4, 1000, 1020)).toBe('4 threads kept 1.0 cores busy')
    expect(reading('py-processes', 2, 500, 940)).toBe('2 processes kept 1.9 cores busy')
    expect(reading('py-asyncio', 1, 500, 20)).toBe('one event loop kept 0.0 cores busy')
    expect(reading('py-gevent', 10, 500, 50)).toBe('one event loop kept 0.1 cores busy')
    expect(reading('py-twisted', 10, 500, 50)).toBe('one reactor kept 0.1 cores busy')
    expect(reading('py-sequential', 1, 500, 500)).toBe('1 thread kept 1.0 cores busy')
    expect(reading('threads', 2, 500, 950)).toBeNull()
    expect(reading('no-such-strategy', 2, 500, 950)).toBeNull()
  })
})

describe('verdict on Python runs', () => {
  it('says it is the GIL when CPU-bound threads gain little while processes gain, quoting the measured busy cores', () => {
    const v = said({
      workload: countdown,
      stats: [
        makeStats('py-sequential', 1, 1000, 1, { cpuMs: 990 }),
        makeStats('py-threads', 2, 1040, 0.96, { cpuMs: 1060 }),
        makeStats('py-processes', 2, 560, 1.79, { cpuMs: 1080 }),
      ],
    })
    expect(v.text).toContain('Python threads × 2 gained little (0.96×; 2 threads kept 1.0 cores busy). That is the GIL')
    expect(v.text).toContain('one thread at a time run Python bytecode')
    expect(v.text).toContain(
      'Python processes × 2 did gain (1.79×; 2 processes kept 1.9 cores busy): each process has its own interpreter and its own GIL',
    )
    expect(v.concepts).toContain('gil')
    expect(v.headline).toBe('Python processes × 2 won: 560 ms, 1.79× faster than Python sequential.')
  })

  it('takes the figures from the stats, not from a script', () => {
    const v = said({
      workload: countdown,
      stats: [
        makeStats('py-sequential', 1, 1000, 1),
        makeStats('py-threads', 4, 900, 1.11, { cpuMs: 1170 }),
        makeStats('py-processes', 4, 400, 2.5, { cpuMs: 1500 }),
      ],
    })
    expect(v.text).toContain('(1.11×; 4 threads kept 1.3 cores busy). That is the GIL')
    expect(v.text).toContain('(2.50×; 4 processes kept 3.8 cores busy)')
  })

  it('does not blame the GIL when the threads did run in parallel', () => {
    const v = said({
      workload: countdown,
      stats: [makeStats('py-sequential', 1, 1000, 1), makeStats('py-threads', 2, 550, 1.82, { cpuMs: 1080 })],
    })
    expect(v.text).not.toContain('That is the GIL')
    expect(v.text).toContain(
      'Python threads × 2 gained (1.82×; 2 threads kept 2.0 cores busy): these threads ran in parallel',
    )
  })

  it('says when processes did not gain either, instead of crediting them', () => {
    const v = said({
      workload: countdown,
      stats: [
        makeStats('py-sequential', 1, 200, 1),
        makeStats('py-threads', 2, 210, 0.95, { cpuMs: 205 }),
        makeStats('py-processes', 2, 195, 1.03, { cpuMs: 240 }),
      ],
    })
    expect(v.text).toContain('That is the GIL')
    expect(v.text).toContain('Python processes × 2 gained little too (1.03×')
    expect(v.text).not.toContain('did gain')
    expect(v.text).not.toContain('Add Python processes')
  })

  it('reads threads with the GIL off by their own gain', () => {
    const nogil = (meanMs: number, cpuMs: number) =>
      said({
        workload: countdown,
        stats: [
          makeStats('py-sequential', 1, 1000, 1),
          makeStats('py-threads-nogil', 2, meanMs, 1000 / meanMs, { cpuMs }),
        ],
      })
    const parallel = nogil(520, 1030)
    expect(parallel.text).toContain(
      'Python threads, no GIL × 2 gained (1.92×; 2 threads kept 2.0 cores busy): on a free-threaded build with the GIL off',
    )
    expect(parallel.text).not.toContain('That is the GIL')
    expect(parallel.concepts).toContain('gil')
    const flat = nogil(980, 1000)
    expect(flat.text).toContain('gained little (1.02×; 2 threads kept 1.0 cores busy) even with the GIL off')
    expect(flat.text).not.toContain('on a free-threaded build with the GIL off, threads run')
  })

  it('says CPU-bound asyncio tasks run inline, only when asyncio ran', () => {
    const v = said({
      workload: countdown,
      stats: [makeStats('py-sequential', 1, 1000, 1), makeStats('py-asyncio', 1, 1010, 0.99)],
    })
    expect(v.text).toContain('Python asyncio gave 0.99×: its CPU-bound tasks run inline on the one event loop')
    expect(v.concepts).toContain('event-loop')
    const without = said({
      workload: countdown,
      stats: [makeStats('py-sequential', 1, 1000, 1), makeStats('py-processes', 2, 520, 1.92)],
    })
    expect(without.text).not.toContain('run inline')
  })

  it('says when I/O-bound threads overlapped little, and does not credit them with overlap', () => {
    const v = said({
      workload: 'sleep',
      stats: [makeStats('py-sequential', 1, 100, 1, { cpuMs: 5 }), makeStats('py-threads', 2, 95, 1.05, { cpuMs: 6 })],
    })
    expect(v.text).toContain('Python threads × 2 overlapped little here (1.05×; 2 threads kept 0.1 cores busy)')
    expect(v.text).not.toContain('overlapped the waits')
  })

  it('judges by busy cores when there is no Python sequential to compare with', () => {
    const v = said({ workload: countdown, stats: [makeStats('py-threads', 2, 1000, null, { cpuMs: 1010 })] })
    expect(v.text).toContain('Python threads × 2 gained little (2 threads kept 1.0 cores busy). That is the GIL')
    expect(v.text).toContain('Add Python processes')
  })

  it('credits hashlib when sha256 threads gain, and explains small buffers when they do not', () => {
    const sha = 'sha256'
    const gains = said({
      workload: sha,
      stats: [makeStats('py-sequential', 1, 1000, 1), makeStats('py-threads', 2, 560, 1.79, { cpuMs: 1100 })],
    })
    expect(gains.text).toContain(
      'Python threads × 2 gained (1.79×; 2 threads kept 2.0 cores busy): hashlib releases the GIL',
    )
    expect(gains.text).toContain('The GIL is about Python bytecode, not all code.')
    const flat = said({
      workload: sha,
      stats: [makeStats('py-sequential', 1, 1000, 1), makeStats('py-threads', 2, 980, 1.02, { cpuMs: 990 })],
    })
    expect(flat.text).toContain(
      'gained little (1.02×; 2 threads kept 1.0 cores busy): hashlib releases the GIL only while it hashes a large buffer',
    )
  })

  it('explains I/O-bound Python threads and asyncio by overlapped waits', () => {
    const v = said({
      workload: 'http',
      stats: [
        makeStats('py-sequential', 1, 2600, 1, { cpuMs: 120 }),
        makeStats('py-threads', 10, 300, 8.67, { cpuMs: 150 }),
        makeStats('py-asyncio', 1, 140, 18.57, { cpuMs: 60 }),
      ],
    })
    expect(v.text).toContain(
      'Python threads × 10 (8.67×) and Python asyncio (18.57×) overlapped the waits: a waiting thread releases the GIL, and one event loop keeps many waits in flight on one thread. They kept at most 0.5 cores busy: waiting needs no core, so the GIL does not get in the way.',
    )
    expect(v.concepts).toEqual(expect.arrayContaining(['gil', 'event-loop']))
  })

  it('explains I/O-bound event-loop frameworks by their loop, without the GIL', () => {
    const v = said({
      workload: 'http',
      stats: [
        makeStats('py-sequential', 1, 2690, 1, { cpuMs: 40 }),
        makeStats('py-gevent', 10, 328, 8.2, { cpuMs: 31 }),
        makeStats('py-twisted', 10, 125, 21.5, { cpuMs: 53 }),
        makeStats('py-asyncio-uvloop', 1, 83, 32.48, { cpuMs: 11 }),
      ],
    })
    expect(v.text).toContain(
      'Python asyncio on uvloop (32.48×) overlapped the waits: one event loop keeps many waits in flight on one thread. It kept at most 0.1 cores busy: waiting needs no core.',
    )
    expect(v.text).not.toContain('GIL')
    expect(v.concepts).toEqual(['event-loop'])
    // Twisted's loop is named as Twisted names it.
    const twisted = said({
      workload: 'sleep',
      stats: [makeStats('py-sequential', 1, 2600, 1), makeStats('py-twisted', 4, 130, 20, { cpuMs: 13 })],
    })
    expect(twisted.text).toContain('Python Twisted × 4 (20.00×) overlapped the waits: one reactor keeps many waits')
    expect(twisted.text).not.toContain('GIL')
  })

  it('runs CPU-bound gevent tasks inline on one loop, not as GIL-bound threads', () => {
    const v = said({
      workload: countdown,
      stats: [makeStats('py-sequential', 1, 1000, 1), makeStats('py-gevent', 4, 1020, 0.98, { cpuMs: 1010 })],
    })
    expect(v.text).toContain('Python gevent × 4 gave 0.98×: its CPU-bound tasks run inline on the one event loop')
    expect(v.text).not.toContain('That is the GIL')
    expect(v.concepts).toEqual(['event-loop'])
  })

  it('cannot show the GIL on one core, and says nothing about it for Node-only runs', () => {
    const one = said({
      workload: countdown,
      logicalCores: 1,
      stats: [
        makeStats('py-sequential', 1, 1000, 1),
        makeStats('py-threads', 2, 1000, 1),
        makeStats('py-processes', 2, 1000, 1),
      ],
    })
    expect(one.text).toContain('With one logical core')
    expect(one.text).not.toContain('That is the GIL')
    const node = said({
      workload: countdown,
      stats: [makeStats('sequential', 1, 1000, 1), makeStats('threads', 2, 1000, 1)],
    })
    expect(node.text).not.toContain('GIL')
    expect(node.concepts).toEqual([])
  })

  it('reads Node and Python rows of one run each against its own runtime', () => {
    const v = said({
      workload: countdown,
      stats: [
        makeStats('sequential', 1, 300, 1),
        makeStats('threads', 2, 160, 1.88),
        makeStats('py-sequential', 1, 1000, 1),
        makeStats('py-threads', 2, 1020, 0.98),
        makeStats('py-processes', 2, 540, 1.85, { cpuMs: 1050 }),
      ],
    })
    expect(v.headline).toBe('Worker threads × 2 won: 160 ms, 1.88× faster than Sequential.')
    expect(v.text).toContain('That is the GIL')
    expect(v.text).toContain('Python processes × 2 did gain (1.85×')
  })
})
