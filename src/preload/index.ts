// window.lab: LabApi as named methods over IPC; window.labShell: the native menu's bridge.
// The page never sees ipcRenderer itself.
import { contextBridge, ipcRenderer } from 'electron'
import type { LabApi, LabEvent, LabEventListener, Session } from '../shared/api'
import { IPC, labChannel } from '../shared/ipc'
import type { MenuCommand, MenuState } from '../shared/menu'
import type { ScriptInfo } from '../shared/user-script'
import { forwardCalls } from '../shared/methods'

const listeners = new Set<LabEventListener>()
ipcRenderer.on(IPC.events, (_event, batch: LabEvent[]) => {
  for (const event of batch) for (const listener of listeners) listener(event)
})

// One function per LabApi call, from the method names (no schemas here: main validates each call).
const lab: LabApi = {
  ...forwardCalls((name, args) => ipcRenderer.invoke(labChannel(name), args)),
  onEvent: (listener) => {
    listeners.add(listener)
    return () => listeners.delete(listener)
  },
}

const commandListeners = new Set<(command: MenuCommand) => void>()
ipcRenderer.on(IPC.menuCommand, (_event, command: MenuCommand) => {
  for (const listener of commandListeners) listener(command)
})

const labShell = {
  platform: process.platform,
  onMenuCommand: (listener: (command: MenuCommand) => void) => {
    commandListeners.add(listener)
    return () => commandListeners.delete(listener)
  },
  setMenuState: (state: MenuState) => ipcRenderer.send(IPC.menuState, state),
  /** Open Session…: main's dialog; resolves to the opened session, or null when cancelled. */
  openSessionDialog: (): Promise<Session | null> => ipcRenderer.invoke(IPC.openSessionDialog),
  /** Save Session As…: main's dialog; resolves to the path written, or null when cancelled. */
  saveSessionAsDialog: (id: string): Promise<string | null> => ipcRenderer.invoke(IPC.saveSessionAsDialog, id),
  /** Workload ▸ Your Code…: main's Open dialog; resolves to the script read (never run), or null when cancelled. */
  openScriptDialog: (): Promise<ScriptInfo | null> => ipcRenderer.invoke(IPC.openScriptDialog),
}

contextBridge.exposeInMainWorld('lab', lab)
contextBridge.exposeInMainWorld('labShell', labShell)
