// The lab window: isolated, sandboxed, no Node in the page, no navigation away, no new windows,
// no permissions; links to the web open in the user's browser, and only http(s) ones.
// The Content Security Policy is the meta tag of src/renderer/index.html: the packaged app loads
// the page from file://, which has no response headers, so onHeadersReceived could not set one.
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
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

/** Whether `url` is the app's own page (`appUrl`), whatever its query or hash: a reload, not a way out. */
export function isAppPage(url: string, appUrl: string): boolean {
  try {
    const to = new URL(url)
    const app = new URL(appUrl)
    return to.protocol === app.protocol && to.host === app.host && to.pathname === app.pathname
  } catch {
    return false
  }
}

export const WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
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
  const pagePath = join(rendererDir, 'index.html')
  const appUrl = devServerUrl ?? pathToFileURL(pagePath).href
  contents.on('will-navigate', (event) => {
    if (!isAppPage(event.url, appUrl)) event.preventDefault()
  })
  contents.on('will-redirect', (event) => event.preventDefault())
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))
  contents.session.setPermissionCheckHandler(() => false)
  if (devServerUrl) void win.loadURL(devServerUrl)
  else void win.loadFile(pagePath)
  return win
}
