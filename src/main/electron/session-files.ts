// File ▸ Open Session… and Save Session As… in the desktop app: main shows the native dialog and
// reads or writes the file itself, so a path never comes from the page.
import { dialog, type BrowserWindow } from 'electron'
import type { Session } from '../../shared/session'

/** The two host calls that take a path (LabHost has them; only main may call them). */
export interface SessionFileHost {
  openSessionFile(path: string): Promise<Session>
  saveSessionAs(id: string, path: string): Promise<void>
}

const FILTERS = [
  { name: 'Concurrency Lab session', extensions: ['json'] },
  { name: 'All files', extensions: ['*'] },
]

/** A file-name-safe version of a session name, for the Save dialog's default. */
export function sessionFileName(name: string): string {
  const safe = name
    .replace(/[^\w .()-]+/g, '-')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 100)
  return `${safe || 'session'}.json`
}

export function sessionFileDialogs(
  host: SessionFileHost,
  parent: () => BrowserWindow | null,
  nameOf: (id: string) => Promise<string>,
) {
  return {
    /** Resolves to the opened session, or null if the user cancelled; a bad file rejects with its one-line reason. */
    async openWithDialog(): Promise<Session | null> {
      const options = { title: 'Open Session', properties: ['openFile' as const], filters: FILTERS }
      const win = parent()
      const chosen = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options)
      const path = chosen.filePaths[0]
      if (chosen.canceled || !path) return null
      return host.openSessionFile(path)
    },
    /** Resolves to the path written, or null if the user cancelled. */
    async saveAsWithDialog(id: string): Promise<string | null> {
      const options = { title: 'Save Session As', defaultPath: sessionFileName(await nameOf(id)), filters: FILTERS }
      const win = parent()
      const chosen = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options)
      if (chosen.canceled || !chosen.filePath) return null
      await host.saveSessionAs(id, chosen.filePath)
      return chosen.filePath
    },
  }
}
