// @vitest-environment happy-dom
// The browser-mode menu bar from the keyboard, as native menus behave (WAI-ARIA menubar pattern).
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import App from '../../src/renderer/src/App.vue'
import { useLabStore } from '../../src/renderer/src/stores/lab'
import { useViewStore } from '../../src/renderer/src/stores/view'
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

/** Presses `key` where the focus is, as the browser would deliver it. */
async function press(key: string): Promise<void> {
  const target = (document.activeElement as HTMLElement | null) ?? document.body
  target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }))
  await flushPromises()
}

/** What has the focus, as a person reads it: the label of the focused menu item, or its id. */
function focused(): string {
  const el = document.activeElement as HTMLElement | null
  if (!el || el === document.body) return '(nothing)'
  const label = el.querySelector('.menu-label')
  if (label) return label.textContent!.trim()
  if (el.getAttribute('role') === 'menuitem') return el.textContent!.trim()
  return el.id ? `#${el.id}` : el.tagName
}

const openMenus = (): string[] => wrapper.findAll('[role="menu"]').map((m) => m.attributes('aria-label') ?? '')

/** Focuses the workload picker, then F10: the bar's first item has the focus. */
async function startAtBar(): Promise<void> {
  ;(wrapper.find('#workload').element as HTMLElement).focus()
  await press('F10')
}

beforeEach(() => {
  lab = new FakeLab()
})
afterEach(() => wrapper?.unmount())

describe('the menu bar from the keyboard', () => {
  it('has the menubar roles, popup states and one tab stop', async () => {
    await mountApp()
    const tops = wrapper.findAll('[role="menubar"] > li > button')
    expect(tops.map((b) => b.attributes('role'))).toEqual(Array(6).fill('menuitem'))
    expect(tops.every((b) => b.attributes('aria-haspopup') === 'menu')).toBe(true)
    expect(tops.map((b) => b.attributes('tabindex'))).toEqual(['0', '-1', '-1', '-1', '-1', '-1'])
    await startAtBar()
    await press('ArrowRight')
    expect(tops.map((b) => b.attributes('tabindex'))).toEqual(['-1', '0', '-1', '-1', '-1', '-1'])
    await press('ArrowDown')
    expect(tops[1]!.attributes('aria-expanded')).toBe('true')
    const view = wrapper.findAll('[role="menubar"] > li > button')[4]!
    expect(view.attributes('aria-expanded')).toBe('false')
  })

  it('F10 focuses the first top item', async () => {
    await mountApp()
    await startAtBar()
    expect(focused()).toBe('File')
    expect(openMenus()).toEqual([])
  })

  it('← → move across the bar and wrap; Home and End jump to its ends', async () => {
    await mountApp()
    await startAtBar()
    await press('ArrowRight')
    expect(focused()).toBe('Experiments')
    await press('ArrowLeft')
    await press('ArrowLeft')
    expect(focused()).toBe('Help')
    await press('ArrowRight')
    expect(focused()).toBe('File')
    await press('End')
    expect(focused()).toBe('Help')
    await press('Home')
    expect(focused()).toBe('File')
  })

  it('↓, Enter and Space open a top menu on its first item; ↑ on its last', async () => {
    await mountApp()
    for (const key of ['ArrowDown', 'Enter', ' ']) {
      await startAtBar()
      await press('ArrowRight') // Experiments
      await press(key)
      expect(openMenus()).toEqual(['Experiments'])
      expect(focused()).toBe('CPU-bound: threads vs processes')
      await press('Escape')
    }
    await startAtBar()
    await press('End') // Help
    await press('ArrowUp')
    expect(focused()).toBe('About Concurrency Lab')
  })

  it('↑ ↓ move within a menu, wrap, and skip disabled items; Home and End jump', async () => {
    await mountApp()
    await startAtBar()
    await press('End')
    await press('ArrowLeft')
    await press('ArrowLeft') // Run
    await press('ArrowDown')
    // Stop and Run Again are disabled with no run: the arrows skip them, and wrap.
    expect(focused()).toBe('Run')
    await press('ArrowDown')
    expect(focused()).toBe('Find Best Worker Count…')
    await press('ArrowDown')
    expect(focused()).toBe('Add Python Interpreter…')
    await press('ArrowDown')
    expect(focused()).toBe('Run')
    await press('Escape')
    await press('F10')
    await press('ArrowLeft') // Help
    await press('ArrowDown')
    expect(focused()).toBe('Concepts')
    await press('ArrowDown')
    expect(focused()).toBe('About Concurrency Lab')
    await press('ArrowDown')
    expect(focused()).toBe('Concepts')
    await press('ArrowUp')
    expect(focused()).toBe('About Concurrency Lab')
    await press('Home')
    expect(focused()).toBe('Concepts')
    await press('End')
    expect(focused()).toBe('About Concurrency Lab')
  })

  it('→ opens a submenu on its first item; ← closes it back to its parent item', async () => {
    await mountApp()
    await startAtBar()
    await press('ArrowRight')
    await press('ArrowRight') // Workload
    await press('ArrowDown')
    expect(focused()).toBe('CPU-bound')
    await press('ArrowRight')
    expect(openMenus()).toEqual(['Workload', 'CPU-bound'])
    expect(focused()).toBe('Count primes')
    expect(wrapper.find('[data-key="workload.cpu"]').attributes('aria-expanded')).toBe('true')
    await press('ArrowLeft')
    expect(openMenus()).toEqual(['Workload'])
    expect(focused()).toBe('CPU-bound')
  })

  it('→ and ← on a top menu item move to the neighbouring top menu', async () => {
    await mountApp()
    await startAtBar()
    await press('End') // Help
    await press('ArrowDown')
    await press('ArrowRight')
    expect(openMenus()).toEqual(['File'])
    expect(focused()).toBe('New Session')
    await press('ArrowLeft')
    expect(openMenus()).toEqual(['Help'])
    expect(focused()).toBe('Concepts')
  })

  it('Escape closes one level back to its parent item, then the menu back to where focus was', async () => {
    await mountApp()
    await startAtBar()
    await press('ArrowRight')
    await press('ArrowRight') // Workload
    await press('ArrowDown')
    await press('End')
    expect(focused()).toBe('C10k Lab (server models)…')
    await press('ArrowUp') // over the separator
    expect(focused()).toBe('Your Code…')
    await press('ArrowUp') // over the separator
    expect(focused()).toBe('Mixed')
    await press('ArrowUp')
    expect(focused()).toBe('I/O-bound')
    await press('Enter')
    expect(openMenus()).toEqual(['Workload', 'I/O-bound'])
    await press('Escape')
    expect(openMenus()).toEqual(['Workload'])
    expect(focused()).toBe('I/O-bound')
    await press('Escape')
    expect(openMenus()).toEqual([])
    expect(focused()).toBe('#workload')
  })

  it('Enter on an item runs its command and gives focus back to where it was', async () => {
    await mountApp()
    const view = useViewStore()
    expect(view.panels.cpu).toBe(true)
    await startAtBar()
    await press('ArrowLeft')
    await press('ArrowLeft') // View
    await press('ArrowDown')
    expect(wrapper.find('[data-key="view.cpu"]').attributes('role')).toBe('menuitemcheckbox')
    await press('Enter')
    expect(view.panels.cpu).toBe(false)
    expect(openMenus()).toEqual([])
    expect(focused()).toBe('#workload')
  })

  it('a click on a submenu parent keeps the submenu the hover opened', async () => {
    await mountApp()
    await wrapper.find('[data-menu="workload"] > button').trigger('click')
    const parent = wrapper.find('[data-key="workload.io"]')
    await parent.element.parentElement!.dispatchEvent(new Event('mouseenter'))
    await flushPromises()
    expect(openMenus()).toEqual(['Workload', 'I/O-bound'])
    await parent.trigger('click')
    expect(openMenus()).toEqual(['Workload', 'I/O-bound'])
  })

  it('Tab out of an open menu closes it, as focus leaves the menu bar', async () => {
    await mountApp()
    await startAtBar()
    await press('ArrowDown') // File, open
    expect(openMenus()).toEqual(['File'])
    // What Tab does in the browser: focus moves to the next element outside the bar.
    ;(wrapper.find('#workload').element as HTMLElement).focus()
    await flushPromises()
    expect(openMenus()).toEqual([])
  })
})
