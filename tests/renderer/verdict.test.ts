// @vitest-environment happy-dom
// The app's verdict is the analysis's: the Verdict component shows the headline and reasons of
// src/shared/analysis as they are. tests/shared/analysis/agreement.test.ts checks the CLI and the
// Markdown report against the same runs, so the three say the same sentences.
import { mount } from '@vue/test-utils'
import { createPinia } from 'pinia'
import { describe, expect, it } from 'vitest'
import { verdict, verdictSentences } from '@shared/analysis/verdict'
import type { Run } from '@shared/schemas'
import Verdict from '../../src/renderer/src/components/Verdict.vue'
import { useCatalogStore } from '../../src/renderer/src/stores/catalog'
import { useLabStore } from '../../src/renderer/src/stores/lab'
import { useRunStore } from '../../src/renderer/src/stores/run'
import { REPRESENTATIVE_RUNS } from '../shared/analysis/runs'
import { FakeLab } from './fake-lab'

/** What the Verdict component shows for a saved run: its headline, then each list item. */
async function shown(run: Run): Promise<string[]> {
  const pinia = createPinia()
  const lab = new FakeLab()
  useLabStore(pinia).connect({ api: lab, shell: null, kind: 'browser' })
  await useCatalogStore(pinia).load(lab)
  useRunStore(pinia).show(run)
  const wrapper = mount(Verdict, { global: { plugins: [pinia] } })
  const sentences = [wrapper.find('.headline').text(), ...wrapper.findAll('li').map((li) => li.text())]
  wrapper.unmount()
  return sentences
}

describe('Verdict', () => {
  it.each(Object.entries(REPRESENTATIVE_RUNS))('%s: shows the analysis sentences as they are', async (_name, run) => {
    expect(await shown(run)).toEqual(verdictSentences(verdict(run)))
  })

  it('a run of your own code (workload user, not listed in the catalog) shows the same sentences as the CLI', async () => {
    const base = Object.values(REPRESENTATIVE_RUNS)[0]!
    const run: Run = {
      ...base,
      config: {
        ...base.config,
        workload: 'user',
        params: {},
        userScript: { path: '/home/me/work.py', function: 'work', inputs: { range: 8 } },
      },
    }
    const sentences = await shown(run)
    expect(sentences.length).toBeGreaterThan(0)
    expect(sentences).toEqual(verdictSentences(verdict(run)))
  })
})
