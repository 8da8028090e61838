// LabApi over browser mode's WebSocket (see src/shared/wire.ts). Calls are JSON messages with an
// id; the server answers each with a result and pushes batches of LabEvents.
import type { LabApi, LabCalls, LabEvent, LabEventListener } from '@shared/api'
import { forwardCalls, type LabMethod } from '@shared/methods'
import { TOKEN_PARAM, serverMessageSchema, type ClientMessage } from '@shared/wire'

/** The little of the DOM WebSocket this client uses, so tests can pass a fake. */
export interface SocketLike {
  readonly readyState: number
  send(data: string): void
  close(): void
  onopen: ((event: unknown) => void) | null
  onmessage: ((event: { data: unknown }) => void) | null
  onclose: ((event: { code: number; reason: string }) => void) | null
  onerror: ((event: unknown) => void) | null
}

export type ConnectionListener = (state: 'open' | 'closed', reason?: string) => void

const OPEN = 1

// The LabApi calls are made in the constructor, one per name of the method table (forwardCalls);
// this declaration tells TypeScript they are there.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface WebSocketLabApi extends LabCalls {}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class WebSocketLabApi implements LabApi {
  private nextId = 1
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>()
  private readonly listeners = new Set<LabEventListener>()
  private readonly connectionListeners = new Set<ConnectionListener>()
  private readonly opened: Promise<void>
  private closedReason: string | null = null

  constructor(private readonly socket: SocketLike) {
    Object.assign(
      this,
      forwardCalls((method, args) => this.call(method, args)),
    )
    this.opened = new Promise((resolve, reject) => {
      socket.onopen = () => {
        resolve()
        this.connectionListeners.forEach((l) => l('open'))
      }
      socket.onerror = () => reject(new Error('cannot reach the lab server: is `npm run serve` still running?'))
    })
    // A rejection nobody awaited yet must not surface as an unhandled one; calls await it.
    this.opened.catch(() => undefined)
    socket.onmessage = (event) => this.receive(event.data)
    socket.onclose = (event) => {
      this.closedReason =
        event.code === 1000
          ? 'the connection to the lab server was closed'
          : `lost the connection to the lab server (code ${event.code}${event.reason ? `: ${event.reason}` : ''}); restart \`npm run serve\` and reload`
      for (const { reject } of this.pending.values()) reject(new Error(this.closedReason))
      this.pending.clear()
      this.connectionListeners.forEach((l) => l('closed', this.closedReason ?? undefined))
    }
  }

  /** Opens a socket to the server that served this page, with the token from the page URL. */
  static fromLocation(
    location: { protocol: string; host: string; search: string },
    create = (url: string) => new WebSocket(url) as unknown as SocketLike,
  ): WebSocketLabApi {
    const token = new URLSearchParams(location.search).get(TOKEN_PARAM) ?? ''
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:'
    return new WebSocketLabApi(create(`${scheme}//${location.host}/ws?${TOKEN_PARAM}=${encodeURIComponent(token)}`))
  }

  onConnection(listener: ConnectionListener): () => void {
    this.connectionListeners.add(listener)
    return () => this.connectionListeners.delete(listener)
  }

  onEvent(listener: LabEventListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private async call(method: LabMethod, args: unknown[]): Promise<unknown> {
    await this.opened
    if (this.closedReason || this.socket.readyState !== OPEN)
      throw new Error(this.closedReason ?? 'the lab server connection is not open')
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      const message: ClientMessage = { type: 'call', id, method, args }
      this.socket.send(JSON.stringify(message))
    })
  }

  private receive(data: unknown): void {
    let raw: unknown
    try {
      raw = JSON.parse(String(data))
    } catch {
      return console.error('lab server sent a message that is not JSON')
    }
    const parsed = serverMessageSchema.safeParse(raw)
    if (!parsed.success) return console.error('lab server sent a message outside the protocol', parsed.error.issues)
    const message = parsed.data
    if (message.type === 'events') {
      for (const event of message.events as unknown as LabEvent[])
        for (const listener of this.listeners) listener(event)
      return
    }
    if (message.id === null) return console.error(`lab server refused a message: ${message.ok ? '' : message.error}`)
    const waiting = this.pending.get(message.id)
    if (!waiting) return
    this.pending.delete(message.id)
    if (message.ok) waiting.resolve(message.value)
    else waiting.reject(new Error(message.error))
  }
}
