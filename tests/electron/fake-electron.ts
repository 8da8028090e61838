// A fake `electron` module for unit tests: records what src/main/electron asks of it.
import { EventEmitter } from 'node:events'
import { vi } from 'vitest'

type Listener = (...args: unknown[]) => unknown

export class FakeIpcMain {
  handlers = new Map<string, Listener>()
  listeners = new Map<string, Listener[]>()
  handle(channel: string, listener: Listener): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`)
    this.handlers.set(channel, listener)
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel)
  }
  on(channel: string, listener: Listener): void {
    this.listeners.set(channel, [...(this.listeners.get(channel) ?? []), listener])
  }
  removeListener(channel: string, listener: Listener): void {
    this.listeners.set(
      channel,
      (this.listeners.get(channel) ?? []).filter((l) => l !== listener),
    )
  }
  /** What ipcRenderer.invoke from `sender` would get. */
  invoke(channel: string, sender: unknown, payload?: unknown): Promise<unknown> {
    const handler = this.handlers.get(channel)
    if (!handler) return Promise.reject(new Error(`no handler for ${channel}`))
    return Promise.resolve().then(() => handler({ sender }, payload))
  }
  send(channel: string, sender: unknown, payload?: unknown): void {
    for (const l of this.listeners.get(channel) ?? []) l({ sender }, payload)
  }
}

/** The preload's side: invoke reaches FakeIpcMain as if sent by `sender` (the lab window by default). */
export class FakeIpcRenderer {
  sender: unknown = { id: 'preload window' }
  listeners = new Map<string, Listener[]>()
  constructor(private readonly main: FakeIpcMain) {}
  invoke(channel: string, payload?: unknown): Promise<unknown> {
    // Electron copies the payload across processes (structured clone); so does this fake.
    return this.main.invoke(channel, this.sender, structuredClone(payload))
  }
  send(channel: string, payload?: unknown): void {
    this.main.send(channel, this.sender, structuredClone(payload))
  }
  on(channel: string, listener: Listener): void {
    this.listeners.set(channel, [...(this.listeners.get(channel) ?? []), listener])
  }
}

export class FakeWebContents {
  handlers = new Map<string, Listener>()
  windowOpenHandler: Listener | null = null
  permissionRequestHandler: Listener | null = null
  permissionCheckHandler: Listener | null = null
  session = {
    setPermissionRequestHandler: (h: Listener) => (this.permissionRequestHandler = h),
    setPermissionCheckHandler: (h: Listener) => (this.permissionCheckHandler = h),
  }
  sent: Array<[string, unknown]> = []
  on(event: string, handler: Listener): this {
    this.handlers.set(event, handler)
    return this
  }
  setWindowOpenHandler(handler: Listener): void {
    this.windowOpenHandler = handler
  }
  send(channel: string, payload: unknown): void {
    this.sent.push([channel, payload])
  }
}

export class FakeBrowserWindow {
  static created: FakeBrowserWindow[] = []
  webContents = new FakeWebContents()
  loaded: string | null = null
  constructor(readonly options: { webPreferences: Record<string, unknown> }) {
    FakeBrowserWindow.created.push(this)
  }
  once(): void {}
  on(): void {}
  show(): void {}
  loadFile(path: string): Promise<void> {
    this.loaded = path
    return Promise.resolve()
  }
  loadURL(url: string): Promise<void> {
    this.loaded = url
    return Promise.resolve()
  }
}

/** utilityProcess.fork's child: the test drives its 'spawn', 'error' and 'exit' events. */
export class FakeUtilityProcess extends EventEmitter {
  pid: number | undefined = undefined
  killed = 0
  posted: unknown[] = []
  constructor(
    readonly modulePath: string,
    readonly args: string[],
  ) {
    super()
  }
  postMessage(message: unknown): void {
    this.posted.push(message)
  }
  /** As Electron's: false (and nothing happens) before the process has spawned (electron#44009). */
  kill(): boolean {
    if (this.pid === undefined) return false
    this.killed++
    return true
  }
  spawned(pid: number): void {
    this.pid = pid
    this.emit('spawn')
  }
}

export function makeFakeElectron() {
  const ipcMain = new FakeIpcMain()
  const utilityProcess = {
    forked: [] as FakeUtilityProcess[],
    /** Set to make the next fork throw, as Electron does for a bad module path or options. */
    failNext: null as Error | null,
    fork: vi.fn((modulePath: string, args: string[] = []): FakeUtilityProcess => {
      if (utilityProcess.failNext) {
        const error = utilityProcess.failNext
        utilityProcess.failNext = null
        throw error
      }
      const child = new FakeUtilityProcess(modulePath, args)
      utilityProcess.forked.push(child)
      return child
    }),
  }
  const exposed = new Map<string, unknown>()
  return {
    ipcMain,
    ipcRenderer: new FakeIpcRenderer(ipcMain),
    /** What the preload exposed to the page, by key (window.lab, window.labShell). */
    exposed,
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
    BrowserWindow: FakeBrowserWindow,
    shell: { openExternal: vi.fn(() => Promise.resolve()) },
    dialog: {
      showOpenDialog: vi.fn(async (..._args: unknown[]): Promise<{ canceled: boolean; filePaths: string[] }> => ({
        canceled: true,
        filePaths: [],
      })),
      showErrorBox: vi.fn((_title: string, _content: string): void => undefined),
      showSaveDialog: vi.fn(async (..._args: unknown[]): Promise<{ canceled: boolean; filePath?: string }> => ({
        canceled: true,
      })),
    },
    utilityProcess,
    app: {
      isPackaged: false,
      getPath: vi.fn((name: string) => `/tmp/fake-electron/${name}`),
      whenReady: vi.fn(() => Promise.resolve()),
      on: vi.fn(),
      quit: vi.fn(),
    },
    Menu: {
      buildFromTemplate: vi.fn((template: unknown[]) => ({ template })),
      setApplicationMenu: vi.fn(),
    },
  }
}
