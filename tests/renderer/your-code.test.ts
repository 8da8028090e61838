// @vitest-environment happy-dom
// Workload ▸ Your Code… and Run ▸ Find Best Worker Count… in the page, against a fake lab: the
// script is read by the lab (inspectScript), the run names it with the function and inputs picked,
// Recent scripts is kept and says when a script changed; the search starts with the bounds typed,
// follows its progress events and shows what it found.
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, type Pinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Catalog, RuntimeInfo } from '@shared/api'
import type { TuneResult } from '@shared/tune'
import { summarise } from '@shared/stats'
import App from '../../src/renderer/src/App.vue'
import { keepRecentScript, readPlace } from '../../src/renderer/src/place'
import { useConfigStore } from '../../src/renderer/src/stores/config'
import { useLabStore } from '../../src/renderer/src/stores/lab'
import { FakeLab } from './fake-lab'

let lab: FakeLab
let pinia: Pinia
let wrapper: VueWrapper

async function mountApp(): Promise<void> {
  pinia = createPinia()
  useLabStore(pinia).connect({ api: lab, shell: null, kind: 'browser' })
  wrapper = mount(App, { global: { plugins: [pinia] }, attachTo: document.body })
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

const button = (text: string) => wrapper.findAll('button').find((b) => b.text() === text)!

/** The usual fake, with one Python in its catalog (the script is a .py). */
class PythonLab extends FakeLab {
  override async catalog(): Promise<Catalog> {
    const base = await super.catalog()
    const python: RuntimeInfo = {
      id: 'python3.11.7',
      kind: 'python',
      version: '3.11.7',
      executable: '/usr/bin/python3',
      default: true,
    }
    return { ...base, runtimes: [...base.runtimes, python] }
  }
}

beforeEach(() => {
  lab = new PythonLab()
  localStorage.clear()
})
afterEach(() => wrapper?.unmount())

describe('Workload ▸ Your Code…', () => {
  it('reads the typed path through the lab, and runs the function picked on the range given', async () => {
    await mountApp()
    await menu('Workload', 'Your Code…')
    const dialog = wrapper.find('[role="dialog"][aria-labelledby="your-code-title"]')
    expect(dialog.exists()).toBe(true)
    await dialog.find('#script-path').setValue('/home/me/work.py')
    await dialog.find('form').trigger('submit')
    await flushPromises()
    expect(dialog.find('[data-testid="script-facts"]').text()).toBe('Python · SHA-256 000000000000…')
    expect((dialog.find('input[value="work"]').element as HTMLInputElement).checked).toBe(true)
    await dialog.find('input[aria-label="Number of task inputs"]').setValue('12')
    await dialog.find('[data-testid="use-script"]').trigger('click')
    await flushPromises()
    const config = useConfigStore()
    expect(config.input).toMatchObject({
      workload: 'user',
      strategies: ['py-sequential', 'py-threads'],
      userScript: { path: '/home/me/work.py', function: 'work', sha256: '0'.repeat(64), inputs: { range: 12 } },
    })
    expect(config.errors).toEqual({})
    expect(wrapper.find('[data-testid="your-code"]').text()).toContain('work.py · work · inputs 0 … 11')
    expect(readPlace().recentScripts).toEqual([
      { path: '/home/me/work.py', function: 'work', runtime: 'python', sha256: '0'.repeat(64) },
    ])
    await wrapper.find('button[type="submit"]').trigger('submit')
    await flushPromises()
    expect(lab.started.at(-1)).toMatchObject({ workload: 'user', userScript: { function: 'work' } })
  })

  it('inputs from a file are read by the lab; a recent script whose hash changed says so', async () => {
    keepRecentScript({ path: '/home/me/work.py', function: 'work', runtime: 'python', sha256: 'b'.repeat(64) })
    await mountApp()
    await menu('Workload', 'Your Code…')
    await button('work.py · work').trigger('click')
    await flushPromises()
    expect(wrapper.find('[data-testid="script-changed"]').text()).toBe(
      'work.py changed since you last used it (SHA-256 bbbbbbbbbbbb… then, 000000000000… now).',
    )
    await wrapper.find('input[value="file"]').setValue(true)
    await wrapper.find('input[aria-label="Inputs file"]').setValue('/home/me/inputs.json')
    // The second Read: the inputs file's.
    await wrapper
      .findAll('button')
      .filter((b) => b.text() === 'Read')[1]!
      .trigger('click')
    await flushPromises()
    expect(wrapper.find('[data-testid="inputs-read"]').text()).toBe('3 inputs read')
    await wrapper.find('[data-testid="use-script"]').trigger('click')
    expect(useConfigStore().input).toMatchObject({
      userScript: { inputs: { values: [1, 2, 3], file: '/home/me/inputs.json' } },
    })
  })
})

describe('Run ▸ Find Best Worker Count…', () => {
  const result = (workers: number[], means: number[]): TuneResult => {
    const points = workers.map((w, order) => ({
      workers: w,
      order,
      summary: summarise([means[order]! * 0.99, means[order]!, means[order]! * 1.01]),
    }))
    const best = points.reduce((a, b) => (b.summary.mean < a.summary.mean ? b : a))
    return { points, best, knee: best, ended: 'converged' }
  }

  it('starts with the bounds typed, shows what it tries, then the recommendation, winner and chart', async () => {
    await mountApp()
    await menu('Workload', 'I/O-bound', 'Sleep')
    await menu('Run', 'Find Best Worker Count…')
    const panel = wrapper.find('[data-testid="tune-panel"]')
    expect((panel.find('#tune-max-workers').element as HTMLInputElement).value).toBe('16') // 4 × 4 cores
    await panel.find('#tune-max-workers').setValue('8')
    await panel.find('#tune-budget').setValue('20')
    await panel.find('form').trigger('submit')
    await flushPromises()
    expect(lab.tunes[0]!.bounds).toEqual({ maxWorkers: 8, budgetS: 20 })
    expect(lab.tunes[0]!.config.workload).toBe('sleep')

    const threads = result([1, 2, 4, 3], [400, 200, 100, 134])
    lab.emit({
      type: 'tune-progress',
      runId: null,
      tuneId: 'tune-1',
      progress: { strategy: 'threads', workers: 4, budgetLeftMs: 12_400, finalRunId: null, points: {} },
    })
    await flushPromises()
    expect(wrapper.find('[data-testid="tune-progress"]').text()).toBe('threads: trying 4 workers (12 s of budget left)')
    await button('Stop').trigger('click')
    await flushPromises()
    expect(lab.tuneStopped).toBe(true)

    lab.emit({
      type: 'tune-end',
      runId: null,
      tuneId: 'tune-1',
      summary: {
        strategies: [
          { strategy: 'sequential', result: result([1], [400]) },
          { strategy: 'threads', result: threads },
        ],
        finalRunId: null,
        winner: 'threads',
        why: ['Worker threads × 4 won.', 'Sleep is I/O-bound.', 'A third sentence.'],
        stopped: true,
      },
    })
    await flushPromises()
    const best = wrapper.findAll('[data-testid="tune-best"]').map((c) => c.text())
    expect(best).toEqual(['1 worker', '4 workers'])
    expect(wrapper.find('[data-testid="tune-winner"]').text()).toBe(
      'Winner: Worker threads. Worker threads × 4 won. Sleep is I/O-bound.',
    )
    expect(wrapper.find('canvas[data-chart="tune"]').attributes('data-points')).toBe('5')
  })

  it('says why the lab refused the search', async () => {
    lab.startTune = async () => {
      throw new Error('a run is in progress: stop it first')
    }
    await mountApp()
    await menu('Run', 'Find Best Worker Count…')
    await wrapper.find('[data-testid="tune-panel"] form').trigger('submit')
    await flushPromises()
    expect(wrapper.find('[data-testid="tune-error"]').text()).toBe('a run is in progress: stop it first')
  })
})
