// Workload ▸ Your Code… in the desktop app: main's Open dialog, then the host reads the chosen
// script (never runs it); the page gets what was read over IPC, or null when the user cancelled.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { LabApi } from '../../src/shared/api'
import { IPC } from '../../src/shared/ipc'
import type { ScriptInfo } from '../../src/shared/user-script'
import { makeFakeElectron } from './fake-electron'

const fake = vi.hoisted(() => ({ electron: null as unknown as ReturnType<typeof makeFakeElectron> }))
vi.mock('electron', async () => {
  const { makeFakeElectron } = await import('./fake-electron')
  fake.electron = makeFakeElectron()
  return fake.electron
})

const { registerLabIpc } = await import('../../src/main/electron/ipc')
const { scriptDialog } = await import('../../src/main/electron/script-dialog')

const ourWindow = { id: 'ours' }
const read: ScriptInfo = {
  path: '/home/me/work.py',
  runtime: 'python',
  sha256: 'a'.repeat(64),
  functions: [{ name: 'fetch_one', async: true }],
}

describe('the Your Code dialog', () => {
  const host = { inspectScript: vi.fn(async () => read) }
  let dispose: () => void

  beforeEach(() => {
    host.inspectScript.mockClear()
    fake.electron.dialog.showOpenDialog.mockClear()
    dispose = registerLabIpc({} as LabApi, {
      isOurWindow: (s) => s === (ourWindow as never),
      scriptDialog: scriptDialog(host, () => ourWindow as never),
    })
  })
  afterEach(() => dispose())

  it('reads the file chosen in the dialog, and nothing when cancelled', async () => {
    fake.electron.dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: ['/home/me/work.py'] })
    expect(await fake.electron.ipcMain.invoke(IPC.openScriptDialog, ourWindow)).toEqual(read)
    expect(host.inspectScript).toHaveBeenCalledWith('/home/me/work.py')
    const [parent, options] = fake.electron.dialog.showOpenDialog.mock.calls[0]! as unknown as [
      unknown,
      { filters: Array<{ extensions: string[] }> },
    ]
    expect(parent).toBe(ourWindow)
    expect(options.filters[0]!.extensions).toEqual(['py', 'mjs', 'js'])

    fake.electron.dialog.showOpenDialog.mockResolvedValueOnce({ canceled: true, filePaths: [] })
    expect(await fake.electron.ipcMain.invoke(IPC.openScriptDialog, ourWindow)).toBeNull()
    expect(host.inspectScript).toHaveBeenCalledTimes(1)
  })

  it('a file the lab refuses rejects with its one-line reason', async () => {
    host.inspectScript.mockRejectedValueOnce(new Error('script notes.txt must be a .py, .mjs or .js file'))
    fake.electron.dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: ['/home/me/notes.txt'] })
    await expect(fake.electron.ipcMain.invoke(IPC.openScriptDialog, ourWindow)).rejects.toThrow(
      'must be a .py, .mjs or .js file',
    )
  })

  it('another window cannot open it', async () => {
    await expect(fake.electron.ipcMain.invoke(IPC.openScriptDialog, { id: 'other' })).rejects.toThrow()
    expect(fake.electron.dialog.showOpenDialog).not.toHaveBeenCalled()
  })
})
