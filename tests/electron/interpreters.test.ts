// Run ▸ Add Python Interpreter… in the desktop app: main's dialog chooses the path, the host
// checks it; a refusal is shown in an error box with the host's one line, and a cancel adds nothing.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { RuntimeInfo } from '../../src/shared/api'
import { makeFakeElectron } from './fake-electron'

const fake = vi.hoisted(() => ({ electron: null as unknown as ReturnType<typeof makeFakeElectron> }))
vi.mock('electron', async () => {
  const { makeFakeElectron } = await import('./fake-electron')
  fake.electron = makeFakeElectron()
  return fake.electron
})

const { interpreterDialog } = await import('../../src/main/electron/interpreters')

const added: RuntimeInfo = { id: 'python3.12.1', kind: 'python', version: '3.12.1', executable: '/opt/py/bin/python3' }

describe('Add Python Interpreter…', () => {
  const host = { addInterpreter: vi.fn(async (_path: string) => added) }
  const win = { id: 'lab window' }
  beforeEach(() => {
    host.addInterpreter.mockClear()
    fake.electron.dialog.showOpenDialog.mockClear()
    fake.electron.dialog.showErrorBox.mockClear()
  })

  it('adds the file chosen in the dialog, parented to the lab window', async () => {
    fake.electron.dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: ['/opt/py/bin/python3'] })
    expect(await interpreterDialog(host, () => win as never)()).toEqual(added)
    expect(fake.electron.dialog.showOpenDialog.mock.calls[0]![0]).toBe(win)
    expect(host.addInterpreter).toHaveBeenCalledWith('/opt/py/bin/python3')
  })

  it('adds nothing when cancelled', async () => {
    expect(await interpreterDialog(host, () => null)()).toBeNull()
    expect(host.addInterpreter).not.toHaveBeenCalled()
  })

  it("shows the host's reason when the file is refused", async () => {
    fake.electron.dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: ['/bin/true'] })
    host.addInterpreter.mockRejectedValueOnce(
      new Error('/bin/true is not a working Python interpreter (it did not answer a version probe)'),
    )
    expect(await interpreterDialog(host, () => null)()).toBeNull()
    expect(fake.electron.dialog.showErrorBox).toHaveBeenCalledWith(
      'Cannot add the interpreter',
      '/bin/true is not a working Python interpreter (it did not answer a version probe)',
    )
  })
})
