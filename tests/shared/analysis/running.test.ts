// Running against waiting from each task's thread CPU time: the figures, when the GIL is named as
// the cause, and that the CPU column round-trips through a session file while older files (no
// column) still read.
import { describe, expect, it } from 'vitest'
import {
  ranWaited,
  runningOf,
  runningSentences,
  runningShares,
  type RunningRun,
} from '../../../src/shared/analysis/running'
import { formatRun } from '../../../src/main/cli/format'
import { exportRunMarkdown } from '../../../src/shared/export'
import { decodeSessionText, encodeSession } from '../../../src/shared/session'
import type { TimelineSlice } from '../../../src/shared/schemas'
import { timelineSliceSchema } from '../../../src/shared/schemas'
import { makeRun, makeSession } from '../../sessions/fixtures'

const slice = (start: number, end: number, cpu?: number): TimelineSlice => ({
  task: start,
  worker: 0,
  lane: 0,
  start,
  end,
  ...(cpu === undefined ? {} : { cpu }),
})

const runOf = (
  workload: string,
  groups: Array<{ strategy: string; workers: number; timeline: TimelineSlice[] }>,
  gil = true,
): RunningRun => ({
  config: { workload },
  python: { gil },
  trials: groups.flatMap((g) => [
    // A warm-up that ran whole: left out of the figures.
    { strategy: g.strategy, workers: g.workers, warmup: true, error: null, timeline: [slice(0, 100, 100)] },
    { strategy: g.strategy, workers: g.workers, warmup: false, error: null, timeline: g.timeline },
  ]),
})

describe('running against waiting', () => {
  it('weighs tasks by wall time, takes the median task, counts those that ran uninterrupted', () => {
    const r = runningOf([slice(0, 100, 50), slice(0, 300, 300), slice(0, 100, 95), slice(5, 5, 0), slice(0, 10)])
    expect(r).toEqual({ tasks: 3, running: 445 / 500, medianRunning: 0.95, uninterrupted: 2 / 3 })
    // No slice carries CPU: no figure, rather than 0%.
    expect(runningOf([slice(0, 10), slice(10, 20)])).toBeNull()
  })

  it('names the GIL only for CPU-bound GIL threads with more than one worker that waited', () => {
    const half = [slice(0, 100, 49), slice(0, 100, 49)]
    const run = runOf('countdown', [
      { strategy: 'py-threads', workers: 2, timeline: half },
      { strategy: 'py-threads', workers: 1, timeline: half },
      { strategy: 'py-processes', workers: 2, timeline: half },
      { strategy: 'py-threads-nogil', workers: 2, timeline: half },
      { strategy: 'threads', workers: 2, timeline: [slice(0, 100)] },
    ])
    expect(runningSentences(run)).toEqual([
      'py-threads × 2: tasks ran 49% of their wall time, waited 51% (for the GIL); 0% of tasks ran uninterrupted',
      'py-threads × 1: tasks ran 49% of their wall time, waited 51%',
      'py-processes × 2: tasks ran 49% of their wall time, waited 51%',
      'py-threads-nogil × 2: tasks ran 49% of their wall time, waited 51%',
    ])
    // I/O-bound threads wait for the I/O; an interpreter with the GIL off has none to wait for.
    expect(runningShares(runOf('sleep', [{ strategy: 'py-threads', workers: 2, timeline: half }]))[0]!.cause).toBeNull()
    expect(
      runningShares(runOf('countdown', [{ strategy: 'py-threads', workers: 2, timeline: half }], false))[0]!.cause,
    ).toBeNull()
    // Threads that hardly waited are not said to have waited for the GIL.
    const ran = runOf('countdown', [{ strategy: 'py-threads', workers: 2, timeline: [slice(0, 100, 95)] }])
    expect(runningSentences(ran)).toEqual([
      'py-threads × 2: tasks ran 95% of their wall time, waited 5%; 100% of tasks ran uninterrupted',
    ])
  })

  it('says when other programs kept cores busy; left about one core, it does not name the GIL', () => {
    const half = [slice(0, 100, 45)]
    const run = (otherCores: number, logicalCores = 2) => ({
      ...runOf('countdown', [
        { strategy: 'py-processes', workers: 2, timeline: [slice(0, 100, 60)] },
        { strategy: 'py-threads', workers: 2, timeline: half },
      ]),
      stats: [
        { strategy: 'py-processes', workers: 2, otherCores },
        { strategy: 'py-threads', workers: 2, otherCores },
      ],
      machine: { logicalCores },
    })
    expect(runningSentences(run(1.2))).toEqual([
      'py-processes × 2: tasks ran 60% of their wall time, waited 40%; other programs kept 1.2 cores busy, so part of the wait may be theirs',
      'py-threads × 2: tasks ran 45% of their wall time, waited 55%; 0% of tasks ran uninterrupted; other programs kept 1.2 cores busy, so this run cannot tell how much of the wait was for the GIL',
    ])
    // With cores to spare beside the load, threads held to half their time were held by the GIL.
    expect(runningSentences(run(1.2, 8))[1]).toBe(
      'py-threads × 2: tasks ran 45% of their wall time, waited 55% (for the GIL); 0% of tasks ran uninterrupted; other programs kept 1.2 cores busy, so part of the wait may be theirs',
    )
    expect(runningSentences(run(0.1))).toEqual([
      'py-processes × 2: tasks ran 60% of their wall time, waited 40%',
      'py-threads × 2: tasks ran 45% of their wall time, waited 55% (for the GIL); 0% of tasks ran uninterrupted',
    ])
  })

  it('words ran and waited as whole percents that add up to 100', () => {
    expect(ranWaited(0.725)).toEqual({ ran: '73%', waited: '27%' })
    expect(ranWaited(0.495)).toEqual({ ran: '50%', waited: '50%' })
    expect(ranWaited(1.02)).toEqual({ ran: '100%', waited: '0%' })
  })

  it('bounds the CPU a slice may carry', () => {
    expect(timelineSliceSchema.safeParse(slice(0, 10, -1)).success).toBe(false)
    expect(timelineSliceSchema.safeParse(slice(0, 10, 1e15)).success).toBe(false)
    expect(timelineSliceSchema.safeParse(slice(0, 10)).success).toBe(true)
  })

  it('keeps each slice’s CPU through a session file; a file without the column still reads', () => {
    const run = makeRun({ tasks: 4 })
    run.trials[0]!.timeline.forEach((s, i) => {
      if (i !== 2) s.cpu = (s.end - s.start) / 2
    })
    const session = makeSession([run])
    const text = encodeSession(session, 'test')
    expect(decodeSessionText(text, 'a.json')).toEqual(session)
    const file = JSON.parse(text)
    expect(file.runs[0].trials[0].timeline.cpu[2]).toBeNull()
    // A file written before the CPU was measured: no column, no cpu on any slice.
    delete file.runs[0].trials[0].timeline.cpu
    const old = decodeSessionText(JSON.stringify(file), 'old.json')
    expect(old.runs[0]!.trials[0]!.timeline.every((s) => !('cpu' in s))).toBe(true)
    // A column of the wrong length is refused.
    file.runs[0].trials[0].timeline.cpu = [1]
    expect(() => decodeSessionText(JSON.stringify(file), 'bad.json')).toThrow(/same length/)
  })

  it('the CLI and the Markdown report print the same running sentences', () => {
    const run = makeRun({ strategies: ['py-sequential', 'py-threads'], tasks: 6 })
    for (const t of run.trials) for (const slice of t.timeline) slice.cpu = (slice.end - slice.start) / 2
    const sentences = runningSentences(run)
    expect(sentences).toHaveLength(2)
    const terminal = formatRun(run).split('\n')
    const report = exportRunMarkdown(run).split('\n')
    for (const line of sentences) {
      expect(terminal).toContain(line)
      expect(report).toContain(`- ${line}`)
    }
  })
})
