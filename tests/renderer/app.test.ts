// @vitest-environment happy-dom
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, type Pinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { MenuCommand, MenuState } from '@shared/menu'
import App from '../../src/renderer/src/App.vue'
import { useLabStore } from '../../src/renderer/src/stores/lab'
import type { LabShell } from '../../src/renderer/src/transport'
import { FakeLab, makeRun, makeStats, makeTrial } from './fake-lab'

let lab: FakeLab
let pinia: Pinia
let wrapper: VueWrapper

async function mountApp(shell: LabShell | null = null): Promise<VueWrapper> {
  pinia = createPinia()
  useLabStore(pinia).connect({ api: lab, shell, kind: shell ? 'desktop' : 'browser' })
  wrapper = mount(App, { global: { plugins: [pinia] }, attachTo: document.body })
  await flushPromises()
  return wrapper
}

const press = async (key: string, mods: KeyboardEventInit = {}) => {
  window.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...mods }))
  await flushPromises()
}

async function menu(...labels: string[]): Promise<void> {
  for (const label of labels) {
    const item = wrapper
      .findAll('[role^="menuitem"]')
      .find((b) => (b.find('.menu-label').exists() ? b.find('.menu-label').text() === label : b.text() === label))
    if (!item) throw new Error(`no menu item ${label}`)
    if (item.attributes('aria-haspopup') && item.element.closest('.menu-list')) await item.trigger('mouseenter')
    await item.trigger('click')
  }
  await flushPromises()
}

beforeEach(() => {
  lab = new FakeLab()
  localStorage.clear() // Each test starts as a first visit: no place kept from the one before.
})
afterEach(() => wrapper?.unmount())

describe('the lab page in browser mode', () => {
  it('draws the application menu bar from the shared model', async () => {
    await mountApp()
    const top = wrapper.findAll('[role="menubar"] > li > button').map((b) => b.text())
    expect(top).toEqual(['File', 'Experiments', 'Workload', 'Run', 'View', 'Help'])
    expect(wrapper.find('[data-testid="machine"]').text()).toContain('Test CPU · 4 logical cores')
  })

  it('picks a workload from the menu, radio-checked, and shows its parameters and explanation', async () => {
    await mountApp()
    await menu('Workload', 'I/O-bound', 'Sleep')
    expect((wrapper.find('#workload').element as HTMLSelectElement).value).toBe('sleep')
    expect(wrapper.find('[data-testid="workload-explanation"]').text()).toMatch(/Waits on a timer/)
    expect(wrapper.find('#param-duration').exists()).toBe(true)
    expect(wrapper.find('label[for="param-duration"]').text()).toContain('(ms)')
    await menu('Workload', 'I/O-bound')
    const sleep = wrapper.findAll('[role="menuitemradio"]').find((b) => b.text().includes('Sleep'))!
    expect(sleep.attributes('aria-checked')).toBe('true')
  })

  it('shows an invalid value beside its field and keeps Run disabled, in the panel and the menu', async () => {
    await mountApp()
    await wrapper.find('#param-size').setValue('3')
    const error = wrapper.find('#error-params-size')
    expect(error.text()).toBe('must be an integer from 10 to 100,000,000 numbers; it is too small')
    expect(wrapper.find('#param-size').attributes('aria-invalid')).toBe('true')
    expect(wrapper.find('button[type="submit"]').attributes('disabled')).toBeDefined()
    await menu('Run')
    const run = wrapper
      .findAll('[role="menuitem"]')
      .find((b) => b.find('.menu-label').exists() && b.find('.menu-label').text() === 'Run')!
    expect(run.attributes('disabled')).toBeDefined()
    await press('r', { ctrlKey: true })
    expect(lab.started).toHaveLength(0)
  })

  it('runs with Ctrl+R, shows results with speedups and a verdict, and stops with Escape', async () => {
    await mountApp()
    await press('r', { ctrlKey: true })
    expect(lab.started).toHaveLength(1)
    expect(lab.started[0]).toMatchObject({ workload: 'primes', strategies: ['sequential', 'threads'], workers: [1, 2] })
    const id = 'run-1'
    lab.emit({ type: 'run-start', runId: id, run: makeRun(id) })
    lab.emit({ type: 'sample', runId: id, samples: [{ t: 500_000, cores: [90, 80, 70, 60], rss: 1 }] })
    lab.emit({ type: 'progress', runId: id, done: 1, total: 6, strategy: 'sequential', workers: 1, etaMs: 5000 })
    await flushPromises()
    expect(wrapper.find('[data-testid="run-status"]').text()).toBe('Running')
    expect(wrapper.find('[data-testid="cpu-average"]').text()).toBe('75%')
    expect(wrapper.find('[data-testid="trials-done"]').text()).toBe('Trial 1 of 6 done')

    await press('Escape')
    expect(lab.stopped).toEqual([id])
    expect(wrapper.find('[data-testid="run-status"]').text()).toBe('Stopping…')

    const stats = [makeStats('sequential', 1, 800, 1), makeStats('threads', 2, 400, 2)]
    lab.emit({ type: 'trial-end', runId: id, index: 0, trial: makeTrial('threads', 2, 400), stats })
    lab.emit({
      type: 'run-end',
      runId: id,
      run: makeRun(id, {}, { status: 'finished', endedAt: '2026-01-01T00:00:03.000Z', stats }),
    })
    await flushPromises()
    const rows = wrapper.findAll('[data-testid="results-row"]')
    expect(rows.map((r) => r.find('[data-testid="speedup"]').text())).toEqual(['1.00×', '2.00×'])
    expect(rows[1]!.text()).toContain('400 ms ± 4.00 ms')
    expect(wrapper.find('[data-testid="verdict"]').text()).toContain(
      'Worker threads × 2 won: 400 ms, 2.00× faster than Sequential.',
    )
    expect(wrapper.find('[data-testid="run-status"]').text()).toBe('Finished')

    const blobs: Blob[] = []
    const createObjectURL = vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
      blobs.push(blob as Blob)
      return 'blob:test'
    })
    await menu('File', 'Export', 'Run as CSV…')
    expect(lab.exported).toEqual([[id, 'csv']])
    expect(blobs.map((b) => b.type)).toEqual(['text/csv'])
    createObjectURL.mockRestore()
  })

  it('loads a guided experiment from the Experiments menu', async () => {
    await mountApp()
    await menu('Experiments', 'I/O-bound: sequential vs async vs threads')
    expect(wrapper.find('[data-testid="preset"]').text()).toMatch(/I\/O-bound: sequential vs async vs threads/)
    expect((wrapper.find('#workload').element as HTMLSelectElement).value).toBe('http')
    expect((wrapper.find('#workers').element as HTMLInputElement).value).toBe('2, 4, 8')
  })

  it('opens Concepts from a strategy’s "?" and closes it with Escape without stopping anything', async () => {
    await mountApp()
    await wrapper.find('button[aria-label="Explain: The event loop"]').trigger('click')
    expect(wrapper.find('[role="dialog"] [data-testid="concept"] h3').text()).toBe('The event loop')
    await press('Escape')
    expect(wrapper.find('[role="dialog"]').exists()).toBe(false)
    expect(lab.stopped).toEqual([])
  })

  it('hides and shows panels from the View menu', async () => {
    await mountApp()
    expect(wrapper.find('.cpu-panel').exists()).toBe(true)
    await menu('View', 'Live CPU')
    expect(wrapper.find('.cpu-panel').exists()).toBe(false)
    await press('1', { ctrlKey: true })
    expect(wrapper.find('.cpu-panel').exists()).toBe(true)
  })
})

describe('the lab page in the desktop app', () => {
  it('leaves the menu to the shell: takes its commands and sends it the menu state', async () => {
    const states: MenuState[] = []
    let send: (command: MenuCommand) => void = () => undefined
    const shell: LabShell = {
      platform: 'linux',
      onMenuCommand: (listener) => {
        send = listener
        return () => undefined
      },
      setMenuState: (state) => states.push(state),
    }
    await mountApp(shell)
    expect(wrapper.find('[role="menubar"]').exists()).toBe(false)
    expect(states.at(-1)).toMatchObject({ workload: 'primes', canRun: true, running: false })
    send({ command: 'workload.select', arg: 'sleep' })
    await flushPromises()
    expect(states.at(-1)!.workload).toBe('sleep')
    // The native menu handles accelerators; the page must not run twice.
    await press('r', { ctrlKey: true })
    expect(lab.started).toHaveLength(0)
    send({ command: 'run.start' })
    await flushPromises()
    expect(lab.started).toHaveLength(1)
    expect(states.at(-1)!.running).toBe(true)
  })
})
