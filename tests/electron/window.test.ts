import { describe, expect, it, vi } from 'vitest'
import { FakeBrowserWindow } from './fake-electron'

vi.mock('electron', async () => (await import('./fake-electron')).makeFakeElectron())
const { createLabWindow, openExternalSafely } = await import('../../src/main/electron/window')
const electron = await import('electron')

describe('the lab window', () => {
  const win = createLabWindow('/app/preload', '/app/renderer') as unknown as FakeBrowserWindow
  const contents = win.webContents

  it('is isolated and sandboxed, with the CommonJS preload', () => {
    expect(win.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      preload: '/app/preload/index.cjs',
    })
    expect(win.loaded).toBe('/app/renderer/index.html')
  })

  it('denies navigation, new windows, webviews and permissions', () => {
    for (const name of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      const event = { preventDefault: vi.fn() }
      contents.handlers.get(name)!(event)
      expect(event.preventDefault, name).toHaveBeenCalled()
    }
    expect(contents.windowOpenHandler!({ url: 'https://example.org' })).toEqual({ action: 'deny' })
    const callback = vi.fn()
    contents.permissionRequestHandler!(null, 'media', callback)
    expect(callback).toHaveBeenCalledWith(false)
    expect(contents.permissionCheckHandler!()).toBe(false)
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
