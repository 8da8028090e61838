// @vitest-environment happy-dom
// Reload keeps the user's place (issue 10): the config panel as typed, the open page and panels
// and the run on screen come back; anything damaged in storage is ignored, never an error.
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import App from '../../src/renderer/src/App.vue'
import { readPlace } from '../../src/renderer/src/place'
import { useConfigStore } from '../../src/renderer/src/stores/config'
import { useLabStore } from '../../src/renderer/src/stores/lab'
import { useRunStore } from '../../src/renderer/src/stores/run'
import { useViewStore } from '../../src/renderer/src/stores/view'
import { FakeLab, makeRun, makeSession, makeTrial } from './fake-lab'

let wrapper: VueWrapper | undefined
beforeEach(() => localStorage.clear())
afterEach(() => wrapper?.unmount())

async function load(lab: FakeLab): Promise<VueWrapper> {
  wrapper?.unmount()
  const pinia = createPinia()
  useLabStore(pinia).connect({ api: lab, shell: null, kind: 'browser' })
  wrapper = mount(App, { global: { plugins: [pinia] }, attachTo: document.body })
  await flushPromises()
  return wrapper
}

describe('a reload keeps the user’s place', () => {
  it('brings back the config panel as typed, the open page and panels', async () => {
    const lab = new FakeLab()
    await load(lab)
    const config = useConfigStore()
    config.selectWorkload('sleep')
    config.setParam('tasks', '12')
    config.strategies = ['sequential', 'async']
    config.workersText = '1, 2, oops'
    useViewStore().page = 'sessions'
    useViewStore().togglePanel('timeline')
    await flushPromises()

    await load(lab)
    const again = useConfigStore()
    expect(again.workloadId).toBe('sleep')
    expect(again.params['tasks']).toBe('12')
    expect(again.strategies).toEqual(['sequential', 'async'])
    expect(again.workersText).toBe('1, 2, oops') // as typed, with its error shown again
    expect(useViewStore().page).toBe('sessions')
    expect(useViewStore().panels.timeline).toBe(false)
  })

  it('shows again the finished run that was on screen, from the current session', async () => {
    const lab = new FakeLab()
    const done = makeRun('run-7', {}, { status: 'finished', trials: [makeTrial('sequential', 1, 400)] })
    lab.current = makeSession('s1', [done])
    lab.sessions.set('s1', lab.current)
    lab.getRun = (async (id: string) => {
      if (id !== 'run-7') throw new Error('gone')
      return done
    }) as FakeLab['getRun']
    await load(lab)
    useRunStore().show(done)
    await flushPromises()
    expect(readPlace().runId).toBe('run-7')

    await load(lab)
    expect(useRunStore().runId).toBe('run-7')
    expect(useRunStore().trials).toHaveLength(1)
  })

  it('ignores a damaged or foreign place, and a workload or strategy this lab lacks', async () => {
    localStorage.setItem('concurrency-lab:place:v1', '{"config": {"workloadId": 5}}')
    await load(new FakeLab())
    expect(useConfigStore().workloadId).not.toBeNull()
    localStorage.setItem('concurrency-lab:place:v1', 'not json')
    await load(new FakeLab())
    expect(useConfigStore().workloadId).not.toBeNull()
    localStorage.setItem(
      'concurrency-lab:place:v1',
      JSON.stringify({
        config: {
          workloadId: 'no-such-workload',
          paramText: {},
          strategies: ['sequential', 'no-such-strategy'],
          workersText: '1',
          repetitionsText: '3',
          warmupsText: '1',
          chunkSizeText: '1',
          pythonId: null,
          switchIntervalText: '',
        },
      }),
    )
    await load(new FakeLab())
    expect(useConfigStore().workloadId).not.toBe('no-such-workload')
    expect(useConfigStore().strategies).toEqual(['sequential'])
  })
})
