// window.lab: LabApi as named methods over IPC; window.labShell: the native menu's bridge.
// The page never sees ipcRenderer itself.
import { contextBridge, ipcRenderer } from 'electron'
import type { LabApi, LabEvent, LabEventListener, Session } from '../shared/api'
import { IPC } from '../shared/ipc'
import type { MenuCommand, MenuState } from '../shared/menu'

const listeners = new Set<LabEventListener>()
ipcRenderer.on(IPC.events, (_event, batch: LabEvent[]) => {
  for (const event of batch) for (const listener of listeners) listener(event)
})

const lab: LabApi = {
  catalog: () => ipcRenderer.invoke(IPC.catalog),
  startRun: (config) => ipcRenderer.invoke(IPC.startRun, config),
  stopRun: (id) => ipcRenderer.invoke(IPC.stopRun, id),
  getRun: (id) => ipcRenderer.invoke(IPC.getRun, id),
  exportRun: (runId, format) => ipcRenderer.invoke(IPC.exportRun, { runId, format }),
  onEvent: (listener) => {
    listeners.add(listener)
    return () => listeners.delete(listener)
  },
  listSessions: () => ipcRenderer.invoke(IPC.listSessions),
  openSession: (id) => ipcRenderer.invoke(IPC.openSession, id),
  saveSession: (session) => ipcRenderer.invoke(IPC.saveSession, session),
  deleteSession: (id) => ipcRenderer.invoke(IPC.deleteSession, id),
  currentSession: () => ipcRenderer.invoke(IPC.currentSession),
  newSession: (name) => ipcRenderer.invoke(IPC.newSession, name),
  renameSession: (id, name) => ipcRenderer.invoke(IPC.renameSession, { id, name }),
  setSessionNotes: (id, notes) => ipcRenderer.invoke(IPC.setSessionNotes, { id, notes }),
  restoreSession: (id) => ipcRenderer.invoke(IPC.restoreSession, id),
  listTrash: () => ipcRenderer.invoke(IPC.listTrash),
  importSession: (text, fileName) => ipcRenderer.invoke(IPC.importSession, { text, fileName }),
  exportSession: (id) => ipcRenderer.invoke(IPC.exportSession, id),
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
}

contextBridge.exposeInMainWorld('lab', lab)
contextBridge.exposeInMainWorld('labShell', labShell)
