// Run ▸ Add Python Interpreter… in the desktop app: main shows the native Open dialog and hands
// the chosen path to the host, which checks and probes it. The path never comes from the page.
import { dialog, type BrowserWindow } from 'electron'
import type { RuntimeInfo } from '../../shared/api'

export interface InterpreterHost {
  addInterpreter(path: string): Promise<RuntimeInfo>
}

/** Resolves to what was added, or null when the user cancelled or the file was refused (said in an error box). */
export function interpreterDialog(host: InterpreterHost, parent: () => BrowserWindow | null) {
  return async (): Promise<RuntimeInfo | null> => {
    const options = {
      title: 'Add Python Interpreter',
      buttonLabel: 'Add',
      message: 'Choose a python3 executable (CPython 3.8 or newer)',
      properties: ['openFile' as const, 'showHiddenFiles' as const],
    }
    const win = parent()
    const chosen = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options)
    const path = chosen.filePaths[0]
    if (chosen.canceled || !path) return null
    try {
      return await host.addInterpreter(path)
    } catch (error) {
      dialog.showErrorBox('Cannot add the interpreter', error instanceof Error ? error.message : String(error))
      return null
    }
  }
}
