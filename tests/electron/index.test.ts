// The shell's wiring (src/main/electron/index.ts): the window it opens is the only sender its IPC
// answers, with the lab itself replaced by a fake so no child or interpreter starts.
import { describe, expect, it, vi } from 'vitest'
import { labChannel } from '../../src/shared/ipc'
import { STRATEGIES, WORKLOADS } from '../../src/shared/catalog'
import { FakeBrowserWindow, makeFakeElectron } from './fake-electron'

const fake = vi.hoisted(() => ({
  electron: null as unknown as ReturnType<typeof makeFakeElectron>,
  hostOptions: [] as unknown[],
}))
vi.mock('electron', async () => {
  const { makeFakeElectron } = await import('./fake-electron')
  fake.electron = makeFakeElectron()
  return fake.electron
})
vi.mock('../../src/main/lab/host', () => ({
  LabHost: class {
    constructor(options: unknown) {
      fake.hostOptions.push(options)
    }
    catalog = vi.fn(async () => ({ workloads: WORKLOADS, strategies: STRATEGIES }))
    listSessions = vi.fn(async () => [])
    onEvent = vi.fn(() => () => undefined)
    shutdown = vi.fn(async () => undefined)
  },
}))

delete process.env['ELECTRON_RENDERER_URL']
await import('../../src/main/electron/index')
const { WEB_PREFERENCES } = await import('../../src/main/electron/window')

async function labWindow(): Promise<FakeBrowserWindow> {
  for (let i = 0; i < 100 && FakeBrowserWindow.created.length === 0; i++) await new Promise((r) => setTimeout(r, 5))
  expect(FakeBrowserWindow.created).toHaveLength(1)
  return FakeBrowserWindow.created[0]!
}

describe('the desktop shell', () => {
  it('opens one window with the checklist preferences, loading the built page from a file', async () => {
    const win = await labWindow()
    expect(win.options.webPreferences).toMatchObject(WEB_PREFERENCES)
    expect(win.loaded).toMatch(/renderer\/index\.html$/)
  })

  it('starts worker processes as utilityProcess (the packaged binary has RunAsNode off) and Python from a real file', () => {
    expect(fake.hostOptions).toHaveLength(1)
    const options = fake.hostOptions[0] as { launcher: { name: string }; entries: { python: string } }
    expect(options.launcher.name).toBe('utilityProcess')
    expect(options.entries.python).toMatch(/src\/workers\/python\/runner\.py$/)
  })

  it('answers IPC from that window only', async () => {
    const win = await labWindow()
    const { ipcMain } = fake.electron
    await expect(ipcMain.invoke(labChannel('listSessions'), win.webContents, [])).resolves.toEqual([])
    const other = new FakeBrowserWindow({ webPreferences: {} })
    await expect(ipcMain.invoke(labChannel('listSessions'), other.webContents, [])).rejects.toThrow(
      /sender is not the lab window/,
    )
    await expect(ipcMain.invoke(labChannel('listSessions'), { id: 1 }, [])).rejects.toThrow(
      /sender is not the lab window/,
    )
  })
})
