// The lab window: isolated, sandboxed, no Node in the page, no navigation away, no new windows,
// no permissions; links to the web open in the user's browser, and only http(s) ones.
import { join } from 'node:path'
import { BrowserWindow, shell } from 'electron'

/** Opens http(s) URLs in the user's browser; anything else (file:, javascript:, custom schemes) is ignored. */
export function openExternalSafely(url: string): boolean {
  let protocol: string
  try {
    protocol = new URL(url).protocol
  } catch {
    return false
  }
  if (protocol !== 'https:' && protocol !== 'http:') return false
  void shell.openExternal(url)
  return true
}

export const WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
} as const

export function createLabWindow(preloadDir: string, rendererDir: string, devServerUrl?: string): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 860,
    show: false,
    title: 'Concurrency Lab',
    webPreferences: { preload: join(preloadDir, 'index.cjs'), ...WEB_PREFERENCES },
  })
  win.once('ready-to-show', () => win.show())
  const contents = win.webContents
  contents.setWindowOpenHandler(({ url }) => {
    openExternalSafely(url)
    return { action: 'deny' }
  })
  contents.on('will-navigate', (event) => event.preventDefault())
  contents.on('will-redirect', (event) => event.preventDefault())
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))
  contents.session.setPermissionCheckHandler(() => false)
  if (devServerUrl) void win.loadURL(devServerUrl)
  else void win.loadFile(join(rendererDir, 'index.html'))
  return win
}
