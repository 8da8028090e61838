// @vitest-environment happy-dom
// The Python side of the UI: choosing an interpreter and a switch interval, the busy-cores column
// and its GIL reading, and Python strategies switched off when no usable interpreter exists.
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, type Pinia } from 'pinia'
import { afterEach, describe, expect, it } from 'vitest'
import type { Catalog, RuntimeInfo } from '@shared/api'
import { STRATEGIES } from '@shared/catalog'
import ConfigPanel from '../../src/renderer/src/components/ConfigPanel.vue'
import ResultsTable from '../../src/renderer/src/components/ResultsTable.vue'
import { useCatalogStore } from '../../src/renderer/src/stores/catalog'
import { useConfigStore } from '../../src/renderer/src/stores/config'
import { useLabStore } from '../../src/renderer/src/stores/lab'
import { useRunStore } from '../../src/renderer/src/stores/run'
import { FakeLab, makeRun, makeStats } from './fake-lab'

const PY311: RuntimeInfo = {
  id: 'python3.11.7',
  kind: 'python',
  version: '3.11.7',
  executable: '/usr/bin/python3.11',
  gil: true,
  freeThreaded: false,
  default: true,
}
const PY313T: RuntimeInfo = {
  id: 'python3.13.0t',
  kind: 'python',
  version: '3.13.0',
  executable: '/opt/python3.13t',
  gil: false,
  freeThreaded: true,
}
const PY37: RuntimeInfo = {
  id: 'python3.7.16',
  kind: 'python',
  version: '3.7.16',
  executable: '/opt/python3.7',
  gil: true,
  freeThreaded: false,
  unavailable: 'Python 3.7.16 is too old: the lab needs Python 3.8 or newer',
}

/** The usual fake, with the Python interpreters a test wants in its catalog. */
class PythonLab extends FakeLab {
  constructor(private readonly pythons: RuntimeInfo[]) {
    super()
  }
  override async catalog(): Promise<Catalog> {
    const base = await super.catalog()
    return { ...base, runtimes: [...base.runtimes, ...this.pythons] }
  }
}

let pinia: Pinia
let wrapper: VueWrapper

async function mountWith(
  component: typeof ConfigPanel | typeof ResultsTable,
  pythons: RuntimeInfo[],
): Promise<VueWrapper> {
  pinia = createPinia()
  const lab = new PythonLab(pythons)
  useLabStore(pinia).connect({ api: lab, shell: null, kind: 'browser' })
  await useCatalogStore(pinia).load(lab)
  useConfigStore(pinia).initialise()
  wrapper = mount(component, { props: { isMac: false }, global: { plugins: [pinia] }, attachTo: document.body })
  await flushPromises()
  return wrapper
}

const checkbox = (id: string) => wrapper.find(`input[type="checkbox"][value="${id}"]`)

afterEach(() => wrapper?.unmount())

describe('config panel, Python fields', () => {
  it('shows the interpreter and switch interval only once a Python strategy is chosen, with the default interpreter selected', async () => {
    await mountWith(ConfigPanel, [PY311, PY313T, PY37])
    expect(wrapper.find('[data-testid="python-fields"]').exists()).toBe(false)
    await checkbox('py-threads').setValue(true)
    expect(wrapper.find('[data-testid="python-fields"]').exists()).toBe(true)
    const select = wrapper.find('#python-interpreter')
    expect((select.element as HTMLSelectElement).value).toBe('python3.11.7')
    const options = select.findAll('option')
    expect(options.map((o) => o.text())).toEqual([
      'Python 3.11.7 · default',
      'Python 3.13.0 · free-threaded, GIL off',
      'Python 3.7.16 · unavailable: Python 3.7.16 is too old: the lab needs Python 3.8 or newer',
    ])
    expect(options.map((o) => (o.element as HTMLOptionElement).disabled)).toEqual([false, false, true])
    expect(wrapper.find('#help-switch-interval').text()).toMatch(/5 ms in CPython; 0\.001–1,000/)
    // Left at the default, the run names no interpreter and no interval: the lab's own defaults apply.
    const config = useConfigStore(pinia)
    expect(config.input).not.toHaveProperty('python')
    expect(config.input).not.toHaveProperty('switchIntervalMs')
  })

  it('sends the chosen interpreter and switch interval as RunConfig.python and switchIntervalMs', async () => {
    await mountWith(ConfigPanel, [PY311, PY313T])
    await checkbox('py-sequential').setValue(true)
    await checkbox('py-threads').setValue(true)
    await wrapper.find('#python-interpreter').setValue('python3.13.0t')
    await wrapper.find('#switch-interval').setValue('0.5')
    const config = useConfigStore(pinia)
    expect(config.valid).toBe(true)
    expect(config.input).toMatchObject({
      strategies: ['sequential', 'threads', 'py-sequential', 'py-threads'],
      python: 'python3.13.0t',
      switchIntervalMs: 0.5,
    })
    wrapper.find('form').element.dispatchEvent(new Event('submit'))
    expect(wrapper.emitted('run')).toHaveLength(1)

    // Without a Python strategy, the Python fields go and the run carries neither setting.
    await checkbox('py-sequential').setValue(false)
    await checkbox('py-threads').setValue(false)
    expect(wrapper.find('[data-testid="python-fields"]').exists()).toBe(false)
    expect(config.input).not.toHaveProperty('python')
    expect(config.input).not.toHaveProperty('switchIntervalMs')
  })

  it('shows the Dask scheduler field only with py-dask, sends its address, and names a bad one beside it', async () => {
    await mountWith(ConfigPanel, [PY311])
    await checkbox('py-processes').setValue(true)
    expect(wrapper.find('[data-testid="dask-scheduler-field"]').exists()).toBe(false)
    await checkbox('py-dask').setValue(true)
    const field = wrapper.find('#dask-scheduler')
    expect(field.attributes('placeholder')).toBe('empty: a local cluster')
    const config = useConfigStore(pinia)
    expect(config.input).not.toHaveProperty('daskScheduler')
    await field.setValue('tcp://10.0.0.5:8786')
    expect(config.input.daskScheduler).toBe('tcp://10.0.0.5:8786')
    await field.setValue('tcp://10.0.0.5')
    expect(field.attributes('aria-invalid')).toBe('true')
    expect(wrapper.find('#error-daskScheduler, [role="alert"]').text()).toMatch(/tcp:\/\/HOST:PORT/)
    await checkbox('py-dask').setValue(false)
    expect(wrapper.find('[data-testid="dask-scheduler-field"]').exists()).toBe(false)
    expect(config.input).not.toHaveProperty('daskScheduler')
  })

  it("checks the switch interval against the shared schema's range, beside the field", async () => {
    await mountWith(ConfigPanel, [PY311])
    await checkbox('py-threads').setValue(true)
    const field = wrapper.find('#switch-interval')
    await field.setValue('0')
    expect(field.attributes('aria-invalid')).toBe('true')
    expect(wrapper.find('#error-switchIntervalMs').text()).toBe(
      'must be a number from 0.001 to 1,000 ms; it is too small',
    )
    expect(wrapper.find('button[type="submit"]').attributes('disabled')).toBeDefined()
    await field.setValue('soon')
    expect(wrapper.find('#error-switchIntervalMs').text()).toBe(
      'must be a number from 0.001 to 1,000 ms; it is not a number',
    )
    await field.setValue('20')
    expect(field.attributes('aria-invalid')).toBe('false')
    expect(wrapper.find('#error-switchIntervalMs').exists()).toBe(false)
    expect(useConfigStore(pinia).input).toMatchObject({ switchIntervalMs: 20 })
  })

  it('disables the Python strategies with the reason when no interpreter is 3.8 or newer', async () => {
    await mountWith(ConfigPanel, [PY37])
    const python = STRATEGIES.filter((s) => s.runtime === 'python').map((s) => s.id)
    for (const id of python) expect(checkbox(id).attributes('disabled'), id).toBeDefined()
    expect(checkbox('sequential').attributes('disabled')).toBeUndefined()
    const reasons = wrapper.findAll('[data-testid="strategy-unavailable"]').map((r) => r.text())
    expect(reasons).toHaveLength(python.length)
    expect(reasons[0]).toMatch(
      /^Not available here: no Python 3\.8 or newer was found \(3\.7\.16: Python 3\.7\.16 is too old/,
    )
  })

  it('loads a run configuration back into the Python fields, and names an interpreter that cannot serve it', async () => {
    await mountWith(ConfigPanel, [PY311, PY313T, PY37])
    const config = useConfigStore(pinia)
    config.load({ workload: 'countdown', strategies: ['py-threads'], python: 'python3.13.0t', switchIntervalMs: 2 })
    await flushPromises()
    expect((wrapper.find('#python-interpreter').element as HTMLSelectElement).value).toBe('python3.13.0t')
    expect((wrapper.find('#switch-interval').element as HTMLInputElement).value).toBe('2')
    expect(config.valid).toBe(true)

    config.load({ workload: 'countdown', strategies: ['py-threads'], python: 'python3.7.16' })
    await flushPromises()
    expect(wrapper.find('#error-python').text()).toBe(
      'cannot be used: Python 3.7.16 is too old: the lab needs Python 3.8 or newer',
    )
    expect(config.valid).toBe(false)

    config.load({ workload: 'countdown', strategies: ['py-threads-nogil'], python: 'python3.11.7' })
    await flushPromises()
    expect(wrapper.find('#error-python').text()).toMatch(
      /must be a free-threaded build .*python3\.11\.7 has the GIL on/,
    )
  })

  it('links the Python strategies to the GIL concept', async () => {
    await mountWith(ConfigPanel, [PY311])
    const link = (id: string) =>
      checkbox(id).element.closest('.strategy')!.querySelector('.concept-link')!.getAttribute('aria-label')
    expect(link('py-threads')).toBe('Explain: The GIL')
    expect(link('py-processes')).toBe('Explain: The GIL')
    expect(link('py-sequential')).toBe('Explain: The GIL')
    expect(link('py-asyncio')).toBe('Explain: The event loop')
    for (const id of ['py-asyncio-uvloop', 'py-gevent', 'py-twisted', 'async'])
      expect(link(id), id).toBe('Explain: The event loop')
    expect(link('threads')).toBe('Explain: Threads vs processes')
  })
})

describe('results table, busy cores', () => {
  it('shows CPU time ÷ wall time for every row and the GIL reading for Python rows, beside Node rows', async () => {
    await mountWith(ResultsTable, [PY311])
    const run = useRunStore(pinia)
    run.config = makeRun('r', {
      workload: 'countdown',
      strategies: ['sequential', 'threads', 'py-sequential', 'py-threads', 'py-processes'],
      workers: [2],
    }).config
    run.stats = [
      makeStats('sequential', 1, 400, 1, { cpuMs: 396 }),
      makeStats('threads', 2, 210, 1.9, { cpuMs: 410 }),
      makeStats('py-sequential', 1, 1000, 1, { cpuMs: 990 }),
      makeStats('py-threads', 2, 1050, 0.95, { cpuMs: 1040 }),
      makeStats('py-processes', 2, 560, 1.79, { cpuMs: 1070 }),
    ]
    await flushPromises()
    const headers = wrapper.findAll('th[scope="col"]').map((h) => h.text())
    expect(headers).toContain('Busy cores')
    const row = (strategy: string) => wrapper.find(`[data-testid="results-row"][data-strategy="${strategy}"]`)
    expect(row('threads').find('[data-testid="busy-cores"]').text()).toBe('1.95')
    expect(row('threads').find('[data-testid="busy-reading"]').exists()).toBe(false)
    expect(row('py-threads').find('[data-testid="busy-cores"]').text()).toBe('0.99')
    expect(row('py-threads').find('[data-testid="busy-reading"]').text()).toBe('2 threads kept 1.0 cores busy')
    expect(row('py-processes').find('[data-testid="busy-reading"]').text()).toBe('2 processes kept 1.9 cores busy')
    expect(row('py-sequential').find('[data-testid="busy-reading"]').text()).toBe('1 thread kept 1.0 cores busy')
    // Each runtime's speedups are against its own sequential strategy, as the lab computed them.
    expect(row('threads').find('[data-testid="speedup"]').text()).toBe('1.90×')
    expect(row('py-processes').find('[data-testid="speedup"]').text()).toBe('1.79×')
    expect(wrapper.find('caption').text()).toMatch(
      /Busy cores is CPU time ÷ wall time\. Python rows ran on Python 3\.11\.7, default switch interval\./,
    )
  })

  it("says 'not measured' for a run on a user's Dask cluster, never a number", async () => {
    await mountWith(ResultsTable, [PY311])
    const run = useRunStore(pinia)
    run.config = makeRun('r', { workload: 'primes', strategies: ['py-processes', 'py-dask'], workers: [2] }).config
    run.stats = [
      makeStats('py-processes', 2, 560, null, { cpuMs: 1070 }),
      makeStats('py-dask', 2, 700, null, { cpuMs: null, cpuUtilisation: null }),
    ]
    await flushPromises()
    const row = (strategy: string) => wrapper.find(`[data-testid="results-row"][data-strategy="${strategy}"]`)
    const cells = (strategy: string) =>
      row(strategy)
        .findAll('td')
        .map((c) => c.text())
    expect(cells('py-dask').filter((t) => t === 'not measured')).toHaveLength(2)
    expect(row('py-dask').find('[data-testid="busy-cores"]').text()).toBe('—')
    expect(cells('py-processes')).not.toContain('not measured')
  })

  it("names the interpreter a saved run really used, not this machine's default", async () => {
    await mountWith(ResultsTable, [PY311])
    const run = useRunStore(pinia)
    run.show(
      makeRun(
        'saved',
        { workload: 'countdown', strategies: ['py-sequential', 'py-threads'], workers: [2] },
        {
          status: 'finished',
          stats: [
            makeStats('py-sequential', 1, 1000, 1, { cpuMs: 990 }),
            makeStats('py-threads', 2, 1050, 0.95, { cpuMs: 1040 }),
          ],
          python: {
            executable: '/opt/python3.9',
            version: '3.9.18',
            freeThreaded: false,
            gil: true,
            switchIntervalMs: 2,
          },
        },
      ),
    )
    await flushPromises()
    expect(wrapper.find('caption').text()).toContain('Python rows ran on Python 3.9.18 (GIL on), switch interval 2 ms.')
  })
})
