import { describe, expect, it } from 'vitest'
import { compareRuns, formatP, machineDifferences, timeRatio } from '../../src/shared/compare'
import { CSV_COLUMNS, csvField, exportRun, exportRunCsv, exportRunMarkdown } from '../../src/shared/export'
import { logGamma, regularizedIncompleteBeta, studentTCdf, welchTTest } from '../../src/shared/stats'
import { machine, makeRun } from './fixtures'

// Reference values from SciPy 1.17 (scipy.special.betainc, scipy.stats.t.cdf, scipy.stats.ttest_ind).
describe('Student t distribution', () => {
  it('ln Γ matches known values', () => {
    expect(logGamma(0.5)).toBeCloseTo(0.5723649429247004, 12)
    expect(logGamma(10)).toBeCloseTo(12.801827480081467, 12)
    expect(logGamma(0.1)).toBeCloseTo(2.2527126517342055, 12)
    expect(logGamma(171.3)).toBeCloseTo(708.114947038997, 9)
  })

  it('the regularized incomplete beta function matches closed forms and SciPy', () => {
    expect(regularizedIncompleteBeta(0.3, 1, 1)).toBeCloseTo(0.3, 14)
    expect(regularizedIncompleteBeta(0.3, 4, 1)).toBeCloseTo(0.3 ** 4, 14)
    expect(regularizedIncompleteBeta(0.4, 2, 3)).toBeCloseTo(0.5248, 12) // P(Binomial(4, 0.4) ≥ 2)
    expect(regularizedIncompleteBeta(0.5, 7.5, 7.5)).toBeCloseTo(0.5, 14)
    expect(regularizedIncompleteBeta(0.3, 2.5, 3.5)).toBeCloseTo(0.29675298929566646, 12)
    expect(regularizedIncompleteBeta(0.1, 0.5, 0.5)).toBeCloseTo(0.20483276469913345, 12)
    expect(regularizedIncompleteBeta(0.4, 10, 20)).toBeCloseTo(0.7853183897628262, 12)
    expect(regularizedIncompleteBeta(0.45, 50, 60)).toBeCloseTo(0.4642352914306031, 11)
    expect([regularizedIncompleteBeta(0, 2, 3), regularizedIncompleteBeta(1, 2, 3)]).toEqual([0, 1])
  })

  it('the t CDF matches the closed forms for 1 and 2 degrees of freedom, and SciPy elsewhere', () => {
    for (const t of [-5, -1, -0.3, 0, 0.7, 2, 12.706]) {
      expect(studentTCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 12)
      expect(studentTCdf(t, 2)).toBeCloseTo(0.5 + t / (2 * Math.sqrt(2 + t * t)), 12)
    }
    expect(studentTCdf(2.0, 5)).toBeCloseTo(0.9490302605850708, 12)
    expect(studentTCdf(-1.5, 7.3)).toBeCloseTo(0.08778154640154305, 12)
    expect(studentTCdf(0.7, 100)).toBeCloseTo(0.7572236967728134, 12)
    expect(studentTCdf(3.1, 2.5)).toBeCloseTo(0.9661058108375399, 12)
    expect(studentTCdf(2.228, 10)).toBeCloseTo(0.975, 4) // the table value in stats.ts
  })

  it("Welch's t-test matches SciPy's ttest_ind(equal_var=False)", () => {
    // a = [19.1, 21.3, 20.2, 22.8, 20.9], b = [23.4, 24.1, 22.9, 25.3, 24.8, 23.7]
    const result = welchTTest(
      { mean: 20.86, stdev: 1.3685759021698432, n: 5 },
      { mean: 24.03333333333333, stdev: 0.893681524183346, n: 6 },
    )!
    expect(result.t).toBeCloseTo(-4.453560533649802, 10)
    expect(result.df).toBeCloseTo(6.673671157340808, 10)
    expect(result.p).toBeCloseTo(0.0033266890099416337, 12)
  })

  it('has no p-value with one repetition, and a certain one without spread', () => {
    expect(welchTTest({ mean: 1, stdev: 0, n: 1 }, { mean: 2, stdev: 0.1, n: 5 })).toBeNull()
    expect(welchTTest({ mean: 1, stdev: 0, n: 3 }, { mean: 2, stdev: 0, n: 3 })!.p).toBe(0)
    expect(welchTTest({ mean: 1, stdev: 0, n: 3 }, { mean: 1, stdev: 0, n: 3 })!.p).toBe(1)
  })
})

describe('comparing two runs', () => {
  it('propagates the uncertainty of a ratio of means as hyperfine does', () => {
    const r = timeRatio({ meanMs: 200, stdevMs: 10 }, { meanMs: 100, stdevMs: 4 })
    expect(r.value).toBe(2)
    expect(r.error).toBeCloseTo(2 * Math.sqrt(0.05 ** 2 + 0.04 ** 2), 12)
  })

  it('says per strategy × workers which run is faster, by how much, and whether it is significant', () => {
    const laptop = makeRun({ seed: 1, repetitions: 5, meanMs: (s, w) => (s === 'sequential' ? 100 : 100 / w) })
    const server = makeRun({ seed: 2, repetitions: 5, meanMs: (s, w) => (s === 'sequential' ? 50 : 100 / w) })
    const c = compareRuns(laptop, server, { a: 'laptop', b: 'server' })
    expect(c.rows.map((r) => [r.strategy, r.workers])).toEqual([
      ['sequential', 1],
      ['threads', 2],
    ])
    const seq = c.rows[0]!
    expect(seq.ratio!.value).toBeCloseTo(laptop.stats[0]!.meanMs / server.stats[0]!.meanMs, 12)
    expect(seq.ratio!.value).toBeGreaterThan(1.8)
    expect(seq.faster).toBe('b')
    expect(seq.welch!.p).toBeLessThan(0.001)
    expect(seq.verdict).toMatch(/^server is \d\.\d\d ± \d\.\d\d times faster than laptop \(p < 0\.001\)$/)
    const threads = c.rows[1]!
    expect(threads.faster).toBeNull()
    expect(threads.welch!.p).toBeGreaterThan(0.05)
    expect(threads.verdict).toMatch(
      /^no significant difference \((laptop|server) \d\.\d\d ± \d\.\d\d times faster, p = 0\.\d\d\)$/,
    )
  })

  it('lists groups found in only one run, and what differs in the configurations', () => {
    const a = makeRun({ strategies: ['sequential'] })
    const b = makeRun({ strategies: ['sequential', 'threads'] })
    b.config = { ...b.config, params: { size: 40000, tasks: 64 }, chunkSize: 8 }
    const c = compareRuns(a, b)
    expect(c.rows.find((r) => r.strategy === 'threads')!.verdict).toBe('only in B')
    expect(c.configDifferences).toEqual([
      'size differs: 20000 and 40000',
      'tasks differs: 32 and 64',
      'chunk size differs: 1 and 8',
    ])
  })

  it('marks the machine fields that differ', () => {
    const diff = machineDifferences(machine, { ...machine, logicalCores: 64, cpuGovernor: 'powersave', python: null })
    expect(diff.filter((d) => d.differs).map((d) => [d.label, d.a, d.b])).toEqual([
      ['logical cores', '16', '64'],
      ['Python', '3.11.7', 'unknown'],
      ['CPU governor', 'performance', 'powersave'],
    ])
  })

  it('names the Dask cluster a run used, and "none" for a run without one', () => {
    const cluster = {
      kind: 'local' as const,
      workers: 2,
      threads: 2,
      versions: { distributed: '2022.12.1', dask: '2022.12.1', python: '3.11.2.final.0' },
    }
    const diff = machineDifferences(machine, { ...machine, cluster })
    expect(diff.filter((d) => d.differs).map((d) => [d.label, d.a, d.b])).toEqual([
      ['Dask cluster', 'none', 'local: 2 workers, 2 threads, distributed 2022.12.1'],
    ])
  })

  it('formats p-values', () => {
    expect([formatP(0.0004), formatP(0.0032), formatP(0.41)]).toEqual(['p < 0.001', 'p = 0.003', 'p = 0.41'])
  })
})

describe('exports', () => {
  const run = makeRun({ repetitions: 2 })

  it('CSV: a header and one row per trial, quoted where needed', () => {
    const broken = makeRun({ repetitions: 1 })
    broken.trials[0]!.error = 'timed out, "really"'
    const lines = exportRunCsv(broken).trimEnd().split('\r\n')
    expect(lines[0]).toBe(CSV_COLUMNS.join(','))
    expect(lines).toHaveLength(1 + broken.trials.length)
    const first = broken.trials[0]!
    expect(lines[1]).toBe(
      `run-1,primes,sequential,node,1,1,false,${first.start},${first.wallMs},${first.cpuMs},${first.peakRssBytes},8,2262,"timed out, ""really"""`,
    )
    expect(csvField('a\nb')).toBe('"a\nb"')
  })

  it('JSON: the run as the lab holds it', () => {
    expect(JSON.parse(exportRun(run, 'json'))).toEqual(run)
  })

  it('Markdown: configuration, machine, a results table like hyperfine, and a verdict', () => {
    const md = exportRunMarkdown(run, { name: 'Laptop | server' })
    expect(md).toMatch(/^# Count primes — 2025-03-04 10:20 UTC\n\nSession: Laptop \\\| server · run run-1 · finished\n/)
    expect(md).toContain('| Workload | `primes` (size=20000, tasks=32) |')
    expect(md).toContain('| CPU | Test CPU 3000 · 8 cores / 16 threads · Debian GNU/Linux 12 (bookworm) |')
    expect(md).toContain('| Strategy | Workers | Mean [ms] | Min [ms] | Max [ms] | Speedup | Relative |')
    const seq = run.stats.find((g) => g.strategy === 'sequential')!
    expect(md).toContain(
      `| \`sequential\` | 1 | ${seq.meanMs.toFixed(1)} ± ${seq.stdevMs.toFixed(1)} | ${seq.minMs.toFixed(1)} | ${seq.maxMs.toFixed(1)} | 1.00× |`,
    )
    expect(md).toMatch(/\| `threads` \| 2 \| [\d.]+ ± [\d.]+ \| [\d.]+ \| [\d.]+ \| \d\.\d\d× \| 1\.00 \|/)
    expect(md).toMatch(
      /## Verdict\n\nWorker threads × 2 won: [\d.]+ ms, [12]\.\d\d× faster than Sequential\.\n\n- Count primes is CPU-bound: /,
    )
  })

  it("the report's verdict says when a run was stopped, trials failed or checksums disagree", () => {
    const stopped = makeRun({ status: 'stopped' })
    stopped.trials[0]!.error = 'checksum 1 differs from 2262'
    stopped.stats[0]!.checksumOk = false
    const md = exportRunMarkdown(stopped)
    expect(md).toContain('- Checksums disagree between strategies: a result is wrong, so its time does not count.')
    expect(md).toContain('- 1 trial failed and is left out of the statistics.')
    expect(md).toContain('- The run was stopped: this covers only the trials that finished.')
  })
})
