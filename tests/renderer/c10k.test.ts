// @vitest-environment happy-dom
// The C10k lab's page: reached by its menu shortcut, its fields say what is wrong in one line with
// the limit, Start sends the sweep as typed, progress shows which model and connection count and
// the steps left, and the table shows every figure (errors, timeouts, non-2xx, a failed step's
// reason) with a verdict computed from them. The guided experiment fills the form.
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { C10kState, C10kStep } from '@shared/c10k'
import { parseSweep } from '@shared/c10k'
import App from '../../src/renderer/src/App.vue'
import { useC10kStore } from '../../src/renderer/src/stores/c10k'
import { useLabStore } from '../../src/renderer/src/stores/lab'
import { FakeLab } from './fake-lab'

let wrapper: VueWrapper
let lab: FakeLab

async function mountApp(): Promise<VueWrapper> {
  const pinia = createPinia()
  useLabStore(pinia).connect({ api: lab, shell: null, kind: 'browser' })
  wrapper = mount(App, { global: { plugins: [pinia] }, attachTo: document.body })
  await flushPromises()
  return wrapper
}

async function press(key: string, mods: Partial<KeyboardEventInit> = {}): Promise<void> {
  document.body.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...mods }))
  await flushPromises()
}

function step(model: C10kStep['model'], connections: number, extra: Partial<C10kStep['load']> = {}): C10kStep {
  return {
    model,
    connectionsAsked: connections,
    connections,
    runtime: 'Node v20',
    error: null,
    load: {
      durationMs: 2000,
      responses: 4000,
      requestsPerSecond: 2000,
      latencyMs: { p50: 21, p90: 24, p99: 31, max: 40 },
      errors: 0,
      timeouts: 0,
      non2xx: 0,
      mismatches: 0,
      clientCpuMs: 900,
      ...extra,
    },
    server: { cpuMs: 400, maxRssBytes: 50 * 1024 * 1024, maxThreads: 7, processes: 1 },
  }
}

beforeEach(() => {
  lab = new FakeLab()
})
afterEach(() => wrapper?.unmount())

describe('the C10k page', () => {
  it('opens with Ctrl+K, refuses a bad field in one line with its limit, and starts the sweep as typed', async () => {
    await mountApp()
    await press('k', { ctrlKey: true })
    expect(wrapper.find('[data-testid="c10k-view"]').exists()).toBe(true)
    await wrapper.find('#c10k-connections').setValue('10, 0')
    expect(wrapper.text()).toContain('connections must be a list of integers from 1 to 20,000; entry 2 is too small')
    expect(wrapper.find('[data-testid="c10k-start"]').attributes('disabled')).toBeDefined()
    await wrapper.find('#c10k-connections').setValue('10, 100')
    await wrapper.find('#c10k-timeout').setValue('6000')
    expect(wrapper.text()).toContain('timeout must be shorter than the step (5000 ms)')
    await wrapper.find('#c10k-timeout').setValue('1000')
    await wrapper.find('#c10k-seconds').setValue('2')
    await wrapper.find('form[aria-label="C10k sweep"]').trigger('submit')
    await flushPromises()
    expect(lab.c10kStarted).toHaveLength(1)
    const sent = parseSweep(lab.c10kStarted[0])
    expect(sent.connections).toEqual([10, 100])
    expect(sent.stepSeconds).toBe(2)
    expect(sent.timeoutMs).toBe(1000)
    // The fake catalog has no Python: the default models are narrowed to those it can run.
    expect(sent.models).toEqual(['node-http'])
  })

  it('shows progress, every figure of each step, a failed step’s reason and a verdict with the figures', async () => {
    await mountApp()
    useC10kStore().handleEvent({ type: 'c10k-start', runId: 's1', state: running() })
    await press('k', { ctrlKey: true })
    lab.emit({ type: 'c10k-progress', runId: 's1', model: 'node-http', connections: 10, done: 0, total: 4 })
    await flushPromises()
    expect(wrapper.find('[data-testid="c10k-current"]').text()).toBe('now: node-http at 10 connections (4 steps left)')
    lab.emit({ type: 'c10k-step', runId: 's1', step: step('node-http', 10), done: 1, total: 4 })
    lab.emit({ type: 'c10k-step', runId: 's1', step: step('node-http', 100), done: 2, total: 4 })
    const threads = step('py-threading-http', 10)
    lab.emit({ type: 'c10k-step', runId: 's1', step: threads, done: 3, total: 4 })
    const timedOut = step('py-threading-http', 100, {
      timeouts: 12,
      non2xx: 3,
      latencyMs: { p50: 30, p90: 900, p99: 1800, max: 2000 },
    })
    lab.emit({ type: 'c10k-step', runId: 's1', step: timedOut, done: 4, total: 4 })
    await flushPromises()
    const rows = wrapper.findAll('[data-testid="c10k-row"]')
    expect(rows).toHaveLength(4)
    const cells = rows[3]!.findAll('td').map((c) => c.text())
    expect(cells).toEqual([
      '100',
      '2,000',
      '0',
      '12',
      '3',
      '0',
      '30',
      '900',
      '1,800',
      '2,000',
      '0.40',
      '50.0',
      '7',
      '0.90',
    ])
    expect(wrapper.find('[data-testid="c10k-steps-done"]').text()).toBe('Step 4 of 4 done')
    const verdict = wrapper.find('[data-testid="c10k-verdict"]').text()
    expect(verdict).toContain('Node event loop (http) held up best')
    expect(verdict).toContain('broke at 100 connections (12 timeouts, 3 non-2xx responses, p99 1,800 ms (over 200 ms))')
    const failed: C10kStep = {
      ...step('node-cluster', 10),
      load: null,
      server: null,
      error: 'the server exited with code 1',
    }
    lab.emit({
      type: 'c10k-end',
      runId: 's1',
      state: { ...running(), status: 'finished', steps: [step('node-http', 10), failed] },
    })
    await flushPromises()
    expect(wrapper.find('[data-testid="c10k-step-error"]').text()).toBe('failed: the server exited with code 1')
    expect(wrapper.find('[data-testid="c10k-status"]').text()).toBe('Finished')
    expect(wrapper.findAll('canvas[data-chart^="c10k-"]')).toHaveLength(4)
  })

  it('the guided experiment fills the form, leaving out a model this machine cannot run, and says so', async () => {
    await mountApp()
    await press('k', { ctrlKey: true })
    const top = wrapper.findAll('[role="menubar"] > li > button').find((b) => b.text().startsWith('Experiments'))
    await top!.trigger('click')
    const item = wrapper
      .findAll('[role="menuitem"]')
      .find((b) => b.text().startsWith('C10k: thread per client vs event loop'))
    expect(item).toBeDefined()
    await item!.trigger('click')
    await flushPromises()
    expect(wrapper.find('[data-testid="c10k-preset"]').text()).toContain('thread per client vs event loop')
    // The fake catalog has no Python: every Python model is unavailable, with its reason.
    expect(useC10kStore().models).toEqual(['node-http'])
    expect(wrapper.findAll('[data-testid="model-unavailable"]').length).toBe(5)
  })

  it('a page that loads during a sweep shows it, with its settings, its steps so far and Stop', async () => {
    lab.c10k = { ...running(), steps: [step('node-http', 10)] }
    await mountApp()
    await press('k', { ctrlKey: true })
    expect(wrapper.find('[data-testid="c10k-status"]').text()).toBe('Running')
    expect(wrapper.findAll('[data-testid="c10k-row"]')).toHaveLength(1)
    expect((wrapper.find('#c10k-connections').element as HTMLInputElement).value).toBe('10, 100')
    expect((wrapper.find('#c10k-seconds').element as HTMLInputElement).value).toBe('2')
    expect(wrapper.find('[data-testid="c10k-stop"]').attributes('disabled')).toBeUndefined()
    // Run ▸ Run is held back while the sweep runs, as during a run.
    await press('r', { ctrlKey: true })
    expect(lab.c10kStarted).toEqual([])
    expect(lab.started).toEqual([])
  })

  it('Stop (the button, or Esc from anywhere) asks the lab to stop the sweep on screen', async () => {
    await mountApp()
    useC10kStore().handleEvent({ type: 'c10k-start', runId: 's1', state: running() })
    await press('k', { ctrlKey: true })
    await wrapper.find('[data-testid="c10k-stop"]').trigger('click')
    await flushPromises()
    expect(lab.c10kStopped).toEqual(['s1'])
    await wrapper.find('nav[aria-label="Views"] button').trigger('click') // back to the Lab page
    await press('Escape')
    expect(lab.c10kStopped).toEqual(['s1', 's1'])
  })
})

function running(): C10kState {
  return {
    id: 's1',
    status: 'running',
    sweep: parseSweep({
      models: ['node-http', 'py-threading-http'],
      connections: [10, 100],
      stepSeconds: 2,
      timeoutMs: 1000,
    }),
    total: 4,
    steps: [],
    current: null,
    result: null,
    error: null,
  }
}
