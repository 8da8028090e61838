// @vitest-environment happy-dom
// Partial results say so (issue 10): a group with 1 of 3 repetitions reads "1 of 3 repetitions so
// far", with no "± 0 µs" and no caption claiming 3 measured repetitions; the time left is rounded.
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia } from 'pinia'
import { afterEach, describe, expect, it } from 'vitest'
import App from '../../src/renderer/src/App.vue'
import { useLabStore } from '../../src/renderer/src/stores/lab'
import { FakeLab, makeRun, makeStats, makeTrial } from './fake-lab'

let wrapper: VueWrapper
afterEach(() => wrapper?.unmount())

async function mountApp(lab: FakeLab): Promise<VueWrapper> {
  const pinia = createPinia()
  useLabStore(pinia).connect({ api: lab, shell: null, kind: 'browser' })
  wrapper = mount(App, { global: { plugins: [pinia] }, attachTo: document.body })
  await flushPromises()
  return wrapper
}

/** Starts a run from the page, as a person does, so the page follows its events. */
async function startRun(): Promise<void> {
  await wrapper.find('[data-testid="config-form"], form').trigger('submit')
  await flushPromises()
}

describe('results while a run is under way', () => {
  it('says how many of the planned repetitions each row rests on, and rounds the time left', async () => {
    const lab = new FakeLab()
    await mountApp(lab)
    await startRun()
    const id = 'run-1'
    expect(lab.started).toHaveLength(1)
    lab.emit({ type: 'run-start', runId: id, run: makeRun(id, { repetitions: 3 }) })
    const stats = [makeStats('sequential', 1, 800, 1, { n: 3 }), makeStats('threads', 2, 400, 2, { n: 1, stdevMs: 0 })]
    lab.emit({ type: 'trial-end', runId: id, index: 3, trial: makeTrial('threads', 2, 400), stats })
    lab.emit({ type: 'progress', runId: id, done: 4, total: 6, strategy: 'threads', workers: 2, etaMs: 47_760 })
    await flushPromises()

    const caption = wrapper.find('caption').text()
    expect(caption).toContain(
      'Wall-clock time over the repetitions measured so far, of 3 repetitions planned for each;',
    )
    const [sequential, threads] = wrapper.findAll('[data-testid="results-row"]')
    expect(sequential!.find('[data-testid="partial"]').exists()).toBe(false)
    expect(threads!.find('[data-testid="partial"]').text()).toBe('1 of 3 repetitions so far')
    expect(threads!.text()).not.toContain('±')
    expect(sequential!.text()).toContain('800 ms ± 8.00 ms')
    expect(wrapper.find('[data-testid="time-left"]').text()).toBe('about 48 s left')
    expect(
      wrapper.find('[data-testid="current-trial"]').exists()
        ? wrapper.find('[data-testid="current-trial"]').text()
        : '',
    ).not.toMatch(/threads × 2/)
  })

  it('claims the planned repetitions once every group has them', async () => {
    const lab = new FakeLab()
    await mountApp(lab)
    await startRun()
    const id = 'run-1'
    expect(lab.started).toHaveLength(1)
    const stats = [makeStats('sequential', 1, 800, 1, { n: 3 }), makeStats('threads', 2, 400, 2, { n: 3 })]
    lab.emit({ type: 'run-start', runId: id, run: makeRun(id, { repetitions: 3 }) })
    lab.emit({
      type: 'run-end',
      runId: id,
      run: makeRun(id, { repetitions: 3 }, { status: 'finished', endedAt: '2026-01-01T00:00:03.000Z', stats }),
    })
    await flushPromises()
    expect(wrapper.find('caption').text()).toMatch(/^Wall-clock time over 3 measured repetitions each;/)
    expect(wrapper.find('[data-testid="partial"]').exists()).toBe(false)
  })
})
