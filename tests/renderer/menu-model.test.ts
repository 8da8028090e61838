import { describe, expect, it } from 'vitest'
import { STRATEGIES, WORKLOADS } from '@shared/catalog'
import {
  INITIAL_MENU_STATE,
  availablePresets,
  buildMenu,
  commandItems,
  formatAccelerator,
  matchesAccelerator,
} from '@shared/menu'

const key = (
  k: string,
  mods: Partial<{ ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; altKey: boolean }> = {},
) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  ...mods,
})

describe('accelerators', () => {
  it('matches CmdOrCtrl as Ctrl off macOS and as ⌘ on it', () => {
    expect(matchesAccelerator('CmdOrCtrl+R', key('r', { ctrlKey: true }), false)).toBe(true)
    expect(matchesAccelerator('CmdOrCtrl+R', key('r', { metaKey: true }), false)).toBe(false)
    expect(matchesAccelerator('CmdOrCtrl+R', key('r', { metaKey: true }), true)).toBe(true)
    expect(matchesAccelerator('CmdOrCtrl+R', key('r'), false)).toBe(false)
  })

  it('needs the modifiers exactly, so Ctrl+Shift+R is not Ctrl+R', () => {
    expect(matchesAccelerator('CmdOrCtrl+R', key('R', { ctrlKey: true, shiftKey: true }), false)).toBe(false)
    expect(matchesAccelerator('CmdOrCtrl+Shift+R', key('R', { ctrlKey: true, shiftKey: true }), false)).toBe(true)
    expect(matchesAccelerator('Escape', key('Escape'), false)).toBe(true)
    expect(matchesAccelerator('Escape', key('Escape', { ctrlKey: true }), false)).toBe(false)
    expect(matchesAccelerator('F1', key('F1'), false)).toBe(true)
  })

  it('reads naturally in menus', () => {
    expect(formatAccelerator('CmdOrCtrl+Shift+R', false)).toBe('Ctrl+Shift+R')
    expect(formatAccelerator('CmdOrCtrl+R', true)).toBe('⌘R')
    expect(formatAccelerator('Escape', false)).toBe('Esc')
  })
})

describe('menu model', () => {
  const catalog = { workloads: WORKLOADS, strategies: STRATEGIES }

  it('enables Run only when the configuration is valid and nothing runs, Stop only while running', () => {
    const find = (state: typeof INITIAL_MENU_STATE, k: string) =>
      commandItems(buildMenu(catalog, state, { development: false })).find((i) => i.key === k)!
    expect(find({ ...INITIAL_MENU_STATE, canRun: false }, 'run.start').enabled).toBe(false)
    expect(find({ ...INITIAL_MENU_STATE, canRun: true }, 'run.start').enabled).toBe(true)
    expect(find({ ...INITIAL_MENU_STATE, canRun: true, running: true }, 'run.start').enabled).toBe(false)
    expect(find({ ...INITIAL_MENU_STATE, running: true }, 'run.stop').enabled).toBe(true)
    expect(find(INITIAL_MENU_STATE, 'run.stop').enabled).toBe(false)
    expect(find({ ...INITIAL_MENU_STATE, running: true }, 'workload.select:primes').enabled).toBe(false)
  })

  it('lists File items, session ones disabled until sessions exist', () => {
    const file = buildMenu(catalog, INITIAL_MENU_STATE, { development: false })[0]!
    expect(file.items.filter((i) => i.kind !== 'separator').map((i) => i.label)).toEqual([
      'New Session',
      'Open Session…',
      'Save Session',
      'Save Session As…',
      'Export',
      'Recent Sessions',
      'Quit',
    ])
    expect(commandItems(file.items).find((i) => i.key === 'session.save')!.enabled).toBe(false)
  })

  it('offers only presets whose workload and strategies the catalog has', () => {
    expect(availablePresets(catalog).map((p) => p.id)).toEqual([
      'cpu-threads-vs-processes',
      'io-sequential-async-threads',
      'python-gil',
      'python-gil-released',
      'python-io',
      'amdahl-serial-ceiling',
      'gil-timeline',
      'gil-timeline-long-switch',
      'cooperative-starvation',
      'scaling-out-chunk-1',
      'scaling-out-chunk-10',
      'scaling-out-chunk-100',
    ])
    expect(
      availablePresets({ workloads: WORKLOADS, strategies: STRATEGIES.filter((s) => s.id !== 'processes') }).map(
        (p) => p.id,
      ),
    ).toEqual([
      'io-sequential-async-threads',
      'python-gil',
      'python-gil-released',
      'python-io',
      'gil-timeline',
      'gil-timeline-long-switch',
      'cooperative-starvation',
      'scaling-out-chunk-1',
      'scaling-out-chunk-10',
      'scaling-out-chunk-100',
    ])
  })

  it('drops the Scaling out presets where py-dask is unavailable (no distributed)', () => {
    const noDask = STRATEGIES.map((s) =>
      s.id === 'py-dask' ? { ...s, unavailable: 'needs distributed: apt-get install python3-distributed' } : s,
    )
    expect(availablePresets({ workloads: WORKLOADS, strategies: noDask }).map((p) => p.id)).not.toContain(
      'scaling-out-chunk-1',
    )
  })

  it('drops the Python presets where the Python strategies are unavailable', () => {
    const noPython = STRATEGIES.map((s) =>
      s.runtime === 'python' ? { ...s, unavailable: 'no Python 3.8 or newer was found' } : s,
    )
    expect(availablePresets({ workloads: WORKLOADS, strategies: noPython }).map((p) => p.id)).toEqual([
      'cpu-threads-vs-processes',
      'io-sequential-async-threads',
      'amdahl-serial-ceiling',
    ])
  })
})
