// The one IPC manager: handlers are registered only through `handle` (invoke) and `on` (send),
// which drop messages whose sender is not our window and validate the payload before anything
// acts on it: first its depth and size (src/shared/bounds.ts, as the WebSocket server), then its schema.
import { ipcMain, type IpcMainEvent, type IpcMainInvokeEvent, type WebContents } from 'electron'
import { z } from 'zod'
import { DEFAULT_CALL_BYTES, callLab, parseLabArgs, type LabApi, type LabEvent } from '../../shared/api'
import { createBatcher, type Batcher } from '../../shared/batch'
import { MAX_VALUE_DEPTH, checkBounds as checkPayloadSize, findBoundsViolation, type Bounds } from '../../shared/bounds'
import { IPC, labChannel } from '../../shared/ipc'
import { menuStateSchema, type MenuState } from '../../shared/menu'
import { LAB_METHODS, type LabMethod } from '../../shared/methods'
import { ValidationError, describeViolation, parseOrThrow } from '../../shared/schemas'
import { SESSION_FILE_LIMIT_BYTES, sessionIdSchema, type Session } from '../../shared/session'
import type { ScriptInfo } from '../../shared/user-script'

/** Checks a payload and returns it typed, or throws an error naming the bad field. */
type Check<T> = (payload: unknown) => T
/** Throws when a payload of the shell's own channels is deeper or larger than any of them needs (the LabApi rows check their own). */
const checkBounds = (payload: unknown): void => {
  const violation = findBoundsViolation(payload, { maxDepth: MAX_VALUE_DEPTH, maxValues: DEFAULT_CALL_BYTES / 2 })
  if (violation) throw new ValidationError([describeViolation(violation.path, violation.problem)])
}

/** A zod schema as a Check, after the bounds. */
const check =
  <S extends z.ZodType>(schema: S): Check<z.output<S>> =>
  (payload) => {
    checkBounds(payload)
    return parseOrThrow(schema, payload)
  }

/**
 * What a payload from the page may be before a schema walks it: no call nests deeper than a
 * session (about 8 levels), and the largest is a session file's text or a session.
 */
export const IPC_BOUNDS: Bounds = { maxDepth: 64, maxBytes: 2 * SESSION_FILE_LIMIT_BYTES }

export function createIpc(isOurWindow: (sender: WebContents) => boolean) {
  const handled: string[] = []
  const listened: Array<[string, (...args: never[]) => void]> = []
  const handle = <T>(channel: string, check: Check<T>, handler: (payload: T) => Promise<unknown>): void => {
    handled.push(channel)
    ipcMain.handle(channel, (event: IpcMainInvokeEvent, payload: unknown) => {
      if (!isOurWindow(event.sender)) throw new Error(`refused ${channel}: the sender is not the lab window`)
      checkPayloadSize(payload, IPC_BOUNDS, `the payload of ${channel}`)
      return handler(check(payload))
    })
  }
  /** One-way messages from the page; a bad one is dropped with a line on stderr, never acted on. */
  const on = <S extends z.ZodType>(channel: string, schema: S, listener: (payload: z.output<S>) => void): void => {
    const wrapped = (event: IpcMainEvent, payload: unknown): void => {
      if (!isOurWindow(event.sender)) return void console.error(`refused ${channel}: the sender is not the lab window`)
      try {
        checkBounds(payload)
      } catch (error) {
        return void console.error(`refused ${channel}: ${(error as Error).message}`)
      }
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

export interface LabIpcOptions {
  isOurWindow: (sender: WebContents) => boolean
  /** The page reports the state the native menu reflects. */
  onMenuState?: (state: MenuState) => void
  /** File ▸ Open Session… and Save Session As…: main's own dialogs (see session-files.ts). */
  sessionFiles?: {
    openWithDialog(): Promise<Session | null>
    saveAsWithDialog(id: string): Promise<string | null>
  }
  /** Workload ▸ Your Code…: main's Open dialog, then the host reads the script (see script-dialog.ts). */
  scriptDialog?: () => Promise<ScriptInfo | null>
}

/** Wires every LabApi call to the lab, and the menu state back from the page. */
export function registerLabIpc(lab: LabApi, options: LabIpcOptions): () => void {
  const { handle, on, dispose } = createIpc(options.isOurWindow)
  for (const name of LAB_METHODS) serveCall(handle, lab, name)
  const files = options.sessionFiles
  if (files) {
    handle(IPC.openSessionDialog, check(z.undefined()), () => files.openWithDialog())
    handle(IPC.saveSessionAsDialog, check(sessionIdSchema), (id) => files.saveAsWithDialog(id))
  }
  const chooseScript = options.scriptDialog
  if (chooseScript) handle(IPC.openScriptDialog, check(z.undefined()), () => chooseScript())
  if (options.onMenuState) on(IPC.menuState, menuStateSchema, options.onMenuState)
  return dispose
}

/** Serves one LabApi call on its channel: the payload is its positional arguments, checked against its row. */
function serveCall<K extends LabMethod>(handle: ReturnType<typeof createIpc>['handle'], lab: LabApi, name: K): void {
  handle(
    labChannel(name),
    (args) => parseLabArgs(name, args),
    (args) => callLab(lab, name, args),
  )
}

/** Sends LabEvents to the window in batches, at most `perSecond` messages a second. */
export function batchEvents(send: (events: LabEvent[]) => void, perSecond = 20): Batcher<LabEvent> {
  return createBatcher(send, perSecond)
}
