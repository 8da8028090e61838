// Test helpers for browser mode's WebSocket below the ws client: a real HTTP upgrade on a plain
// `net` socket, hand-built frames (any opcode, flags, length, mask), and a LabApi fake whose
// events the test emits itself, so no real run starts.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs'
import { connect as netConnect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { WebSocket } from 'ws'
import { LAB_METHODS } from '../../src/shared/methods'
import type { LabApi, LabEvent, LabEventListener } from '../../src/shared/api'
import type { LabServer } from '../../src/main/server/server'

/** A renderer folder of our own, so the tests do not depend on the build. */
export function fakeRendererDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lab-renderer-'))
  mkdirSync(join(dir, 'assets'))
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>lab</title>')
  writeFileSync(join(dir, 'assets', 'app.js'), 'console.log(1)')
  return dir
}

export type FakeLab = LabApi & {
  emit(event: LabEvent): void
  /** What each call resolves to; by default `{ answer: name }`. */
  answers: Partial<Record<string, () => unknown>>
  listeners: Set<LabEventListener>
}

/** A LabApi whose calls answer at once and whose events the test emits. */
export function fakeLab(): FakeLab {
  const listeners = new Set<LabEventListener>()
  const answers: FakeLab['answers'] = {}
  const calls = Object.fromEntries(
    LAB_METHODS.map((name) => [name, async () => (answers[name] ? answers[name]() : { answer: name })]),
  )
  return {
    ...calls,
    answers,
    listeners,
    emit: (event: LabEvent) => listeners.forEach((l) => l(event)),
    onEvent(listener: LabEventListener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  } as unknown as FakeLab
}

export type Reply = {
  type: string
  id?: number | null
  ok?: boolean
  value?: unknown
  error?: string
  events?: LabEvent[]
}

export interface Client {
  ws: WebSocket
  messages: Reply[]
  closed: Promise<number>
}

/** A ws client with the token and the page's Origin. */
export function openClient(server: LabServer): Promise<Client> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`, {
      headers: { Origin: `http://127.0.0.1:${server.port}` },
      maxPayload: 1024 * 1024 * 1024,
    })
    const messages: Reply[] = []
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)))
    ws.on('message', (data) => messages.push(JSON.parse(String(data)) as Reply))
    ws.once('open', () => resolve({ ws, messages, closed }))
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)))
    ws.on('error', reject)
  })
}

export async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 5))
}

/** Sends one message and resolves with the result that answers it (by id, or the first with id null). */
export async function callRaw(client: Client, message: unknown): Promise<Reply> {
  const before = client.messages.length
  client.ws.send(typeof message === 'string' ? message : JSON.stringify(message))
  let reply: Reply | undefined
  let closed = false
  void client.closed.then(() => (closed = true))
  await until(() => closed || (reply = client.messages.slice(before).find((m) => m.type === 'result')) !== undefined)
  if (!reply) throw new Error('the server closed the connection instead of answering')
  return reply
}

let nextCallId = 1
export function callMethod(client: Client, method: string, args: unknown[]): Promise<Reply> {
  return callRaw(client, { type: 'call', id: nextCallId++, method, args })
}

/** A raw socket after a real upgrade handshake (token and Origin); `received` collects the server's bytes. */
export async function rawUpgrade(
  server: LabServer,
): Promise<{ socket: Socket; received: () => Buffer; ended: Promise<void> }> {
  const socket = netConnect(server.port, '127.0.0.1')
  const chunks: Buffer[] = []
  socket.on('data', (chunk: Buffer) => chunks.push(chunk))
  socket.on('error', () => undefined)
  const ended = new Promise<void>((r) => socket.once('close', () => r()))
  await new Promise<void>((r) => socket.once('connect', () => r()))
  const host = `127.0.0.1:${server.port}`
  socket.write(
    [
      `GET /ws?token=${server.token} HTTP/1.1`,
      `Host: ${host}`,
      `Origin: http://${host}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
      'Sec-WebSocket-Version: 13',
      '',
      '',
    ].join('\r\n'),
  )
  await until(() => Buffer.concat(chunks).includes('\r\n\r\n'))
  const all = Buffer.concat(chunks)
  const headerEnd = all.indexOf('\r\n\r\n') + 4
  const head = all.subarray(0, headerEnd).toString()
  if (!head.startsWith('HTTP/1.1 101')) throw new Error(`no upgrade: ${head.split('\r\n')[0]}`)
  chunks.splice(0, chunks.length, all.subarray(headerEnd))
  return { socket, received: () => Buffer.concat(chunks), ended }
}

export interface FrameSpec {
  fin?: boolean
  rsv?: number
  opcode: number
  payload?: Buffer
  /** Masked by default, as a client must. */
  mask?: boolean
  /** The length the header announces, when it should lie. */
  announce?: number
}

/** One WebSocket frame as a client would send it. */
export function frame(spec: FrameSpec): Buffer {
  const payload = spec.payload ?? Buffer.alloc(0)
  const length = spec.announce ?? payload.length
  const masked = spec.mask ?? true
  const first = ((spec.fin ?? true) ? 0x80 : 0) | ((spec.rsv ?? 0) << 4) | (spec.opcode & 0x0f)
  let header: Buffer
  if (length < 126) header = Buffer.from([first, (masked ? 0x80 : 0) | length])
  else if (length < 65536) {
    header = Buffer.alloc(4)
    header[0] = first
    header[1] = (masked ? 0x80 : 0) | 126
    header.writeUInt16BE(length, 2)
  } else {
    header = Buffer.alloc(10)
    header[0] = first
    header[1] = (masked ? 0x80 : 0) | 127
    header.writeBigUInt64BE(BigInt(length), 2)
  }
  if (!masked) return Buffer.concat([header, payload])
  const key = randomBytes(4)
  const body = Buffer.from(payload)
  for (let i = 0; i < body.length; i++) body[i]! ^= key[i % 4]!
  return Buffer.concat([header, key, body])
}

/** The close code of the first close frame the server sent, or null. */
export function closeCode(bytes: Buffer): number | null {
  let at = 0
  while (at + 2 <= bytes.length) {
    const opcode = bytes[at]! & 0x0f
    let length = bytes[at + 1]! & 0x7f
    let start = at + 2
    if (length === 126) {
      length = bytes.readUInt16BE(at + 2)
      start = at + 4
    } else if (length === 127) {
      length = Number(bytes.readBigUInt64BE(at + 2))
      start = at + 10
    }
    if (opcode === 0x8) return length >= 2 ? bytes.readUInt16BE(start) : 1005
    at = start + length
  }
  return null
}
