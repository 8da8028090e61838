// @vitest-environment happy-dom
// The Timeline beside the run on screen: never blank after a finished run, filling live, and
// naming an event loop's lanes for what they are.
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { STRATEGIES } from '@shared/catalog'
import TimelineChart from '../../src/renderer/src/components/TimelineChart.vue'
import { useCatalogStore } from '../../src/renderer/src/stores/catalog'
import { useLabStore } from '../../src/renderer/src/stores/lab'
import { useRunStore } from '../../src/renderer/src/stores/run'
import { useViewStore } from '../../src/renderer/src/stores/view'
import { FakeLab, makeRun, makeTrial } from './fake-lab'

let wrapper: VueWrapper
let lab: FakeLab

async function mountTimeline(): Promise<VueWrapper> {
  const pinia = createPinia()
  setActivePinia(pinia)
  useLabStore(pinia).connect({ api: lab, shell: null, kind: 'browser' })
  await useCatalogStore(pinia).load(lab)
  wrapper = mount(TimelineChart, { global: { plugins: [pinia] }, attachTo: document.body })
  await flushPromises()
  return wrapper
}

const readout = (): string => wrapper.find('[data-testid="timeline-readout"]').text()
const select = (): HTMLSelectElement => wrapper.find('#timeline-trial').element as HTMLSelectElement
const slice = (task: number, lane: number, start: number, end: number) => ({ task, worker: lane, lane, start, end })

beforeEach(() => {
  lab = new FakeLab()
})
afterEach(() => wrapper?.unmount())

describe('the timeline', () => {
  it('goes back to the newest trial when a run with fewer trials replaces the one a trial was chosen in', async () => {
    await mountTimeline()
    const run = useRunStore()
    const four = ['sequential', 'threads', 'threads', 'threads'].map((s, i) => makeTrial(s, i + 1, 100))
    run.show(makeRun('older', {}, { status: 'finished', trials: four }))
    await flushPromises()
    await wrapper.find('#timeline-trial').setValue('3')
    expect(useViewStore().timelineTrial).toBe(3)

    run.show(makeRun('newer', {}, { status: 'finished', trials: [makeTrial('sequential', 1, 100)] }))
    await flushPromises()
    expect(select().value).toBe('')
    expect(readout()).toBe('2 tasks on 2 lanes')
    expect(useViewStore().timelineTrial).toBe(0)
  })

  it('says how much of their wall time tasks ran where they carry their thread CPU, and nothing where not', async () => {
    await mountTimeline()
    const timeline = [
      { ...slice(0, 0, 0, 100), cpu: 50 },
      { ...slice(1, 1, 0, 100), cpu: 95 },
    ]
    const measured = makeTrial('py-threads', 2, 100, { timeline })
    useRunStore().show(makeRun('gil', {}, { status: 'finished', trials: [measured] }))
    await flushPromises()
    const running = wrapper.find('[data-testid="timeline-running"]')
    expect(running.text()).toContain('Tasks ran 73% of their wall time, waited 27%; 50% ran uninterrupted.')
    useRunStore().show(makeRun('node', {}, { status: 'finished', trials: [makeTrial('threads', 2, 100)] }))
    await flushPromises()
    expect(wrapper.find('[data-testid="timeline-running"]').exists()).toBe(false)
  })

  it('says "1 task on 1 lane", not "1 tasks on 1 lanes"', async () => {
    await mountTimeline()
    const one = makeTrial('sequential', 1, 100, { timeline: [slice(0, 0, 0, 100)] })
    useRunStore().show(makeRun('one', {}, { status: 'finished', trials: [one] }))
    await flushPromises()
    expect(readout()).toBe('1 task on 1 lane')
    expect(wrapper.find('canvas').attributes('aria-label')).toBe('Timeline: 1 task on 1 lane of workers')
  })

  it('fills live while a trial runs, from the tasks events', async () => {
    await mountTimeline()
    const run = useRunStore()
    await run.start({ workload: 'primes', strategies: ['threads'], workers: [2] } as never)
    const runId = run.runId!
    run.handleEvent({ type: 'run-start', runId, run: makeRun(runId) })
    run.handleEvent({
      type: 'trial-start',
      runId,
      index: 0,
      strategy: 'threads',
      workers: 2,
      repetition: 0,
      warmup: false,
      start: 0,
    } as never)
    run.handleEvent({ type: 'tasks', runId, index: 0, slices: [slice(0, 0, 0, 10), slice(1, 1, 0, 12)] })
    await flushPromises()
    expect(readout()).toBe('2 tasks on 2 lanes')
    run.handleEvent({ type: 'tasks', runId, index: 0, slices: [slice(2, 0, 10, 20)] })
    await flushPromises()
    expect(readout()).toBe('3 tasks on 2 lanes')
    expect(wrapper.find('canvas').attributes('aria-label')).toBe('Timeline: 3 tasks on 2 lanes of workers')
    // Trials are named as the results table names them, not by strategy id.
    expect(wrapper.findAll('#timeline-trial option').map((o) => o.text())).toContain('1. Worker threads × 2 (running)')
  })

  it('labels an event loop\'s lanes "tasks in flight on one thread", never workers', async () => {
    const inFlight = STRATEGIES.find((s) => s.lanes === 'in-flight' && s.runtime === 'node')!
    await mountTimeline()
    const trial = makeTrial(inFlight.id, 1, 100, {
      timeline: Array.from({ length: 50 }, (_, i) => slice(i, i, i, 100 + i)),
    })
    useRunStore().show(makeRun('loop', { strategies: [inFlight.id] }, { status: 'finished', trials: [trial] }))
    await flushPromises()
    expect(readout()).toContain('tasks in flight on one thread')
    expect(readout()).not.toMatch(/worker/)
    expect(wrapper.find('canvas').attributes('aria-label')).toContain('tasks in flight on one thread')
  })
})
