// The WebSocket protocol of browser mode: LabApi calls as JSON messages, and batches of
// LabEvents. The server validates every client message here before anything acts on it.
import { z } from 'zod'
import { EXPORT_FORMATS } from './export'
import { runConfigSchema } from './schemas'
import { SESSION_FILE_LIMIT_BYTES, sessionIdSchema, sessionSchema } from './session'

const callId = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)
const runId = z.string().min(1).max(100)

/** Arguments of the session calls, shared by both transports (WebSocket here, IPC in src/main/electron). */
export const sessionNameSchema = sessionSchema.shape.name
export const sessionNotesSchema = sessionSchema.shape.notes
/** A session file's text (Open in browser mode, drag-and-drop); the host decodes and validates it. */
export const sessionTextSchema = z
  .string()
  .max(SESSION_FILE_LIMIT_BYTES, { error: 'the session file is over the size limit' })
export const fileNameSchema = z.string().max(1000)

const call = <M extends string, A extends z.ZodTypeAny>(method: M, args: A) =>
  z.object({ type: z.literal('call'), id: callId, method: z.literal(method), args }).strict()

/** client → server: one LabApi method call with its arguments. */
export const clientMessageSchema = z.discriminatedUnion('method', [
  call('catalog', z.tuple([])),
  call('startRun', z.tuple([runConfigSchema])),
  call('stopRun', z.tuple([runId])),
  call('getRun', z.tuple([runId])),
  call('exportRun', z.tuple([runId, z.enum(EXPORT_FORMATS)])),
  call('listSessions', z.tuple([])),
  call('openSession', z.tuple([sessionIdSchema])),
  call('saveSession', z.tuple([sessionSchema])),
  call('deleteSession', z.tuple([sessionIdSchema])),
  call('currentSession', z.tuple([])),
  call('newSession', z.union([z.tuple([]), z.tuple([sessionNameSchema])])),
  call('renameSession', z.tuple([sessionIdSchema, sessionNameSchema])),
  call('setSessionNotes', z.tuple([sessionIdSchema, sessionNotesSchema])),
  call('restoreSession', z.tuple([sessionIdSchema])),
  call('listTrash', z.tuple([])),
  call('importSession', z.tuple([sessionTextSchema, fileNameSchema])),
  call('exportSession', z.tuple([sessionIdSchema])),
])
export type ClientMessage = z.infer<typeof clientMessageSchema>
export type CallMethod = ClientMessage['method']

/** server → client: a call's result, or a batch of events. Events are not re-validated here. */
export const serverMessageSchema = z.union([
  z.object({ type: z.literal('result'), id: callId, ok: z.literal(true), value: z.unknown() }),
  z.object({ type: z.literal('result'), id: callId.nullable(), ok: z.literal(false), error: z.string() }),
  z.object({ type: z.literal('events'), events: z.array(z.looseObject({ type: z.string() })) }),
])
export type ServerMessage = z.infer<typeof serverMessageSchema>

/** Name of the query parameter (and cookie) that carries browser mode's token. */
export const TOKEN_PARAM = 'token'
