// LabApi over browser mode's WebSocket (see src/shared/wire.ts). Calls are JSON messages with an
// id; the server answers each with a result and pushes batches of LabEvents.
import type { Catalog, ExportFormat, LabApi, LabEvent, LabEventListener, SessionSummary } from '@shared/api'
import type { Run, RunConfigInput } from '@shared/schemas'
import type { Session } from '@shared/session'
import { TOKEN_PARAM, serverMessageSchema, type CallMethod } from '@shared/wire'

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

export class WebSocketLabApi implements LabApi {
  private nextId = 1
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>()
  private readonly listeners = new Set<LabEventListener>()
  private readonly connectionListeners = new Set<ConnectionListener>()
  private readonly opened: Promise<void>
  private closedReason: string | null = null

  constructor(private readonly socket: SocketLike) {
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

  catalog(): Promise<Catalog> {
    return this.call('catalog', []) as Promise<Catalog>
  }
  startRun(config: RunConfigInput): Promise<string> {
    return this.call('startRun', [config]) as Promise<string>
  }
  async stopRun(id: string): Promise<void> {
    await this.call('stopRun', [id])
  }
  getRun(id: string): Promise<Run> {
    return this.call('getRun', [id]) as Promise<Run>
  }
  exportRun(runId: string, format: ExportFormat): Promise<string> {
    return this.call('exportRun', [runId, format]) as Promise<string>
  }
  listSessions(): Promise<SessionSummary[]> {
    return this.call('listSessions', []) as Promise<SessionSummary[]>
  }
  openSession(id: string): Promise<Session> {
    return this.call('openSession', [id]) as Promise<Session>
  }
  saveSession(session: Session): Promise<string> {
    return this.call('saveSession', [session]) as Promise<string>
  }
  async deleteSession(id: string): Promise<void> {
    await this.call('deleteSession', [id])
  }
  currentSession(): Promise<Session | null> {
    return this.call('currentSession', []) as Promise<Session | null>
  }
  newSession(name?: string): Promise<Session> {
    return this.call('newSession', name === undefined ? [] : [name]) as Promise<Session>
  }
  renameSession(id: string, name: string): Promise<Session> {
    return this.call('renameSession', [id, name]) as Promise<Session>
  }
  setSessionNotes(id: string, notes: string): Promise<Session> {
    return this.call('setSessionNotes', [id, notes]) as Promise<Session>
  }
  restoreSession(id: string): Promise<SessionSummary> {
    return this.call('restoreSession', [id]) as Promise<SessionSummary>
  }
  listTrash(): Promise<SessionSummary[]> {
    return this.call('listTrash', []) as Promise<SessionSummary[]>
  }
  importSession(text: string, fileName: string): Promise<Session> {
    return this.call('importSession', [text, fileName]) as Promise<Session>
  }
  exportSession(id: string): Promise<string> {
    return this.call('exportSession', [id]) as Promise<string>
  }

  onEvent(listener: LabEventListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private async call(method: CallMethod, args: unknown[]): Promise<unknown> {
    await this.opened
    if (this.closedReason || this.socket.readyState !== OPEN)
      throw new Error(this.closedReason ?? 'the lab server connection is not open')
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      this.socket.send(JSON.stringify({ type: 'call', id, method, args }))
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
