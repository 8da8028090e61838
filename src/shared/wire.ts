// The WebSocket protocol of browser mode: LabApi calls as JSON messages, and batches of
// LabEvents. The server validates every client message here before anything acts on it.
import { z } from 'zod'
import { LAB_METHODS } from './methods'

const callId = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)

/**
 * client → server: one LabApi call, by name, with its positional arguments. The server checks
 * `args` against the call's row of LAB_METHOD_TABLE (parseLabArgs) before anything acts on it.
 */
export const clientMessageSchema = z
  .object({
    type: z.literal('call'),
    id: callId,
    method: z.enum(LAB_METHODS),
    // No call takes more than a few arguments; each is bounded by its own schema.
    args: z.array(z.unknown()).max(8),
  })
  .strict()
export type ClientMessage = z.infer<typeof clientMessageSchema>

/** server → client: a call's result, or a batch of events. Events are not re-validated here. */
export const serverMessageSchema = z.union([
  z.object({ type: z.literal('result'), id: callId, ok: z.literal(true), value: z.unknown() }),
  z.object({ type: z.literal('result'), id: callId.nullable(), ok: z.literal(false), error: z.string() }),
  z.object({ type: z.literal('events'), events: z.array(z.looseObject({ type: z.string() })) }),
])
export type ServerMessage = z.infer<typeof serverMessageSchema>

/** Name of the query parameter (and cookie) that carries browser mode's token. */
export const TOKEN_PARAM = 'token'
