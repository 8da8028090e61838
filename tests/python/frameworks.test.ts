// The event-driven Python strategies (gevent, Twisted, asyncio on uvloop) on Debian's
// /usr/bin/python3, which has the frameworks: the same checksums as py-sequential for every
// workload, waits that overlap on the timeline, a stop that ends the runner and everything it
// started, and a one-line refusal on an interpreter without the framework.
import { spawnSync } from 'node:child_process'
import { afterEach, describe, expect, it } from 'vitest'
import { WORKLOADS, findStrategy, type StrategyId } from '../../src/shared/catalog'
import type { ChildToLab } from '../../src/shared/protocol'
import { parseRunConfig, type TimelineSlice } from '../../src/shared/schemas'
import { ChildRegistry } from '../../src/main/lab/children'
import { EXECUTORS } from '../../src/main/lab/executors'
import { NodeProcessLauncher } from '../../src/main/lab/launcher'
import { chooseInterpreter, discoverInterpreters } from '../../src/main/lab/python/interpreters'
import { SMALL_PARAMS, builtEntries, eventually, makeHost, runToEnd } from '../helpers'
import { DEBIAN_PYTHON, cannotImport, markChildren, markedProcesses, noPython } from './helpers'

/** oneThread: the framework runs every task on one thread (an event loop), rather than on W worker processes. */
const FRAMEWORKS: ReadonlyArray<{ strategy: StrategyId; module: string; debianPackage: string; oneThread: boolean }> = [
  { strategy: 'py-gevent', module: 'gevent', debianPackage: 'python3-gevent', oneThread: true },
  { strategy: 'py-twisted', module: 'twisted', debianPackage: 'python3-twisted', oneThread: true },
  { strategy: 'py-asyncio-uvloop', module: 'uvloop', debianPackage: 'python3-uvloop', oneThread: true },
  { strategy: 'py-dask', module: 'distributed', debianPackage: 'python3-distributed', oneThread: false },
]

/** Why a framework's tests cannot run here, or null; printed at collection, since reporters hide skip reasons. */
const missing = new Map(
  FRAMEWORKS.map(({ strategy, module, debianPackage }) => {
    const why = noPython ?? cannotImport(module)
    return [strategy, why && `${strategy} needs ${module} (${why}): apt-get install ${debianPackage}`] as const
  }),
)
for (const why of missing.values()) if (why) console.log(`skip: ${why}`)

/** The most tasks whose slices overlap at one instant. */
function maxInFlight(timeline: readonly TimelineSlice[]): number {
  // Ends sort before starts at the same instant: a task that ends as another starts does not overlap it.
  const edges = timeline.flatMap((s) => [
    [s.start, 1],
    [s.end, -1],
  ])
  edges.sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!)
  let now = 0
  let most = 0
  for (const [, delta] of edges) most = Math.max(most, (now += delta!))
  return most
}

afterEach(() => {
  delete process.env.CONCURRENCY_LAB_TEST_MARK
})

for (const { strategy, oneThread } of FRAMEWORKS) {
  const why = missing.get(strategy)
  const spec = findStrategy(strategy)!
  describe.skipIf(why)(`${strategy} on ${DEBIAN_PYTHON}${why ? ` (skipped: ${why})` : ''}`, () => {
    for (const workload of WORKLOADS) {
      it(`${workload.id}: the checksum agrees with py-sequential`, async () => {
        const { run } = await runToEnd({
          workload: workload.id,
          params: SMALL_PARAMS[workload.id],
          strategies: ['py-sequential', strategy],
          workers: [3],
          repetitions: 1,
          warmups: 0,
          python: DEBIAN_PYTHON,
        })
        expect(run.errors).toEqual([])
        expect(run.trials.map((t) => [t.strategy, t.error])).toEqual([
          ['py-sequential', null],
          [strategy, null],
        ])
        const [sequential, framework] = run.trials
        expect(sequential!.checksum).not.toBeNull()
        expect(framework!.checksum).toBe(sequential!.checksum)
        expect(framework!.timeline).toHaveLength(sequential!.timeline.length)
      })
    }

    it.runIf(!oneThread)('spreads 20 HTTP requests over the W Dask worker processes, one lane each', async () => {
      const workers = 4
      const { run } = await runToEnd({
        workload: 'http',
        params: { tasks: 20, latency: 100, payload: 1000 },
        strategies: [strategy],
        workers: [workers],
        repetitions: 1,
        warmups: 0,
        python: DEBIAN_PYTHON,
      })
      expect(run.errors).toEqual([])
      const lanes = new Set(run.trials[0]!.timeline.map((s) => s.worker))
      expect(lanes.size).toBeGreaterThanOrEqual(2)
      for (const lane of lanes) expect(lane).toBeLessThan(workers)
      // The machine fingerprint says which cluster ran it: the lab's own, its size and versions.
      expect(run.machine.cluster).toMatchObject({ kind: 'local', workers, threads: workers })
      expect(run.machine.cluster?.versions).toMatchObject({
        distributed: expect.stringMatching(/^\d+\./),
        dask: expect.stringMatching(/^\d+\./),
        python: expect.stringMatching(/^3\./),
      })
    })

    it.runIf(oneThread)(
      'overlaps 20 HTTP requests on one thread (the timeline has tasks in flight together)',
      async () => {
        const workers = 4
        const { run } = await runToEnd({
          workload: 'http',
          params: { tasks: 20, latency: 100, payload: 1000 },
          strategies: [strategy],
          workers: [workers],
          repetitions: 1,
          warmups: 0,
          python: DEBIAN_PYTHON,
        })
        expect(run.errors).toEqual([])
        const trial = run.trials[0]!
        expect(trial.timeline).toHaveLength(20)
        // One thread runs every task: all slices are worker 0's.
        expect(trial.timeline.every((s) => s.worker === 0)).toBe(true)
        const most = maxInFlight(trial.timeline)
        expect(most).toBeGreaterThanOrEqual(2)
        // gevent's pool holds W greenlets; Twisted's W threads are only for blocking calls, not HTTP.
        if (spec.python?.mode === 'gevent') expect(most).toBeLessThanOrEqual(workers)
      },
    )

    it('stops politely mid-trial: the runner exits with code 0 and leaves no process behind', async () => {
      const mark = markChildren()
      const registry = new ChildRegistry()
      const interpreter = await chooseInterpreter(DEBIAN_PYTHON)
      const { children, init } = await EXECUTORS['python-runner'].launch(
        {
          spec,
          workers: 2,
          config: parseRunConfig({ workload: 'sleep', strategies: [strategy] }),
          clockOrigin: Date.now() * 1000,
          fixtures: {},
        },
        {
          entries: builtEntries,
          launcher: new NodeProcessLauncher(),
          registry,
          interpreter: async () => interpreter,
          interpreters: async () => [interpreter],
        },
      )
      const runner = children[0]!
      const received: ChildToLab[] = []
      runner.onMessage((m) => received.push(m))
      runner.send({ type: 'init', ...init })
      await eventually(() => received.some((m) => m.type === 'ready'), 'ready', 20_000)
      runner.send({
        type: 'tasks',
        tasks: Array.from({ length: 6 }, (_, id) => ({ id, input: { kind: 'sleep', index: id, duration: 60_000 } })),
      })
      await new Promise((r) => setTimeout(r, 300))
      expect(markedProcesses(mark)).not.toEqual([])
      // Killed, the runner would have no exit code; a polite stop within the grace period exits 0.
      expect(await runner.stop(15_000)).toEqual({ code: 0, signal: null, expected: true })
      expect(received.filter((m) => m.type === 'fatal')).toEqual([])
      await eventually(() => markedProcesses(mark).length === 0, 'every marked process to end')
    })

    it('stopping a run mid-trial ends it, and every process it started', async () => {
      const mark = markChildren()
      const host = makeHost()
      const off = host.onEvent((event) => {
        if (event.type !== 'trial-start') return
        void eventually(() => markedProcesses(mark).some((p) => p.includes('runner.py')), 'the runner', 20_000)
          // Long enough for the runner to have its tasks in flight.
          .then(() => new Promise((r) => setTimeout(r, 500)))
          .then(() => host.stopRun(event.runId))
      })
      const { run } = await runToEnd(
        {
          workload: 'sleep',
          params: { tasks: 20, duration: 60_000 },
          strategies: [strategy],
          workers: [2],
          repetitions: 1,
          warmups: 0,
          python: DEBIAN_PYTHON,
        },
        host,
      )
      off()
      expect(run.status).toBe('stopped')
      expect(markedProcesses(mark)).toEqual([])
    })
  })
}

// pyenv's python3 (on PATH here) cannot import Debian's gevent.
const pathPython = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' })
const lacking = pathPython.status === 0 ? pathPython.stdout.trim() : null
const noLacking =
  missing.get('py-gevent') ??
  (lacking === null
    ? 'no python3 on PATH'
    : cannotImport('gevent', lacking) === null
      ? `${lacking} can import gevent, so there is no interpreter without it to refuse`
      : null)
if (noLacking) console.log(`skip: refusing py-gevent on an interpreter without it: ${noLacking}`)

describe.skipIf(noLacking)(`py-gevent on python3 from PATH${noLacking ? ` (skipped: ${noLacking})` : ''}`, () => {
  it('fails its trials with one line saying where gevent is, and the run goes on', async () => {
    const found = await discoverInterpreters()
    const { run } = await runToEnd({
      workload: 'sleep',
      params: { tasks: 4, duration: 1 },
      strategies: ['py-gevent', 'py-sequential'],
      repetitions: 1,
      warmups: 0,
      python: lacking!,
    })
    const error = run.trials[0]!.error!
    expect(error).toMatch(
      /^Python gevent needs gevent, but Python 3\.\d+\.\d+ at \S+ cannot import it; use .*, which ha(s|ve) it$/,
    )
    expect(error).not.toContain('\n')
    // It names an interpreter found here that has gevent.
    const having = found.filter((p) => p.capabilities.includes('gevent'))
    expect(having.length).toBeGreaterThan(0)
    expect(having.some((p) => error.includes(`${p.executable} (${p.version})`))).toBe(true)
    expect(run.trials[1]!.error).toBeNull()
    expect(run.trials[1]!.checksum).toBe((4 * 5) / 2)
  })
})
