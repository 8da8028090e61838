// @vitest-environment happy-dom
// A run belongs to the lab, not to the page (issue 10): a page that connects while a run is in
// progress (a reload, a second window) shows it live, with Stop enabled, and then follows its
// events without counting anything twice.
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia } from 'pinia'
import { afterEach, describe, expect, it } from 'vitest'
import App from '../../src/renderer/src/App.vue'
import { useLabStore } from '../../src/renderer/src/stores/lab'
import { useRunStore } from '../../src/renderer/src/stores/run'
import { deriveGroupStats } from '@shared/stats'
import { FakeLab, makeRun, makeTrial } from './fake-lab'

let wrapper: VueWrapper | undefined
afterEach(() => wrapper?.unmount())

const sample = (t: number) => ({ t, cores: [50, 50], rss: 1 })

function labWithRunInProgress(): FakeLab {
  const lab = new FakeLab()
  const first = makeTrial('sequential', 1, 400, { start: 0 })
  lab.active = {
    run: makeRun(
      'run-live',
      { strategies: ['sequential', 'threads'], workers: [1, 2], repetitions: 2 },
      {
        trials: [first],
        stats: deriveGroupStats([first], 2),
        samples: [sample(100_000), sample(200_000), sample(300_000)],
      },
    ),
    progress: { done: 1, total: 6, strategy: 'sequential', workers: 1, etaMs: 2000 },
    current: { index: 1, strategy: 'sequential', workers: 1, repetition: 1, warmup: false, start: 410_000 },
    // The running trial's tasks so far: its timeline is not blank after the reload.
    slices: [
      { task: 0, worker: 0, lane: 0, start: 410_000, end: 500_000 },
      { task: 1, worker: 0, lane: 0, start: 500_000, end: 590_000 },
    ],
  }
  return lab
}

async function mountOn(lab: FakeLab): Promise<VueWrapper> {
  const pinia = createPinia()
  useLabStore(pinia).connect({ api: lab, shell: null, kind: 'browser' })
  wrapper = mount(App, { global: { plugins: [pinia] }, attachTo: document.body })
  await flushPromises()
  return wrapper
}

describe('a page that connects while a run is in progress', () => {
  it('shows the run so far, live, with Stop enabled, and Stop stops that run', async () => {
    const lab = labWithRunInProgress()
    const page = await mountOn(lab)
    const run = useRunStore()
    expect(run.runId).toBe('run-live')
    expect(page.get('[data-testid="run-status"]').text()).toBe('Running')
    expect(page.get('[data-testid="trials-done"]').text()).toContain('1 of 6')
    expect(page.get('[data-testid="current-trial"]').text()).toContain('Sequential')
    expect(run.allSamples()).toHaveLength(3)
    expect(page.find('[data-testid="saved-run"]').exists()).toBe(false)
    const stop = page.findAll('button').find((b) => b.text().startsWith('Stop'))!
    expect(stop.attributes('disabled')).toBeUndefined()
    await stop.trigger('click')
    await flushPromises()
    expect(lab.stopped).toEqual(['run-live'])
  })

  it('takes the events that follow without counting a sample or trial twice', async () => {
    const lab = labWithRunInProgress()
    await mountOn(lab)
    const run = useRunStore()
    // Events sent before the page's snapshot may arrive after it (they are batched).
    lab.emit({ type: 'sample', runId: 'run-live', samples: [sample(300_000), sample(400_000)] })
    const again = makeTrial('sequential', 1, 400, { start: 0 })
    lab.emit({ type: 'trial-end', runId: 'run-live', index: 0, trial: again, stats: deriveGroupStats([again], 2) })
    const second = makeTrial('sequential', 1, 390, { start: 410_000, repetition: 1 })
    lab.emit({
      type: 'trial-end',
      runId: 'run-live',
      index: 1,
      trial: second,
      stats: deriveGroupStats([again, second], 2),
    })
    await flushPromises()
    expect(run.allSamples().map((s) => s.t)).toEqual([100_000, 200_000, 300_000, 400_000])
    expect(run.trials).toHaveLength(2)
  })

  it('shows the running trial’s tasks so far, and takes later ones without doubling any', async () => {
    const lab = labWithRunInProgress()
    await mountOn(lab)
    const run = useRunStore()
    expect(run.timelineOf(1).map((s) => s.task)).toEqual([0, 1])
    lab.emit({
      type: 'tasks',
      runId: 'run-live',
      index: 1,
      slices: [
        { task: 1, worker: 0, lane: 0, start: 500_000, end: 590_000 },
        { task: 2, worker: 0, lane: 0, start: 590_000, end: 680_000 },
      ],
    })
    await flushPromises()
    expect(run.timelineOf(1).map((s) => s.task)).toEqual([0, 1, 2])
  })

  it('shows nothing of the kind when no run is in progress', async () => {
    await mountOn(new FakeLab())
    expect(useRunStore().runId).toBeNull()
    expect(useRunStore().phase).toBe('idle')
  })
})
