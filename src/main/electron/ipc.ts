// The one IPC manager: handlers are registered only through `handle` (invoke) and `on` (send),
// which drop messages whose sender is not our window and validate the payload before anything
// acts on it.
import { ipcMain, type IpcMainEvent, type IpcMainInvokeEvent, type WebContents } from 'electron'
import { z } from 'zod'
import type { LabApi, LabEvent } from '../../shared/api'
import { createBatcher, type Batcher } from '../../shared/batch'
import { IPC } from '../../shared/ipc'
import { menuStateSchema, type MenuState } from '../../shared/menu'
import { EXPORT_FORMATS } from '../../shared/export'
import { parseOrThrow, runConfigSchema } from '../../shared/schemas'
import { sessionIdSchema, sessionSchema, type Session } from '../../shared/session'
import { fileNameSchema, sessionNameSchema, sessionNotesSchema, sessionTextSchema } from '../../shared/wire'

type Handler<S extends z.ZodType> = (payload: z.output<S>) => Promise<unknown>

export function createIpc(isOurWindow: (sender: WebContents) => boolean) {
  const handled: string[] = []
  const listened: Array<[string, (...args: never[]) => void]> = []
  const handle = <S extends z.ZodType>(channel: string, schema: S, handler: Handler<S>): void => {
    handled.push(channel)
    ipcMain.handle(channel, (event: IpcMainInvokeEvent, payload: unknown) => {
      if (!isOurWindow(event.sender)) throw new Error(`refused ${channel}: the sender is not the lab window`)
      return handler(parseOrThrow(schema, payload))
    })
  }
  /** One-way messages from the page; a bad one is dropped with a line on stderr, never acted on. */
  const on = <S extends z.ZodType>(channel: string, schema: S, listener: (payload: z.output<S>) => void): void => {
    const wrapped = (event: IpcMainEvent, payload: unknown): void => {
      if (!isOurWindow(event.sender)) return void console.error(`refused ${channel}: the sender is not the lab window`)
      const parsed = schema.safeParse(payload)
      if (!parsed.success)
        return void console.error(`refused ${channel}: ${parsed.error.issues.map((i) => i.message).join('; ')}`)
      listener(parsed.data)
    }
    listened.push([channel, wrapped])
    ipcMain.on(channel, wrapped)
  }
  const dispose = (): void => {
    handled.forEach((c) => ipcMain.removeHandler(c))
    listened.forEach(([c, l]) => ipcMain.removeListener(c, l as (...args: unknown[]) => void))
  }
  return { handle, on, dispose }
}

const runId = z.string().min(1).max(100)

export interface LabIpcOptions {
  isOurWindow: (sender: WebContents) => boolean
  /** The page reports the state the native menu reflects. */
  onMenuState?: (state: MenuState) => void
  /** File ▸ Open Session… and Save Session As…: main's own dialogs (see session-files.ts). */
  sessionFiles?: {
    openWithDialog(): Promise<Session | null>
    saveAsWithDialog(id: string): Promise<string | null>
  }
}

/** Wires every LabApi call to the lab, and the menu state back from the page. */
export function registerLabIpc(lab: LabApi, options: LabIpcOptions): () => void {
  const { handle, on, dispose } = createIpc(options.isOurWindow)
  handle(IPC.catalog, z.undefined(), () => lab.catalog())
  handle(IPC.startRun, runConfigSchema, (config) => lab.startRun(config))
  handle(IPC.stopRun, runId, (id) => lab.stopRun(id))
  handle(IPC.getRun, runId, (id) => lab.getRun(id))
  handle(IPC.exportRun, z.object({ runId, format: z.enum(EXPORT_FORMATS) }).strict(), ({ runId: id, format }) =>
    lab.exportRun(id, format),
  )
  handle(IPC.listSessions, z.undefined(), () => lab.listSessions())
  handle(IPC.openSession, sessionIdSchema, (id) => lab.openSession(id))
  // Parsed runs are schema-checked Run objects (the schema's config type is the looser input one).
  handle(IPC.saveSession, sessionSchema, (session) => lab.saveSession(session as Session))
  handle(IPC.deleteSession, sessionIdSchema, (id) => lab.deleteSession(id))
  handle(IPC.currentSession, z.undefined(), () => lab.currentSession())
  handle(IPC.newSession, sessionNameSchema.optional(), (name) => lab.newSession(name))
  handle(IPC.renameSession, z.object({ id: sessionIdSchema, name: sessionNameSchema }).strict(), ({ id, name }) =>
    lab.renameSession(id, name),
  )
  handle(IPC.setSessionNotes, z.object({ id: sessionIdSchema, notes: sessionNotesSchema }).strict(), ({ id, notes }) =>
    lab.setSessionNotes(id, notes),
  )
  handle(IPC.restoreSession, sessionIdSchema, (id) => lab.restoreSession(id))
  handle(IPC.listTrash, z.undefined(), () => lab.listTrash())
  handle(
    IPC.importSession,
    z.object({ text: sessionTextSchema, fileName: fileNameSchema }).strict(),
    ({ text, fileName }) => lab.importSession(text, fileName),
  )
  handle(IPC.exportSession, sessionIdSchema, (id) => lab.exportSession(id))
  const files = options.sessionFiles
  if (files) {
    handle(IPC.openSessionDialog, z.undefined(), () => files.openWithDialog())
    handle(IPC.saveSessionAsDialog, sessionIdSchema, (id) => files.saveAsWithDialog(id))
  }
  if (options.onMenuState) on(IPC.menuState, menuStateSchema, options.onMenuState)
  return dispose
}

/** Sends LabEvents to the window in batches, at most `perSecond` messages a second. */
export function batchEvents(send: (events: LabEvent[]) => void, perSecond = 20): Batcher<LabEvent> {
  return createBatcher(send, perSecond)
}
