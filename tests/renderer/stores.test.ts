// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { PRESETS } from '@shared/menu'
import { useCatalogStore } from '../../src/renderer/src/stores/catalog'
import { useConfigStore } from '../../src/renderer/src/stores/config'
import { useLabStore } from '../../src/renderer/src/stores/lab'
import { useRunStore } from '../../src/renderer/src/stores/run'
import { useCommands } from '../../src/renderer/src/commands'
import { FakeLab, makeRun, makeStats, makeTrial } from './fake-lab'

let lab: FakeLab
beforeEach(async () => {
  setActivePinia(createPinia())
  lab = new FakeLab()
  useLabStore().connect({ api: lab, shell: null, kind: 'browser' })
  await useCatalogStore().load(lab)
  useConfigStore().initialise()
})

describe('config store', () => {
  it('starts valid with the first workload, its defaults and sequential + threads', () => {
    const config = useConfigStore()
    expect(config.workloadId).toBe('primes')
    expect(config.params).toEqual({ size: '2000000', tasks: '32' })
    expect(config.strategies).toEqual(['sequential', 'threads'])
    expect(config.valid).toBe(true)
    expect(config.input).toMatchObject({ workload: 'primes', params: { size: 2_000_000, tasks: 32 }, workers: [1, 2] })
  })

  it("puts the parser's or the schema's message on the field that is wrong and turns Run off", () => {
    const config = useConfigStore()
    config.setParam('size', '5')
    config.workersText = '1, 0, x'
    config.repetitionsText = ''
    expect(config.valid).toBe(false)
    expect(config.errors['params.size']).toBe(
      'params.size must be an integer from 10 to 100,000,000 numbers; it is too small',
    )
    expect(config.errors['workers']).toBe('workers must be a list of integers from 1 to 256; entry 2 is too small')
    expect(config.errors['repetitions']).toBe('repetitions must be an integer from 1 to 1,000; it is empty')
    config.toggleStrategy('sequential', false)
    config.toggleStrategy('threads', false)
    expect(config.errors['strategies']).toMatch(/at least one/)
  })

  it('keeps each workload’s edits when switching, and applies presets whole', () => {
    const config = useConfigStore()
    config.setParam('size', '1234')
    config.selectWorkload('sleep')
    config.selectWorkload('primes')
    expect(config.params['size']).toBe('1234')
    const preset = PRESETS[0]!
    config.applyPreset(preset)
    expect(config.activePreset?.id).toBe(preset.id)
    expect(config.input).toMatchObject({
      workload: preset.workload,
      strategies: preset.strategies,
      workers: preset.workers,
      repetitions: preset.repetitions,
    })
    config.selectWorkload('sleep')
    expect(config.activePreset).toBeNull()
  })
})

describe('config store: the Dask scheduler field', () => {
  it('applies only when py-dask is chosen, sends a trimmed address, and names what is wrong with one', () => {
    const config = useConfigStore()
    config.daskSchedulerText = ' tcp://10.0.0.5:8786 '
    expect(config.usesDask).toBe(false)
    expect(config.input).not.toHaveProperty('daskScheduler')
    config.strategies = ['py-processes', 'py-dask']
    expect(config.usesDask).toBe(true)
    expect(config.input.daskScheduler).toBe('tcp://10.0.0.5:8786')
    config.daskSchedulerText = 'tls://10.0.0.5:8786'
    expect(config.valid).toBe(false)
    expect(config.errors['daskScheduler']).toMatch(
      /^daskScheduler must be tcp:\/\/HOST:PORT .*only tcp:\/\/ is accepted$/,
    )
    config.daskSchedulerText = ''
    expect(config.input).not.toHaveProperty('daskScheduler')
  })

  it('a Scaling out preset sets its chunk size', () => {
    const config = useConfigStore()
    for (const chunk of [1, 10, 100]) {
      config.applyPreset(PRESETS.find((p) => p.id === `scaling-out-chunk-${chunk}`)!)
      expect(config.input).toMatchObject({ strategies: ['py-processes', 'py-dask'], chunkSize: chunk, workers: [2] })
    }
  })

  it('The GIL on the timeline presets set their switch interval', () => {
    const config = useConfigStore()
    for (const [id, switchIntervalMs] of [
      ['gil-timeline-long-switch', 50],
      ['gil-timeline', 5],
    ] as const) {
      config.applyPreset(PRESETS.find((p) => p.id === id)!)
      expect(config.input).toMatchObject({
        workload: 'countdown',
        strategies: ['py-sequential', 'py-threads', 'py-processes'],
        workers: [2],
        switchIntervalMs,
      })
    }
  })
})

describe('run store', () => {
  it('keeps events that arrive before startRun returns, and ignores other runs', async () => {
    const run = useRunStore()
    lab.startRun = async (config) => {
      lab.started.push(config)
      // The in-process lab emits run-start before it returns the id.
      run.handleEvent({ type: 'run-start', runId: 'mine', run: makeRun('mine') })
      run.handleEvent({ type: 'run-start', runId: 'other', run: makeRun('other') })
      return 'mine'
    }
    await run.start(useConfigStore().input)
    expect(run.runId).toBe('mine')
    expect(run.phase).toBe('running')
    expect(run.config?.workload).toBe('primes')
    run.handleEvent({ type: 'progress', runId: 'other', done: 9, total: 9, strategy: 'x', workers: 1, etaMs: 0 })
    expect(run.progress).toBeNull()
  })

  it('folds samples, trials, stats and the end of the run into state', async () => {
    const run = useRunStore()
    const seen: number[] = []
    run.onSamples((samples) => seen.push(...samples.map((s) => s.t)))
    await run.start(useConfigStore().input)
    const id = run.runId!
    run.handleEvent({ type: 'run-start', runId: id, run: makeRun(id) })
    run.handleEvent({
      type: 'sample',
      runId: id,
      samples: [
        { t: 100_000, cores: [10, 20, 30, 40], rss: 1 },
        { t: 200_000, cores: [50, 60, 70, 80], rss: 1 },
      ],
    })
    expect(run.sampleCount).toBe(2)
    expect(run.latestSample?.cores).toEqual([50, 60, 70, 80])
    expect(seen).toEqual([100_000, 200_000])
    run.handleEvent({
      type: 'trial-start',
      runId: id,
      index: 0,
      strategy: 'threads',
      workers: 2,
      repetition: 0,
      warmup: false,
      start: 150_000,
    })
    expect(run.allMarkers()).toEqual([{ t: 150_000, label: 'Worker threads × 2' }])
    run.handleEvent({ type: 'tasks', runId: id, index: 0, slices: [{ task: 0, worker: 0, lane: 0, start: 1, end: 2 }] })
    expect(run.timelineOf(0)).toHaveLength(1)
    const stats = [makeStats('threads', 2, 100, null)]
    run.handleEvent({ type: 'trial-end', runId: id, index: 0, trial: makeTrial('threads', 2, 100), stats })
    expect(run.trials).toHaveLength(1)
    expect(run.timelineOf(0)).toHaveLength(2) // the finished trial's own timeline
    expect(run.stats).toEqual(stats)
    run.handleEvent({
      type: 'run-end',
      runId: id,
      run: makeRun(id, {}, { status: 'stopped', endedAt: '2026-01-01T00:00:02.000Z', stats, errors: ['x failed'] }),
    })
    expect(run.phase).toBe('stopped')
    expect(run.running).toBe(false)
    expect(run.errors).toEqual(['x failed'])
  })

  it('asks the lab to stop its own run', async () => {
    const run = useRunStore()
    await run.start(useConfigStore().input)
    await run.stop()
    expect(lab.stopped).toEqual([run.runId])
    expect(run.phase).toBe('stopping')
  })

  it('reports a refused start and stays ready', async () => {
    const run = useRunStore()
    lab.startRun = async () => {
      throw new Error('workers[0] must be an integer from 1 to 256, got 0')
    }
    await expect(run.start(useConfigStore().input)).rejects.toThrow()
    expect(run.phase).toBe('idle')
    expect(run.errors[0]).toMatch(/Could not start the run: workers\[0\]/)
  })

  it('shows the lab refusing a second run (one started elsewhere) and stays ready', async () => {
    const run = useRunStore()
    lab.startRun = async () => {
      throw new Error('a run is in progress: stop it first')
    }
    await expect(run.start(useConfigStore().input)).rejects.toThrow()
    expect(run.phase).toBe('idle')
    expect(run.running).toBe(false)
    expect(run.errors).toEqual(['Could not start the run: a run is in progress: stop it first'])
  })
})

describe('showing a saved run', () => {
  it('loads its configuration into the panel, so Run re-runs what is on screen', () => {
    const config = useConfigStore()
    const saved = makeRun('saved', {
      workload: 'sleep',
      params: { duration: 20, tasks: 8 },
      strategies: ['threads'],
      workers: [3],
    })
    useRunStore().show(saved)
    expect(config.workloadId).toBe('sleep')
    expect(config.strategies).toEqual(['threads'])
    expect(config.workersText).toBe('3')
    expect(config.input).toMatchObject({ workload: 'sleep', strategies: ['threads'], workers: [3], repetitions: 2 })
  })
})

describe('choosing an experiment', () => {
  it('clears the finished run on screen, so its verdict does not stay under the new experiment', async () => {
    const run = useRunStore()
    run.show(makeRun('old', {}, { stats: [makeStats('threads', 2, 100, null)] }))
    expect(run.runId).toBe('old')
    await useCommands().dispatch({ command: 'experiment.preset', arg: PRESETS[0]!.id })
    expect(run.runId).toBeNull()
    expect(run.stats).toEqual([])
    expect(useConfigStore().activePreset?.id).toBe(PRESETS[0]!.id)
  })
})
