// The one IPC manager: handlers are registered only through `handle`, which drops calls whose
// sender is not our window and validates the payload before anything acts on it.
import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron'
import { z } from 'zod'
import type { LabEvent } from '../../shared/api'
import { IPC } from '../../shared/ipc'
import { parseOrThrow, runConfigSchema } from '../../shared/schemas'
import type { LabHost } from '../lab/host'

type Handler<S extends z.ZodType> = (payload: z.output<S>) => Promise<unknown>

export function createIpc(isOurWindow: (sender: WebContents) => boolean) {
  const channels: string[] = []
  const handle = <S extends z.ZodType>(channel: string, schema: S, handler: Handler<S>): void => {
    channels.push(channel)
    ipcMain.handle(channel, (event: IpcMainInvokeEvent, payload: unknown) => {
      if (!isOurWindow(event.sender)) throw new Error(`refused ${channel}: the sender is not the lab window`)
      return handler(parseOrThrow(schema, payload))
    })
  }
  const dispose = (): void => channels.forEach((c) => ipcMain.removeHandler(c))
  return { handle, dispose }
}

const runId = z.string().min(1).max(100)

/** Wires every LabApi call to the host. */
export function registerLabIpc(host: LabHost, isOurWindow: (sender: WebContents) => boolean): () => void {
  const { handle, dispose } = createIpc(isOurWindow)
  handle(IPC.catalog, z.undefined(), () => host.catalog())
  handle(IPC.startRun, runConfigSchema, (config) => host.startRun(config))
  handle(IPC.stopRun, runId, (id) => host.stopRun(id))
  handle(IPC.getRun, runId, (id) => host.getRun(id))
  handle(IPC.exportRun, z.object({ runId, format: z.literal('json') }), ({ runId: id, format }) => host.exportRun(id, format))
  handle(IPC.listSessions, z.undefined(), () => host.listSessions())
  handle(IPC.openSession, z.string(), (id) => host.openSession(id))
  handle(IPC.saveSession, z.unknown(), (session) => host.saveSession(session))
  handle(IPC.deleteSession, z.string(), (id) => host.deleteSession(id))
  return dispose
}

/** Sends LabEvents to the window in batches, at most `perSecond` messages a second. */
export function batchEvents(send: (events: LabEvent[]) => void, perSecond = 20) {
  let queue: LabEvent[] = []
  let timer: NodeJS.Timeout | null = null
  const flush = (): void => {
    timer = null
    if (queue.length === 0) return
    const batch = queue
    queue = []
    send(batch)
  }
  return {
    push(event: LabEvent): void {
      queue.push(event)
      if (!timer) timer = setTimeout(flush, 1000 / perSecond)
    },
    flush,
    dispose(): void {
      if (timer) clearTimeout(timer)
      timer = null
      queue = []
    },
  }
}
