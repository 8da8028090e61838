import { describe, expect, it } from 'vitest'
import { amdahl, deriveGroupStats, summarise, tQuantile975 } from '../../src/shared/stats'

describe('summarise', () => {
  it('computes mean, median, sample deviation, extremes and a t-based 95% CI', () => {
    const s = summarise([2, 4, 4, 4, 5, 5, 7, 9])
    expect(s.mean).toBe(5)
    expect(s.median).toBe(4.5)
    expect(s.stdev).toBeCloseTo(2.138, 3)
    expect([s.min, s.max]).toEqual([2, 9])
    const half = (2.365 * s.stdev) / Math.sqrt(8)
    expect(s.ci95[0]).toBeCloseTo(5 - half, 10)
    expect(s.ci95[1]).toBeCloseTo(5 + half, 10)
  })

  it('has a zero-width interval for one value and refuses none', () => {
    expect(summarise([3]).ci95).toEqual([3, 3])
    expect(() => summarise([])).toThrow(/at least one/)
  })

  it('uses Student t quantiles', () => {
    expect(tQuantile975(1)).toBe(12.706)
    expect(tQuantile975(30)).toBe(2.042)
    expect(tQuantile975(1000)).toBeCloseTo(1.96, 2)
  })
})

describe('deriveGroupStats', () => {
  const trial = (
    strategy: string,
    workers: number,
    wallMs: number,
    extra: Partial<{ warmup: boolean; error: string }> = {},
  ) => ({
    strategy,
    workers,
    wallMs,
    cpuMs: wallMs * workers,
    warmup: extra.warmup ?? false,
    error: extra.error ?? null,
  })

  it('measures speedup against sequential, efficiency per worker, and flags noise', () => {
    const stats = deriveGroupStats(
      [
        trial('sequential', 1, 999, { warmup: true }),
        trial('sequential', 1, 100),
        trial('sequential', 1, 100),
        trial('threads', 2, 50),
        trial('threads', 2, 50),
        trial('threads', 4, 20),
        trial('threads', 4, 40),
        trial('threads', 4, 1, { error: 'timed out after 100 ms' }),
      ],
      4,
    )
    const seq = stats.find((g) => g.strategy === 'sequential')!
    const t2 = stats.find((g) => g.workers === 2)!
    const t4 = stats.find((g) => g.workers === 4)!
    expect(seq).toMatchObject({ n: 2, meanMs: 100, speedup: 1, efficiency: 1, noisy: false })
    expect(t2).toMatchObject({ speedup: 2, efficiency: 1, noisy: false })
    expect(t4.n).toBe(2) // the failed trial is left out
    expect(t4.speedup).toBeCloseTo(100 / 30, 10)
    expect(t4.efficiency).toBeCloseTo(100 / 30 / 4, 10)
    expect(t4.noisy).toBe(true)
    expect(t2.cpuUtilisation).toBeCloseTo(0.5, 10) // 100 ms of CPU in 50 ms on 4 cores
  })

  it('averages the cores other programs kept busy, and leaves it empty where not measured', () => {
    const [g] = deriveGroupStats(
      [
        { ...trial('threads', 2, 100), otherCpuMs: 50 },
        { ...trial('threads', 2, 200), otherCpuMs: 20 },
      ],
      2,
    )
    expect(g!.otherCores).toBeCloseTo((0.5 + 0.1) / 2, 10)
    expect(deriveGroupStats([trial('threads', 2, 10)], 2)[0]!.otherCores).toBeNull()
  })

  it("measures each strategy against its spec's baseline: Python rows against py-sequential", () => {
    const stats = deriveGroupStats(
      [
        trial('sequential', 1, 100),
        trial('threads', 2, 50),
        trial('py-sequential', 1, 400),
        trial('py-threads', 2, 200),
      ],
      4,
    )
    expect(stats.map((g) => [g.strategy, g.speedup])).toEqual([
      ['sequential', 1],
      ['threads', 2],
      ['py-sequential', 1],
      ['py-threads', 2],
    ])
    expect(deriveGroupStats([trial('no-such-strategy', 1, 10)], 2)[0]!.speedup).toBeNull()
  })

  it('gives event loops a speedup but no efficiency: their tasks overlap waits on one thread', () => {
    const stats = deriveGroupStats(
      [trial('sequential', 1, 100), trial('async', 1, 10), trial('py-sequential', 1, 100), trial('py-asyncio', 1, 5)],
      2,
    )
    const of = (id: string) => stats.find((g) => g.strategy === id)!
    expect(of('async')).toMatchObject({ speedup: 10, efficiency: null })
    expect(of('py-asyncio')).toMatchObject({ speedup: 20, efficiency: null })
    expect(of('sequential').efficiency).toBe(1)
  })

  it('leaves speedup empty without a sequential baseline', () => {
    const [g] = deriveGroupStats([trial('threads', 2, 10)], 2)
    expect(g!.speedup).toBeNull()
    expect(g!.efficiency).toBeNull()
  })
})

describe('amdahl', () => {
  it('bounds the speedup by the serial fraction', () => {
    expect(amdahl(1, 8)).toBe(8)
    expect(amdahl(0.5, 2)).toBeCloseTo(4 / 3, 10)
    expect(amdahl(0.95, 1e9)).toBeCloseTo(20, 3)
  })
})
