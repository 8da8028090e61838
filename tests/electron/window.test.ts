// The Electron security checklist (electronjs.org/docs/latest/tutorial/security), item by item,
// on the lab window's options and handlers. A line here fails if the window loosens one.
import { readFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { describe, expect, it, vi } from 'vitest'
import { FakeBrowserWindow } from './fake-electron'

vi.mock('electron', async () => (await import('./fake-electron')).makeFakeElectron())
const { createLabWindow, isAppPage, openExternalSafely } = await import('../../src/main/electron/window')
const electron = await import('electron')

/** Whether `handler` cancels the event (for navigation events, going to `url`). */
const prevented = (handler: (...args: unknown[]) => unknown, url?: string, ...args: unknown[]): boolean => {
  const event = { preventDefault: vi.fn(), url }
  handler(event, ...args)
  return event.preventDefault.mock.calls.length > 0
}

describe('the lab window', () => {
  const win = createLabWindow('/app/preload', '/app/renderer') as unknown as FakeBrowserWindow
  const contents = win.webContents
  const appUrl = pathToFileURL('/app/renderer/index.html').href

  it('is isolated and sandboxed, with no Node anywhere in the page and web security on', () => {
    const prefs = win.options.webPreferences
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      preload: '/app/preload/index.cjs',
    })
    // Checklist 9 and 10: no experimental or extra Blink features.
    expect(prefs['experimentalFeatures']).not.toBe(true)
    expect(prefs['enableBlinkFeatures']).toBeUndefined()
  })

  it('loads the page from a file, where the CSP meta tag is the policy', () => {
    // A file:// load has no response headers, so a header set in onHeadersReceived could not apply.
    expect(win.loaded).toBe('/app/renderer/index.html')
  })

  it("denies navigation away from the app's own page, redirects, webviews and new windows", () => {
    const navigate = contents.handlers.get('will-navigate')!
    expect(prevented(navigate, 'https://example.org/')).toBe(true)
    expect(prevented(navigate, 'file:///etc/passwd')).toBe(true)
    expect(prevented(navigate, 'file:///app/renderer/other.html')).toBe(true)
    expect(prevented(navigate, 'javascript:alert(1)')).toBe(true)
    expect(prevented(navigate, `${appUrl}#compare`)).toBe(false)
    expect(prevented(contents.handlers.get('will-redirect')!, 'https://example.org/')).toBe(true)
    expect(
      prevented(contents.handlers.get('will-attach-webview')!, undefined, {}, { src: 'https://example.org/' }),
    ).toBe(true)
    expect(contents.windowOpenHandler!({ url: 'https://example.org' })).toEqual({ action: 'deny' })
    expect(contents.windowOpenHandler!({ url: appUrl })).toEqual({ action: 'deny' })
  })

  it('grants no permission, asked or checked', () => {
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      const callback = vi.fn()
      contents.permissionRequestHandler!(contents, permission, callback)
      expect(callback, permission).toHaveBeenCalledWith(false)
      expect(contents.permissionCheckHandler!(contents, permission), permission).toBe(false)
    }
  })

  it('opens only http(s) links outside, in the user browser', () => {
    vi.mocked(electron.shell.openExternal).mockClear()
    expect(openExternalSafely('https://docs.python.org/3/')).toBe(true)
    expect(openExternalSafely('file:///etc/passwd')).toBe(false)
    expect(openExternalSafely('javascript:alert(1)')).toBe(false)
    expect(openExternalSafely('not a url')).toBe(false)
    expect(vi.mocked(electron.shell.openExternal).mock.calls).toEqual([['https://docs.python.org/3/']])
  })
})

describe('the development window', () => {
  const win = createLabWindow('/app/preload', '/app/renderer', 'http://localhost:5173/') as unknown as FakeBrowserWindow

  it('loads the dev server and lets the page navigate only within it', () => {
    expect(win.loaded).toBe('http://localhost:5173/')
    const navigate = win.webContents.handlers.get('will-navigate')!
    expect(prevented(navigate, 'http://localhost:5173/?reload=1')).toBe(false)
    expect(prevented(navigate, 'http://localhost:5174/')).toBe(true)
    expect(prevented(navigate, 'https://localhost:5173/')).toBe(true)
  })
})

describe("the app's own page", () => {
  it('is the same document, whatever its query or hash', () => {
    const app = 'file:///app/renderer/index.html'
    expect(isAppPage(`${app}#a`, app)).toBe(true)
    expect(isAppPage(`${app}?x=1`, app)).toBe(true)
    expect(isAppPage('file:///app/renderer/index.html/../secret.html', app)).toBe(false)
    expect(isAppPage('file:///app/renderer/', app)).toBe(false)
    expect(isAppPage('http://localhost:5173/index.html', 'http://localhost:5173/')).toBe(false)
    expect(isAppPage('not a url', app)).toBe(false)
  })
})

describe('the Content Security Policy of the page', () => {
  const html = readFileSync(new URL('../../src/renderer/index.html', import.meta.url), 'utf8')
  const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)
  const directives = new Map(
    (meta?.[1] ?? '')
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...sources]) => [name!, sources]),
  )

  it('is a meta tag in index.html, before any script', () => {
    expect(meta, 'no CSP meta tag in src/renderer/index.html').not.toBeNull()
    expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.indexOf('<script'))
  })

  it('allows scripts only from the app itself: no inline scripts, no eval, no remote code', () => {
    expect(directives.get('default-src')).toEqual(["'self'"])
    expect(directives.get('script-src')).toEqual(["'self'"])
    for (const [name, sources] of directives) {
      expect(sources, name).not.toContain("'unsafe-eval'")
      expect(sources, name).not.toContain('*')
      expect(
        sources.filter((s) => /^https?:/.test(s)),
        name,
      ).toEqual([])
    }
  })
})
