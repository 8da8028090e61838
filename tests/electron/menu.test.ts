import { describe, expect, it, vi } from 'vitest'
import type { MenuItemConstructorOptions } from 'electron'
import { STRATEGIES, WORKLOADS } from '../../src/shared/catalog'
import { INITIAL_MENU_STATE, buildMenu, type MenuCommand } from '../../src/shared/menu'

vi.mock('electron', async () => (await import('./fake-electron')).makeFakeElectron())
const { toElectronTemplate, installApplicationMenu } = await import('../../src/main/electron/menu')
const electron = await import('electron')

const catalog = { workloads: WORKLOADS, strategies: STRATEGIES }
const find = (items: MenuItemConstructorOptions[], ...labels: string[]): MenuItemConstructorOptions => {
  let list = items
  let found: MenuItemConstructorOptions | undefined
  for (const label of labels) {
    found = list.find((i) => i.label === label)
    if (!found) throw new Error(`no menu item ${labels.join(' ▸ ')}`)
    list = (found.submenu as MenuItemConstructorOptions[]) ?? []
  }
  return found!
}

describe('menu model → Electron template', () => {
  const model = buildMenu(catalog, { ...INITIAL_MENU_STATE, workload: 'sleep', canRun: true }, { development: false })

  it('has the top-level menus in order', () => {
    expect(toElectronTemplate(model, () => undefined, 'linux').map((m) => m.label)).toEqual([
      'File',
      'Experiments',
      'Workload',
      'Run',
      'View',
      'Help',
    ])
  })

  it('puts the app menu first on macOS only', () => {
    expect(toElectronTemplate(model, () => undefined, 'darwin')[0]).toEqual({ role: 'appMenu' })
    expect(toElectronTemplate(model, () => undefined, 'linux')[0]!.label).toBe('File')
  })

  it('keeps accelerators, enabled state and radio checks', () => {
    const t = toElectronTemplate(model, () => undefined, 'linux')
    expect(find(t, 'Run', 'Run')).toMatchObject({ accelerator: 'CmdOrCtrl+R', enabled: true })
    expect(find(t, 'Run', 'Stop')).toMatchObject({ accelerator: 'Escape', enabled: false })
    expect(find(t, 'Run', 'Run Again')).toMatchObject({ enabled: false })
    expect(find(t, 'Workload', 'I/O-bound', 'Sleep')).toMatchObject({ type: 'radio', checked: true })
    expect(find(t, 'Workload', 'CPU-bound', 'Count primes')).toMatchObject({ type: 'radio', checked: false })
    expect(find(t, 'View', 'Live CPU')).toMatchObject({ type: 'checkbox', checked: true, accelerator: 'CmdOrCtrl+1' })
    expect(find(t, 'File', 'Save Session')).toMatchObject({ enabled: false })
    expect(find(t, 'File', 'Quit')).toMatchObject({ accelerator: 'CmdOrCtrl+Q', enabled: true })
  })

  it('groups every workload under its kind', () => {
    const t = toElectronTemplate(model, () => undefined, 'linux')
    // The kinds' submenus; below them, your own code, then the C10k lab (not a workload of a run).
    const items = find(t, 'Workload').submenu as MenuItemConstructorOptions[]
    const listed = items
      .filter((g) => g.submenu)
      .flatMap((g) => (g.submenu as MenuItemConstructorOptions[]).map((i) => i.label))
    expect(listed.sort()).toEqual(WORKLOADS.map((w) => w.title).sort())
    // Then, each after a separator, the user's own code and the C10k lab.
    expect(items.slice(-4).map((i) => i.type)).toEqual(['separator', 'radio', 'separator', 'normal'])
    expect(items.at(-1)!.label).toBe('C10k Lab (server models)…')
    expect(items.at(-3)!.label).toBe('Your Code…')
  })

  it('dispatches the same command the menu bar would', () => {
    const seen: MenuCommand[] = []
    const t = toElectronTemplate(model, (c) => seen.push(c), 'linux')
    const click = (item: MenuItemConstructorOptions) => (item.click as () => void)()
    click(find(t, 'Workload', 'CPU-bound', 'Count primes'))
    click(find(t, 'Experiments', 'CPU-bound: threads vs processes'))
    click(find(t, 'Run', 'Run'))
    expect(seen).toEqual([
      { command: 'workload.select', arg: 'primes' },
      { command: 'experiment.preset', arg: 'cpu-threads-vs-processes' },
      { command: 'run.start' },
    ])
  })

  it('shows Toggle Developer Tools in development only', () => {
    const dev = toElectronTemplate(
      buildMenu(catalog, INITIAL_MENU_STATE, { development: true }),
      () => undefined,
      'linux',
    )
    expect(() => find(dev, 'View', 'Toggle Developer Tools')).not.toThrow()
    expect(() =>
      find(
        toElectronTemplate(model, () => undefined, 'linux'),
        'View',
        'Toggle Developer Tools',
      ),
    ).toThrow()
  })

  it('installs the built menu as the application menu', () => {
    installApplicationMenu(model, () => undefined)
    expect(electron.Menu.buildFromTemplate).toHaveBeenCalledOnce()
    expect(electron.Menu.setApplicationMenu).toHaveBeenCalledWith(
      vi.mocked(electron.Menu.buildFromTemplate).mock.results[0]!.value,
    )
  })
})
