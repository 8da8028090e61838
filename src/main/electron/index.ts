// Electron main: owns one LabHost, the window and the IPC. Kept thin; the lab lives in src/main/lab.
import { fileURLToPath } from 'node:url'
import { app, BrowserWindow } from 'electron'
import { IPC } from '../../shared/ipc'
import { LabHost } from '../lab/host'
import { batchEvents, registerLabIpc } from './ipc'
import { UtilityProcessLauncher } from './utility-launcher'
import { createLabWindow } from './window'

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url))

const host = new LabHost({
  entries: { thread: here('./thread-entry.js'), process: here('./process-entry.js') },
  launcher: new UtilityProcessLauncher(),
})

let win: BrowserWindow | null = null

void app.whenReady().then(() => {
  win = createLabWindow(here('../preload'), here('../renderer'), process.env['ELECTRON_RENDERER_URL'])
  const events = batchEvents((batch) => win?.webContents.send(IPC.events, batch))
  host.onEvent((event) => events.push(event))
  registerLabIpc(host, (sender) => sender === win?.webContents)
  win.on('closed', () => {
    events.dispose()
    win = null
  })
})

let quitting = false
app.on('before-quit', (event) => {
  if (quitting) return
  // End every run and child before the app exits.
  event.preventDefault()
  quitting = true
  void host.shutdown().finally(() => app.quit())
})

app.on('window-all-closed', () => app.quit())
