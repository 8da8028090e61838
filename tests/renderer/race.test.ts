// @vitest-environment happy-dom
// Experiments ▸ a race experiment: the page asks the lab, turns the menu's Run and experiments off
// while it waits, and shows the lab's one-line reason when it cannot run.
import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { commandItems } from '@shared/menu'
import { useCatalogStore } from '../../src/renderer/src/stores/catalog'
import { useConfigStore } from '../../src/renderer/src/stores/config'
import { useLabStore } from '../../src/renderer/src/stores/lab'
import { useRaceStore } from '../../src/renderer/src/stores/race'
import { useCommands } from '../../src/renderer/src/commands'
import { FakeLab } from './fake-lab'

let lab: FakeLab
beforeEach(async () => {
  setActivePinia(createPinia())
  lab = new FakeLab()
  useLabStore().connect({ api: lab, shell: null, kind: 'browser' })
  await useCatalogStore().load(lab)
  useConfigStore().initialise()
})

describe('race experiments from the Experiments menu', () => {
  it('lists each race experiment, enabled when nothing runs', () => {
    const items = commandItems(useCommands().menu.value).filter((i) => i.command.command === 'experiment.race')
    expect(items.map((i) => i.label)).toEqual([
      'Race condition: lost updates',
      'Python 3.10 hid the race',
      'Locks cost time',
    ])
    expect(items.every((i) => i.enabled)).toBe(true)
  })

  it('turns Run and the experiments off while one runs, and shows why it failed', async () => {
    let fail: (e: Error) => void = () => undefined
    lab.runRaceExperiment = () => new Promise<never>((_, reject) => (fail = reject))
    const commands = useCommands()
    const done = commands.dispatch({ command: 'experiment.race', arg: 'race-lost-updates' })
    const race = useRaceStore()
    expect(race.running).toBe('race-lost-updates')
    const items = commandItems(commands.menu.value)
    expect(items.find((i) => i.command.command === 'experiment.race')!.enabled).toBe(false)
    expect(items.find((i) => i.command.command === 'run.start')!.enabled).toBe(false)
    fail(new Error('a run is in progress; the race experiment waits until it ends'))
    await done
    expect(race.running).toBeNull()
    expect(race.error).toBe('a run is in progress; the race experiment waits until it ends')
  })
})
