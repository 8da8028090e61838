// File ▸ Open Session… and Save Session As… in the desktop app: main's dialogs, over IPC.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { LabApi } from '../../src/shared/api'
import { IPC } from '../../src/shared/ipc'
import type { Session } from '../../src/shared/session'
import { makeFakeElectron } from './fake-electron'

const fake = vi.hoisted(() => ({ electron: null as unknown as ReturnType<typeof makeFakeElectron> }))
vi.mock('electron', async () => {
  const { makeFakeElectron } = await import('./fake-electron')
  fake.electron = makeFakeElectron()
  return fake.electron
})

const { registerLabIpc } = await import('../../src/main/electron/ipc')
const { sessionFileDialogs, sessionFileName } = await import('../../src/main/electron/session-files')

const ourWindow = { id: 'ours' }
const opened = { id: 'opened', name: 'Opened' } as Session

describe('session file dialogs', () => {
  const host = { openSessionFile: vi.fn(async () => opened), saveSessionAs: vi.fn(async () => undefined) }
  let dispose: () => void

  beforeEach(() => {
    host.openSessionFile.mockClear()
    host.saveSessionAs.mockClear()
    fake.electron.dialog.showOpenDialog.mockClear()
    fake.electron.dialog.showSaveDialog.mockClear()
    const files = sessionFileDialogs(
      host,
      () => ourWindow as never,
      async () => 'Laptop: 16 cores / fast',
    )
    dispose = registerLabIpc({} as LabApi, { isOurWindow: (s) => s === (ourWindow as never), sessionFiles: files })
  })
  afterEach(() => dispose())

  it('Open Session… opens the file chosen in the dialog, and nothing when cancelled', async () => {
    fake.electron.dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: ['/home/me/laptop.json'] })
    expect(await fake.electron.ipcMain.invoke(IPC.openSessionDialog, ourWindow)).toBe(opened)
    expect(host.openSessionFile).toHaveBeenCalledWith('/home/me/laptop.json')
    expect(fake.electron.dialog.showOpenDialog.mock.calls[0]![0]).toBe(ourWindow)

    fake.electron.dialog.showOpenDialog.mockResolvedValueOnce({ canceled: true, filePaths: [] })
    expect(await fake.electron.ipcMain.invoke(IPC.openSessionDialog, ourWindow)).toBeNull()
    expect(host.openSessionFile).toHaveBeenCalledTimes(1)
  })

  it('a bad file rejects with the host’s one-line reason', async () => {
    host.openSessionFile.mockRejectedValueOnce(new Error('broken.json is truncated: the JSON ends early'))
    fake.electron.dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: ['/tmp/broken.json'] })
    await expect(fake.electron.ipcMain.invoke(IPC.openSessionDialog, ourWindow)).rejects.toThrow(
      'broken.json is truncated',
    )
  })

  it('Save Session As… writes where the dialog says, with the session name as the default file name', async () => {
    fake.electron.dialog.showSaveDialog.mockResolvedValueOnce({ canceled: false, filePath: '/home/me/out.json' })
    expect(await fake.electron.ipcMain.invoke(IPC.saveSessionAsDialog, ourWindow, 'abc-1')).toBe('/home/me/out.json')
    expect(host.saveSessionAs).toHaveBeenCalledWith('abc-1', '/home/me/out.json')
    expect(fake.electron.dialog.showSaveDialog.mock.calls[0]![1]).toMatchObject({
      defaultPath: 'Laptop- 16 cores - fast.json',
    })

    fake.electron.dialog.showSaveDialog.mockResolvedValueOnce({ canceled: true })
    expect(await fake.electron.ipcMain.invoke(IPC.saveSessionAsDialog, ourWindow, 'abc-1')).toBeNull()
    expect(host.saveSessionAs).toHaveBeenCalledTimes(1)
  })

  it('refuses a bad session id, and any other sender', async () => {
    await expect(fake.electron.ipcMain.invoke(IPC.saveSessionAsDialog, ourWindow, '../../etc')).rejects.toThrow()
    await expect(fake.electron.ipcMain.invoke(IPC.openSessionDialog, { id: 'evil' })).rejects.toThrow(
      /not the lab window/,
    )
    expect(host.saveSessionAs).not.toHaveBeenCalled()
    expect(fake.electron.dialog.showOpenDialog).not.toHaveBeenCalled()
  })

  it('names files safely', () => {
    expect(sessionFileName('a/b\\c')).toBe('a-b-c.json')
    expect(sessionFileName('   ')).toBe('session.json')
  })
})
