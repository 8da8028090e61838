// The lab window: isolated, sandboxed, no Node in the page, no navigation away, no new windows.
import { join } from 'node:path'
import { BrowserWindow, shell, session } from 'electron'

export function openExternalSafely(url: string): void {
  const protocol = new URL(url).protocol
  if (protocol === 'https:' || protocol === 'http:') void shell.openExternal(url)
}

export function createLabWindow(preloadDir: string, rendererDir: string, devServerUrl?: string): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 860,
    show: false,
    title: 'Concurrency Lab',
    webPreferences: {
      preload: join(preloadDir, 'index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  })
  win.once('ready-to-show', () => win.show())
  win.webContents.setWindowOpenHandler(({ url }) => {
    openExternalSafely(url)
    return { action: 'deny' }
  })
  win.webContents.on('will-navigate', (event) => event.preventDefault())
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))
  if (devServerUrl) void win.loadURL(devServerUrl)
  else void win.loadFile(join(rendererDir, 'index.html'))
  return win
}
