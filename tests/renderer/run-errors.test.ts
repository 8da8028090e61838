// @vitest-environment happy-dom
// The run's errors under the progress bar, and the "Run anyway" confirmation when the lab refuses
// a run for its worker count: it retries the same configuration with allowManyWorkers.
import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import RunErrors from '../../src/renderer/src/components/RunErrors.vue'
import { useCatalogStore } from '../../src/renderer/src/stores/catalog'
import { useConfigStore } from '../../src/renderer/src/stores/config'
import { useLabStore } from '../../src/renderer/src/stores/lab'
import { useRunStore } from '../../src/renderer/src/stores/run'
import { useViewStore } from '../../src/renderer/src/stores/view'
import { useCommands } from '../../src/renderer/src/commands'
import { FakeLab } from './fake-lab'

const REFUSAL =
  "workers over 8 (4 × this machine's 2 logical cores) need confirmation for Worker threads: so many threads or processes can stall the machine; to run anyway set allowManyWorkers (CLI: --allow-many-workers)"

let lab: FakeLab
beforeEach(async () => {
  setActivePinia(createPinia())
  lab = new FakeLab()
  useLabStore().connect({ api: lab, shell: null, kind: 'browser' })
  await useCatalogStore().load(lab)
  useConfigStore().initialise()
})

describe('RunErrors', () => {
  it('shows the refusal with Run anyway, which retries the same run with allowManyWorkers', async () => {
    const startRun = lab.startRun.bind(lab)
    lab.startRun = async (config) => {
      if (!(config as { allowManyWorkers?: boolean }).allowManyWorkers) throw new Error(REFUSAL)
      return startRun(config)
    }
    const run = useRunStore()
    const wrapper = mount(RunErrors)
    const input = { ...useConfigStore().input, workers: [64] }
    await run.start(input).catch(() => undefined)
    await wrapper.vm.$nextTick()
    expect(wrapper.find('[role="alert"]').text()).toContain(REFUSAL)
    const button = wrapper.find('button')
    expect(button.text()).toBe('Run anyway')
    await button.trigger('click')
    await wrapper.vm.$nextTick()
    expect(lab.started).toEqual([{ ...input, allowManyWorkers: true }])
    expect(run.phase).toBe('running')
    expect(wrapper.find('button').exists()).toBe(false)
    wrapper.unmount()
  })

  it('offers no Run anyway for other errors', async () => {
    lab.startRun = async () => {
      throw new Error('a run is in progress: stop it first')
    }
    const run = useRunStore()
    const wrapper = mount(RunErrors)
    await run.start(useConfigStore().input).catch(() => undefined)
    await wrapper.vm.$nextTick()
    expect(wrapper.text()).toContain('a run is in progress')
    expect(wrapper.find('button').exists()).toBe(false)
    wrapper.unmount()
  })
})

describe('RunErrors focus', () => {
  it('gives the focus to Run anyway when a run is refused for its worker count', async () => {
    lab.startRun = async () => {
      throw new Error(REFUSAL)
    }
    const run = useRunStore()
    const wrapper = mount(RunErrors, { attachTo: document.body })
    await run.start({ ...useConfigStore().input, workers: [64] }).catch(() => undefined)
    await wrapper.vm.$nextTick()
    await wrapper.vm.$nextTick()
    expect(document.activeElement?.textContent?.trim()).toBe('Run anyway')
    wrapper.unmount()
  })
})

describe('Run notes', () => {
  it('shows a notice from the lab as a note, not as an error', async () => {
    const run = useRunStore()
    const wrapper = mount(RunErrors)
    await run.start(useConfigStore().input)
    run.handleEvent({
      type: 'notice',
      runId: run.runId,
      message: 'run r1 was saved into a new session, “Lab (continued)”',
    })
    await wrapper.vm.$nextTick()
    expect(wrapper.find('[role="alert"]').exists()).toBe(false)
    expect(wrapper.find('[role="status"]').text()).toContain('saved into a new session')
  })
})

describe('a refused start from the Run command', () => {
  it('is told once, in the run errors, not again in a banner that outlives the run', async () => {
    lab.startRun = async () => {
      throw new Error(REFUSAL)
    }
    useConfigStore().input.workers = [64]
    await useCommands().dispatch({ command: 'run.start' })
    expect(useRunStore().errors).toEqual([`Could not start the run: ${REFUSAL}`])
    expect(useViewStore().notices).toEqual([])
  })
})
