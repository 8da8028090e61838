// @vitest-environment happy-dom
// Ctrl/⌘+S says what it did (issue 10): "Saved …" appears in a status line, then goes; a save that
// fails shows the error instead, and there is no "Saved" when nothing was saved.
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import App from '../../src/renderer/src/App.vue'
import { useLabStore } from '../../src/renderer/src/stores/lab'
import { FakeLab, makeSession } from './fake-lab'

let lab: FakeLab
let wrapper: VueWrapper

async function mountApp(): Promise<void> {
  const pinia = createPinia()
  useLabStore(pinia).connect({ api: lab, shell: null, kind: 'browser' })
  wrapper = mount(App, { global: { plugins: [pinia] }, attachTo: document.body })
  await flushPromises()
}
const save = async (): Promise<void> => {
  window.dispatchEvent(new KeyboardEvent('keydown', { key: 's', ctrlKey: true, bubbles: true, cancelable: true }))
  await flushPromises()
}
const toast = () => wrapper.find('[data-testid="toast"]')

beforeEach(() => {
  lab = new FakeLab()
})
afterEach(() => {
  wrapper?.unmount()
  vi.useRealTimers()
})

describe('Save Session', () => {
  it('says "Saved" with the session name, in a status line that goes after a few seconds', async () => {
    lab.current = makeSession('s1', [], { name: 'Laptop, Tuesday' })
    await mountApp()
    vi.useFakeTimers()
    await save()
    expect(lab.sessions.has('s1')).toBe(true)
    expect(toast().text()).toBe('Saved “Laptop, Tuesday”')
    expect(toast().attributes('role')).toBe('status')
    vi.advanceTimersByTime(5000)
    await flushPromises()
    expect(toast().exists()).toBe(false)
  })

  it('shows the error, not "Saved", when the save fails', async () => {
    lab.current = makeSession('s1', [], { name: 'Laptop' })
    lab.saveSession = async () => {
      throw new Error('the disk is full')
    }
    await mountApp()
    await save()
    expect(toast().exists()).toBe(false)
    expect(wrapper.find('[data-testid="session-error"]').text()).toContain('the disk is full')
  })

  it('says there is nothing to save when there is no session yet', async () => {
    await mountApp()
    await save()
    expect(toast().text()).toBe('Nothing to save yet: run something, or open a session.')
  })
})
