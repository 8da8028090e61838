// Workload ▸ Your Code… in the desktop app: main shows the native Open dialog and the host reads
// the chosen script (runtime, SHA-256, functions) without running it; the page gets what was read.
import { dialog, type BrowserWindow } from 'electron'
import type { ScriptInfo } from '../../shared/user-script'

export interface ScriptHost {
  inspectScript(path: string): Promise<ScriptInfo>
}

const FILTERS = [
  { name: 'Python or Node script', extensions: ['py', 'mjs', 'js'] },
  { name: 'All files', extensions: ['*'] },
]

/** Resolves to the script read, or null when the user cancelled; a file the lab refuses rejects with its one-line reason. */
export function scriptDialog(host: ScriptHost, parent: () => BrowserWindow | null) {
  return async (): Promise<ScriptInfo | null> => {
    const options = { title: 'Your Code', buttonLabel: 'Choose', properties: ['openFile' as const], filters: FILTERS }
    const win = parent()
    const chosen = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options)
    const path = chosen.filePaths[0]
    if (chosen.canceled || !path) return null
    return host.inspectScript(path)
  }
}
