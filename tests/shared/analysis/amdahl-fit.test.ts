// Amdahl's law fitted from raw trial times: T(N) = a + b/N over every trial, a bootstrap interval,
// Karp–Flatt's e(N), and worker counts above the cores left out of the fit.
import { describe, expect, it } from 'vitest'
import {
  describeSerialFit,
  fitSerialFraction,
  measureCapacity,
  projectSpeedup,
  type TrialTime,
} from '../../../src/shared/analysis/amdahl-fit'

/** Trials of work with serial fraction f (T(1) = 1000 ms), with ± `noise` relative jitter from a fixed pattern. */
function trialsOf(f: number, workers: number[], reps = 5, noise = 0.03, overheadPerWorkerMs = 0): TrialTime[] {
  const out: TrialTime[] = []
  const jitter = [0, 1, -1, 0.5, -0.5, 0.8, -0.8]
  for (const n of workers)
    for (let r = 0; r < reps; r++) {
      const ideal = 1000 * (f + (1 - f) / n) + overheadPerWorkerMs * n
      out.push({ workers: n, wallMs: ideal * (1 + noise * jitter[(r + n) % jitter.length]!) })
    }
  return out
}

describe('fitSerialFraction', () => {
  it('recovers the serial fraction of noiseless trials exactly', () => {
    for (const f of [0.1, 0.3, 0.5]) {
      const fit = fitSerialFraction(trialsOf(f, [1, 2], 3, 0), { logicalCores: 2 })!
      expect(fit.serial).toBeCloseTo(f, 6)
      expect(fit.ci95[0]).toBeCloseTo(f, 6)
      expect(fit.ci95[1]).toBeCloseTo(f, 6)
    }
  })

  it('on noisy trials, its 95% interval holds the true fraction and is not a point', () => {
    const fit = fitSerialFraction(trialsOf(0.3, [1, 2], 5, 0.03), { logicalCores: 2 })!
    expect(fit.ci95[0]).toBeLessThanOrEqual(0.3)
    expect(fit.ci95[1]).toBeGreaterThanOrEqual(0.3)
    expect(fit.ci95[1] - fit.ci95[0]).toBeGreaterThan(0)
    expect(fit.trials).toBe(10)
  })

  it('is the same for the same trials (seeded bootstrap)', () => {
    const trials = trialsOf(0.2, [1, 2, 4], 4, 0.05)
    expect(fitSerialFraction(trials, { logicalCores: 4 })).toEqual(fitSerialFraction(trials, { logicalCores: 4 }))
  })

  it('leaves worker counts above the logical cores out of the fit, and lists them', () => {
    const within = trialsOf(0.3, [1, 2], 3, 0)
    // 8 workers on 2 cores: time-sharing would read as a serial part.
    const over = [{ workers: 8, wallMs: 900 }]
    const fit = fitSerialFraction([...within, ...over], { logicalCores: 2 })!
    expect(fit.serial).toBeCloseTo(0.3, 6)
    expect(fit.oversubscribed).toEqual([8])
    expect(fit.workers).toEqual([1, 2])
  })

  it('needs two worker counts within the cores', () => {
    expect(fitSerialFraction(trialsOf(0.3, [2], 3), { logicalCores: 2 })).toBeNull()
    expect(fitSerialFraction(trialsOf(0.3, [1, 4], 3), { logicalCores: 2 })).toBeNull()
  })

  it('against a measured capacity, finds the serial fraction of cores that run short of N× one', () => {
    // Two cores that together do 1.8× the work of one (as this VM's do when both are busy): the
    // plain fit reads the shortfall as serial work, the fit against the capacity does not.
    const capacity = new Map([
      [1, 1],
      [2, 1.8],
    ])
    for (const f of [0.1, 0.3, 0.5]) {
      const trials = [1, 2].flatMap((n) =>
        [0, 1, 2].map(() => ({ workers: n, wallMs: 1000 * (f + (1 - f) / capacity.get(n)!) })),
      )
      expect(fitSerialFraction(trials, { logicalCores: 2 })!.serial).toBeGreaterThan(f + 0.04)
      const fit = fitSerialFraction(trials, { logicalCores: 2, capacity })!
      expect(fit.serial).toBeCloseTo(f, 6)
      expect(fit.karpFlatt[0]!.e).toBeCloseTo(f, 6)
    }
  })

  it('measures the cores’ capacity from trials with nothing serial: T(1) / T(N) of the means', () => {
    const trials = [
      ...[1000, 1010, 990].map((wallMs) => ({ workers: 1, wallMs })),
      ...[540, 560].map((wallMs) => ({ workers: 2, wallMs })),
      { workers: 2, wallMs: Number.NaN },
    ]
    const capacity = measureCapacity(trials)
    expect([...capacity.keys()]).toEqual([1, 2])
    expect(capacity.get(1)).toBe(1)
    expect(capacity.get(2)).toBeCloseTo(1000 / 550, 9)
    expect(measureCapacity(trials.filter((t) => t.workers === 2)).size).toBe(0)
  })

  it('refuses a capacity that does not cover every fitted worker count', () => {
    expect(() =>
      fitSerialFraction(trialsOf(0.3, [1, 2, 3], 3, 0), {
        logicalCores: 4,
        capacity: new Map([
          [1, 1],
          [2, 1.9],
        ]),
      }),
    ).toThrow('no measured capacity for 3 workers (have 1, 2)')
    // 1 worker does the work of 1, and more do more: else there is nothing to fit against.
    const trials = trialsOf(0.3, [1, 2], 3, 0)
    expect(() =>
      fitSerialFraction(trials, {
        logicalCores: 2,
        capacity: new Map([
          [1, 1],
          [2, 0.98],
        ]),
      }),
    ).toThrow('a capacity must be 1 at 1 worker and above 1 beyond: got 0.98 at 2 workers')
    expect(() =>
      fitSerialFraction(trials, {
        logicalCores: 2,
        capacity: new Map([
          [1, 1.1],
          [2, 1.9],
        ]),
      }),
    ).toThrow('a capacity must be 1 at 1 worker and above 1 beyond: got 1.1 at 1 worker')
  })

  it('says the overhead grows when Karp–Flatt e(N) rises, and not when it is flat', () => {
    const flat = fitSerialFraction(trialsOf(0.2, [1, 2, 4, 8], 3, 0), { logicalCores: 8 })!
    for (const k of flat.karpFlatt) expect(k.e).toBeCloseTo(0.2, 6)
    expect(flat.overheadGrows).toBe(false)
    const growing = fitSerialFraction(trialsOf(0.2, [1, 2, 4, 8], 3, 0, 25), { logicalCores: 8 })!
    expect(growing.karpFlatt.map((k) => k.workers)).toEqual([2, 4, 8])
    expect(growing.overheadGrows).toBe(true)
  })
})

describe('projectSpeedup', () => {
  it('turns an interval of the serial fraction into a speedup range for more cores', () => {
    const [low, high] = projectSpeedup([0.2, 0.25], 8)
    expect(low).toBeCloseTo(1 / (0.25 + 0.75 / 8), 9)
    expect(high).toBeCloseTo(1 / (0.2 + 0.8 / 8), 9)
    expect(low).toBeLessThan(high)
  })
})

describe('describeSerialFit', () => {
  it('states the fraction with its interval, the cap, and a projection labelled as one', () => {
    const fit = fitSerialFraction(trialsOf(0.25, [1, 2], 3, 0), { logicalCores: 2 })!
    const [what, projection, ...rest] = describeSerialFit('Worker threads', fit)
    expect(what).toBe(
      'Fitted over 6 trials of Worker threads at 1, 2 workers: a serial fraction of 0.25 (95% interval 0.25–0.25), which caps its speedup at 4.0× however many cores.',
    )
    expect(projection).toBe(
      'Projected, not measured: on 4 cores 2.3×–2.3×, on 8 cores 2.9×–2.9×, on 16 cores 3.4×–3.4×, on 64 cores 3.8×–3.8×.',
    )
    expect(rest).toEqual([])
  })

  it('warns when the overhead grows with the workers, and names the oversubscribed counts', () => {
    const fit = fitSerialFraction([...trialsOf(0.2, [1, 2, 4], 3, 0, 50), { workers: 8, wallMs: 500 }], {
      logicalCores: 4,
    })!
    const text = describeSerialFit('Processes', fit).join(' ')
    expect(text).toMatch(/Karp–Flatt's serial fraction rose from 0\.\d\d at 2 workers to 0\.\d\d at 4/)
    expect(text).toContain('8 workers (more than the logical cores) are drawn but left out of the fit')
  })
})
