// Each cause the verdict names, with a run that should name it and one that should not: a cause is
// said only when this run's measurements carry it (issue 10, "a verdict that is never wrong about the cause").
import { describe, expect, it } from 'vitest'
import { amdahlNote } from '../../../src/shared/analysis/amdahl'
import { verdict } from '../../../src/shared/analysis/verdict'
import { backgroundLoadWarning } from '../../../src/shared/format'
import { makeStats, runOf, type RunOf } from './runs'

const said = (shape: RunOf & { python?: { gil: boolean } | null; params?: Record<string, number> }) => {
  const run = runOf(shape)
  const v = verdict({
    ...run,
    config: { ...run.config, params: shape.params ?? run.config.params },
    python: shape.python ?? null,
  })
  return { ...v, text: v.reasons.join(' ') }
}

describe('load from other programs', () => {
  it('is blamed only when the sampler measured it, and never on a browser it did not see', () => {
    const run = (otherCores: number | null) =>
      said({
        workload: 'primes',
        stats: [makeStats('sequential', 1, 800, 1), makeStats('threads', 2, 560, 1.43, { otherCores })],
      }).text
    expect(run(0.6)).toContain('Other programs kept up to 0.6 cores busy while this ran (during Worker threads × 2)')
    expect(run(0.6)).not.toMatch(/browser/)
    expect(run(0.1)).not.toMatch(/Other programs/)
    expect(run(null)).not.toMatch(/Other programs/)
  })

  it('names the group as the screen does, not by its id', () => {
    expect(backgroundLoadWarning([{ strategy: 'py-threads', workers: 4, otherCores: 0.5 }])).toContain(
      '(during Python threads × 4)',
    )
    expect(backgroundLoadWarning([{ strategy: 'async', workers: 1, otherCores: 0.5 }])).toContain(
      '(during Async event loop)',
    )
  })

  it('stops the Amdahl fit with the group named as on screen', () => {
    const note = amdahlNote(
      [
        makeStats('sequential', 1, 800, 1),
        makeStats('threads', 1, 800, 1),
        makeStats('threads', 2, 600, 1.33, { otherCores: 0.9 }),
      ],
      { logicalCores: 2, tasks: 8 },
    )
    expect('why' in note && note.why).toContain('during Worker threads × 2')
  })
})

describe('processes against threads', () => {
  const run = (extra: Parameters<typeof makeStats>[4] = {}) =>
    said({
      workload: 'primes',
      stats: [
        makeStats('sequential', 1, 800, 1),
        makeStats('threads', 2, 420, 1.9),
        makeStats('processes', 2, 500, 1.6, extra),
      ],
    }).text

  it('never blames starting processes: start-up is outside the timed trials', () => {
    expect(run()).toContain('Processes were 1.19× slower than threads')
    expect(run()).not.toMatch(/runtime to start|starting processes/)
    expect(run()).toContain('tasks and results are copied to and from each process')
  })

  it('names no cause for the difference when timings varied or other programs were busy', () => {
    for (const extra of [{ noisy: true }, { otherCores: 0.8 }]) {
      expect(run(extra)).toContain('Processes were 1.19× slower than threads')
      expect(run(extra)).not.toContain('copied to and from')
      expect(run(extra)).toContain('too uncertain to say why')
    }
  })
})

describe('more workers than cores', () => {
  it('says the extra workers only wait when a count at or below the cores was measured and the larger one was no faster', () => {
    const v = said({
      workload: 'primes',
      stats: [
        makeStats('sequential', 1, 800, 1),
        makeStats('threads', 2, 420, 1.9),
        makeStats('threads', 4, 430, 1.86),
      ],
    })
    expect(v.text).toContain(
      'Worker threads × 4 was no faster than Worker threads × 2: with 2 cores, the extra workers only wait for a core.',
    )
  })

  it('says nothing of the cause when the larger count was faster, or when nothing at or below the cores ran', () => {
    const faster = said({
      workload: 'primes',
      stats: [
        makeStats('sequential', 1, 800, 1),
        makeStats('threads', 2, 600, 1.33),
        makeStats('threads', 4, 420, 1.9),
      ],
    })
    expect(faster.text).not.toMatch(/only wait for a core/)
    const alone = said({
      workload: 'primes',
      stats: [makeStats('sequential', 1, 800, 1), makeStats('threads', 4, 420, 1.9)],
    })
    expect(alone.text).not.toMatch(/only wait for a core|adds no speed/)
  })
})

describe('event loops', () => {
  it('wins on I/O by overlapping waits, said in the headline, never as an efficiency', () => {
    const v = said({
      workload: 'sleep',
      stats: [
        makeStats('sequential', 1, 2500, 1, { cpuUtilisation: 0.02 }),
        makeStats('async', 1, 60, 41.7, { cpuUtilisation: 0.05 }),
      ],
    })
    expect(v.headline).toBe(
      'Async event loop won: 60.0 ms, 41.70× faster than Sequential, by overlapping waits on one thread.',
    )
    expect(`${v.headline} ${v.text}`).not.toMatch(/efficien/i)
  })

  it('does not claim overlap for an event loop that gained little on I/O', () => {
    const v = said({
      workload: 'sleep',
      stats: [makeStats('sequential', 1, 100, 1), makeStats('async', 1, 95, 1.05)],
    })
    expect(v.text).not.toContain('The async event loop reached')
    expect(v.text).toContain('Async event loop overlapped little here (1.05×)')
  })

  it('calls CPU-bound work on an event loop "concurrency without parallelism" only when it gained little', () => {
    const text = (speedup: number) =>
      said({
        workload: 'primes',
        stats: [makeStats('sequential', 1, 800, 1), makeStats('async', 1, 800 / speedup, speedup)],
      }).text
    expect(text(0.99)).toContain('concurrency without parallelism')
    expect(text(1.8)).not.toContain('concurrency without parallelism')
  })

  it('says the CPU stayed idle on I/O-bound work only when it did', () => {
    const text = (cpuUtilisation: number) =>
      said({
        workload: 'sleep',
        stats: [
          makeStats('sequential', 1, 2500, 1, { cpuUtilisation }),
          makeStats('threads', 2, 1260, 1.98, { cpuUtilisation }),
        ],
      }).text
    expect(text(0.05)).toContain('The CPU stayed mostly idle (at most 5% of all cores)')
    expect(text(0.9)).not.toContain('mostly idle')
  })
})

describe('sequential winning', () => {
  it('blames tiny tasks only when the tasks measured tiny', () => {
    const run = (meanMs: number, tasks: number) =>
      said({
        workload: 'noop',
        params: { tasks },
        stats: [makeStats('sequential', 1, meanMs, 1), makeStats('threads', 2, meanMs * 3, 0.33)],
      })
    const tiny = run(50, 10_000)
    expect(tiny.headline).toBe('Sequential won (50.0 ms): no concurrent strategy beat it here.')
    expect(tiny.text).toContain('Each task took 5 µs on average in Sequential: handing tasks to workers')
    const large = run(4000, 4)
    expect(large.text).not.toMatch(/Each task took|task is tiny/)
    expect(large.text).not.toMatch(/starting workers/)
  })

  it('blames other programs for a lost race only when they were measured busy', () => {
    const v = said({
      workload: 'primes',
      params: { tasks: 4 },
      stats: [makeStats('sequential', 1, 4000, 1), makeStats('threads', 2, 4200, 0.95, { otherCores: 1.2 })],
    })
    expect(v.text).toContain('Other programs kept up to 1.2 cores busy')
  })
})

describe('the GIL', () => {
  const cpuRun = (threads: Parameters<typeof makeStats>[4], python: { gil: boolean } | null = null) =>
    said({
      workload: 'countdown',
      python,
      stats: [makeStats('py-sequential', 1, 1000, 1, { cpuMs: 990 }), makeStats('py-threads', 2, 1040, 0.96, threads)],
    })

  it('is named when GIL-bound threads gained little and were measured holding about one core', () => {
    expect(cpuRun({ cpuMs: 1060 }).text).toContain('That is the GIL')
  })

  it('is not named when the threads kept more than one core busy, yet gained little', () => {
    const v = cpuRun({ cpuMs: 1900 })
    expect(v.text).not.toContain('That is the GIL')
    expect(v.text).toContain('2 threads kept 1.8 cores busy')
    expect(v.text).toContain('so the GIL did not hold them to one core')
  })

  it('is not named when other programs kept the cores busy', () => {
    const v = cpuRun({ cpuMs: 1060, otherCores: 0.9 })
    expect(v.text).not.toContain('That is the GIL')
    expect(v.text).toContain('other programs kept 0.9 cores busy')
  })

  it('is named when other programs were busy but left the threads room for more than one core', () => {
    // Measured in browser mode on 2 cores: the page and server kept 0.3 cores busy, leaving 1.7
    // free, and the threads still held to 0.9 of them: the GIL, not the load, held them back.
    const v = cpuRun({ cpuMs: 1060, otherCores: 0.3 })
    expect(v.text).toContain('That is the GIL')
    expect(v.text).toContain('Other programs kept up to 0.3 cores busy')
  })

  it('is not named when the interpreter ran with the GIL off', () => {
    const v = cpuRun({ cpuMs: 1060 }, { gil: false })
    expect(v.text).not.toContain('That is the GIL')
    expect(v.text).toContain('the interpreter ran with the GIL off')
  })

  it('does not call a speedup parallel when the threads kept about one core busy: the baseline was slowed', () => {
    // Measured with the CLI beside a busy loop on 2 cores: Python sequential took 91.4 ms while
    // other programs kept 1.3 cores busy, the threads 58.4 ms holding 0.96 cores; the verdict said
    // "these threads ran in parallel, so the work ran outside the GIL".
    const slowedBaseline = (load: { otherCores?: number } = {}) =>
      said({
        workload: 'countdown',
        stats: [
          makeStats('py-sequential', 1, 91.4, 1, { cpuMs: 54.2, otherCores: load.otherCores ?? null }),
          makeStats('py-threads', 2, 58.4, 1.57, {
            cpuMs: 56.1,
            otherCores: load.otherCores === undefined ? null : 1.0,
          }),
        ],
      })
    const v = slowedBaseline({ otherCores: 1.3 })
    expect(v.text).not.toContain('ran in parallel')
    expect(v.text).not.toContain('That is the GIL')
    expect(v.text).toContain('2 threads kept 1.0 cores busy')
    expect(v.text).toContain('Python sequential ran while other programs kept 1.3 cores busy')
    // Without load on the baseline, no cause is named for it.
    const quiet = slowedBaseline()
    expect(quiet.text).not.toContain('ran in parallel')
    expect(quiet.text).not.toContain('other programs')
    expect(quiet.text).toContain('did not run in parallel')
  })

  it('is not named for strategies that are not GIL-bound', () => {
    const v = said({
      workload: 'countdown',
      stats: [
        makeStats('py-sequential', 1, 1000, 1, { cpuMs: 990 }),
        makeStats('py-processes', 2, 1040, 0.96, { cpuMs: 1060 }),
      ],
    })
    expect(v.text).not.toContain('That is the GIL')
    expect(v.concepts).not.toContain('gil')
  })

  it('does not blame starting processes when Python processes gain little', () => {
    const v = said({
      workload: 'countdown',
      stats: [
        makeStats('py-sequential', 1, 200, 1),
        makeStats('py-threads', 2, 210, 0.95, { cpuMs: 205 }),
        makeStats('py-processes', 2, 195, 1.03, { cpuMs: 240 }),
      ],
    })
    expect(v.text).toContain('Python processes × 2 gained little too')
    expect(v.text).not.toMatch(/starting processes/)
  })
})
