// The heartbeat: a 10 ms timer on the scheduler that runs the tasks. CPU-bound tasks on an event
// loop (py-asyncio, a greedy generator) hold it back for about a task's length; a timer beside
// py-threads is preempted onto the CPU and stays far closer to on time. Orderings with a factor-2
// margin, never absolute times; when other programs keep the machine busy the ordering test skips
// with the load it saw (as tests/lab/amdahl-fit-run.test.ts does).
import { describe, expect, it } from 'vitest'
import type { Trial } from '../../src/shared/schemas'
import { decodeRunText, encodeRunText } from '../../src/shared/session'
import { runToEnd } from '../helpers'
import { DEBIAN_PYTHON, cannotImport, noPython } from './helpers'

const measured = (trials: readonly Trial[], strategy: string): Trial =>
  trials.find((t) => t.strategy === strategy && !t.warmup)!

const medianTaskMs = (trial: Trial): number => {
  const lengths = trial.timeline.map((s) => (s.end - s.start) / 1000).sort((a, b) => a - b)
  return lengths[Math.floor(lengths.length / 2)]!
}

/** Cores other programs kept busy during a trial, or null when not measured. */
const otherCores = (trial: Trial): number | null =>
  trial.otherCpuMs === null || trial.otherCpuMs === undefined ? null : trial.otherCpuMs / trial.wallMs

describe.skipIf(noPython)(`the heartbeat${noPython ? ` (skipped: ${noPython})` : ''}`, () => {
  it('is absent unless the run asks for it', async () => {
    const { run } = await runToEnd({
      workload: 'sleep',
      params: { duration: 30, tasks: 4 },
      strategies: ['py-generators'],
      workers: [2],
      repetitions: 1,
      warmups: 0,
    })
    expect(run.errors).toEqual([])
    expect(run.trials[0]!.heartbeat).toBeUndefined()
  })

  it('py-generators checksums agree with py-sequential, and sleeps overlap on the one thread', async () => {
    const { run } = await runToEnd({
      workload: 'sleep',
      params: { duration: 200, tasks: 8 },
      strategies: ['py-sequential', 'py-generators'],
      workers: [8],
      repetitions: 1,
      warmups: 0,
      heartbeat: true,
    })
    expect(run.errors).toEqual([])
    const sequential = measured(run.trials, 'py-sequential')
    const generators = measured(run.trials, 'py-generators')
    expect(generators.checksum).toBe(sequential.checksum)
    // 8 sleeps of 200 ms in flight together on the timer heap: every one of them overlaps the
    // others, which one after another they could not (a structural fact, not a time).
    const slices = generators.timeline
    const lastStart = Math.max(...slices.map((s) => s.start))
    const firstEnd = Math.min(...slices.map((s) => s.end))
    expect(lastStart).toBeLessThan(firstEnd)
    expect(generators.heartbeat?.on).toBe('scheduler')
    expect(generators.heartbeat!.ticks).toBeGreaterThan(0)
    // The summary is saved with the trial and read back.
    const back = decodeRunText(encodeRunText(run, 0, 'heartbeat'), 'heartbeat test')
    expect(back.trials.map((t) => t.heartbeat)).toEqual(run.trials.map((t) => t.heartbeat))
  })

  it('one greedy generator starves the others and the heartbeat; cooperative steps do not', async () => {
    const { run } = await runToEnd({
      workload: 'primes',
      params: { size: 1_200_000, tasks: 6 },
      strategies: ['py-generators', 'py-generators-greedy'],
      workers: [3],
      repetitions: 1,
      warmups: 0,
      heartbeat: true,
    })
    expect(run.errors).toEqual([])
    const fair = measured(run.trials, 'py-generators')
    const greedy = measured(run.trials, 'py-generators-greedy')
    expect(greedy.checksum).toBe(fair.checksum)
    // The greedy task (the trial's first) never yielded: no other task finished while it ran.
    const hog = greedy.timeline.find((s) => s.task === 0)!
    const finishedMeanwhile = greedy.timeline.filter((s) => s.task !== 0 && s.end > hog.start && s.end < hog.end)
    expect(finishedMeanwhile).toEqual([])
    // Measured: the heartbeat waited about as long as the greedy task ran…
    const hogMs = (hog.end - hog.start) / 1000
    console.log(
      `greedy task ${hogMs.toFixed(1)} ms; heartbeat max: greedy ${greedy.heartbeat!.maxMs.toFixed(1)} ms, cooperative ${fair.heartbeat!.maxMs.toFixed(1)} ms (p50 ${fair.heartbeat!.p50Ms.toFixed(2)} ms)`,
    )
    expect(greedy.heartbeat!.maxMs).toBeGreaterThan(0.5 * hogMs)
    // …while yielding after each step kept the typical tick far under a task's length.
    expect(fair.heartbeat!.p50Ms).toBeLessThan(0.5 * medianTaskMs(fair))
  })

  it('CPU-bound py-asyncio starves its loop for about a task; a timer beside py-threads stays near on time', async (ctx) => {
    const { run } = await runToEnd({
      workload: 'primes',
      params: { size: 1_000_000, tasks: 6 },
      strategies: ['py-asyncio', 'py-threads'],
      workers: [2],
      repetitions: 1,
      warmups: 0,
      heartbeat: true,
    })
    expect(run.errors).toEqual([])
    const loop = measured(run.trials, 'py-asyncio')
    const threads = measured(run.trials, 'py-threads')
    expect(loop.heartbeat?.on).toBe('scheduler')
    expect(threads.heartbeat?.on).toBe('beside')
    const task = medianTaskMs(loop)
    console.log(
      `py-asyncio: task ${task.toFixed(1)} ms, heartbeat max ${loop.heartbeat!.maxMs.toFixed(1)} ms (${loop.heartbeat!.ticks} ticks); py-threads: p50 ${threads.heartbeat!.p50Ms.toFixed(2)} ms, max ${threads.heartbeat!.maxMs.toFixed(1)} ms`,
    )
    // The loop's tick waits for the tasks that run inline: at least about one task's length. (A
    // blocked loop fires few ticks, some while it idles before the tasks come: max, not p50.)
    expect(loop.heartbeat!.maxMs).toBeGreaterThan(0.5 * task)
    const busy = Math.max(otherCores(loop) ?? 0, otherCores(threads) ?? 0)
    if (busy > 1.5) {
      console.log(`skipped the threads ordering: other programs kept ${busy.toFixed(1)} cores busy`)
      ctx.skip()
      return
    }
    // Beside the threads, the typical tick is far closer to on time than the loop's longest wait.
    expect(threads.heartbeat!.p50Ms).toBeLessThan(loop.heartbeat!.maxMs / 4)
  })

  // gevent's hub and Twisted's reactor run CPU work inline too: the heartbeat on them waits for it.
  for (const [strategy, module] of [
    ['py-gevent', 'gevent'],
    ['py-twisted', 'twisted'],
  ] as const) {
    const why = cannotImport(module)
    it.skipIf(why)(
      `${strategy} ticks on its own loop, which CPU work holds${why ? ` (skipped: ${why})` : ''}`,
      async () => {
        const { run } = await runToEnd({
          workload: 'primes',
          params: { size: 600_000, tasks: 4 },
          strategies: [strategy],
          workers: [2],
          repetitions: 1,
          warmups: 0,
          heartbeat: true,
          python: DEBIAN_PYTHON,
        })
        expect(run.errors).toEqual([])
        const trial = measured(run.trials, strategy)
        expect(trial.heartbeat?.on).toBe('scheduler')
        expect(trial.heartbeat!.maxMs).toBeGreaterThan(0.5 * medianTaskMs(trial))
      },
    )
  }
})
