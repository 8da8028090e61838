import { Worker } from 'node:worker_threads'
import { describe, expect, it } from 'vitest'
import type { Sample } from '../../src/shared/schemas'
import { Sampler, parseProcStat, utilisation } from '../../src/main/lab/sampler'

describe('sampler maths', () => {
  it('parses per-core lines of /proc/stat and ignores the total line', () => {
    const text = [
      'cpu  10 0 10 80 0 0 0 0 0 0',
      'cpu0 5 0 5 40 0 0 0 0 0 0',
      'cpu1 5 0 5 30 10 0 0 0 0 0',
      'intr 1 2',
    ].join('\n')
    expect(parseProcStat(text)).toEqual([
      { busy: 10, total: 50 },
      { busy: 10, total: 50 },
    ])
  })

  it('computes percent busy between readings, clamped to 0–100', () => {
    const before = [
      { busy: 10, total: 100 },
      { busy: 10, total: 100 },
      { busy: 10, total: 100 },
    ]
    const after = [
      { busy: 60, total: 200 },
      { busy: 10, total: 100 },
      { busy: 500, total: 150 },
    ]
    expect(utilisation(before, after)).toEqual([50, 0, 100])
  })
})

describe('Sampler', () => {
  it('samples every core within [0, 100] and sees a core kept busy', async () => {
    const samples: Sample[] = []
    const sampler = new Sampler({ hz: 20, clockOrigin: Date.now() * 1000, onSample: (s) => samples.push(s) })
    sampler.start()
    // Keep one core busy for a second in a thread of our own.
    const spinner = new Worker('const end = Date.now() + 1000; while (Date.now() < end) {}', { eval: true })
    await new Promise((resolve) => spinner.once('exit', resolve))
    sampler.stop()
    expect(samples.length).toBeGreaterThanOrEqual(10)
    for (const s of samples) {
      for (const c of s.cores) {
        expect(c).toBeGreaterThanOrEqual(0)
        expect(c).toBeLessThanOrEqual(100)
      }
      expect(s.rss).toBeGreaterThan(0)
    }
    // Summed over cores, the spinning thread adds most of one core while it runs.
    const busy = samples.slice(2, -2).map((s) => s.cores.reduce((a, b) => a + b, 0))
    const mean = busy.reduce((a, b) => a + b, 0) / busy.length
    expect(mean).toBeGreaterThan(60)
    // Samples are stamped in order on the run's clock.
    for (let i = 1; i < samples.length; i++) expect(samples[i]!.t).toBeGreaterThan(samples[i - 1]!.t)
  })
})
