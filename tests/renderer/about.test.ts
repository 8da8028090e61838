// @vitest-environment happy-dom
// Help ▸ About (issue 10): the app's version, and each interpreter found, with the ones the lab
// cannot use marked as such and why.
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia } from 'pinia'
import { afterEach, describe, expect, it } from 'vitest'
import type { Catalog } from '@shared/api'
import App from '../../src/renderer/src/App.vue'
import { useLabStore } from '../../src/renderer/src/stores/lab'
import { useViewStore } from '../../src/renderer/src/stores/view'
import { FakeLab } from './fake-lab'

class LabWithPythons extends FakeLab {
  override async catalog(): Promise<Catalog> {
    const base = await super.catalog()
    return {
      ...base,
      runtimes: [
        ...base.runtimes,
        { id: 'python3.11', kind: 'python', version: '3.11.7', executable: '/usr/bin/python3', default: true },
        {
          id: 'python3.6',
          kind: 'python',
          version: '3.6.9',
          executable: '/opt/py36/bin/python3',
          unavailable: 'Python 3.6.9 is older than 3.8',
        },
      ],
    }
  }
}

let wrapper: VueWrapper
afterEach(() => wrapper?.unmount())

describe('About', () => {
  it('shows the version and marks the interpreters the lab cannot use, saying why', async () => {
    const pinia = createPinia()
    useLabStore(pinia).connect({ api: new LabWithPythons(), shell: null, kind: 'browser' })
    wrapper = mount(App, { global: { plugins: [pinia] }, attachTo: document.body })
    await flushPromises()
    useViewStore(pinia).aboutOpen = true
    await flushPromises()
    const about = wrapper.find('[role="dialog"][aria-labelledby="about-title"]')
    expect(about.find('[data-testid="app-version"]').text()).toBe('0.1.0-test')
    const runtimes = about.findAll('[data-testid="runtime"]')
    expect(runtimes.map((r) => r.text())).toEqual([
      'Node.js 20',
      'Python 3.11.7 (default for Python strategies)',
      'Python 3.6.9 — cannot be used: Python 3.6.9 is older than 3.8',
    ])
    expect(runtimes[2]!.classes()).toContain('unusable')
    expect(runtimes[1]!.classes()).not.toContain('unusable')
    expect(runtimes[2]!.attributes('title')).toBe('/opt/py36/bin/python3')
  })
})
