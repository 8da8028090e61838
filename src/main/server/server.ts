// Browser mode: serves the built renderer and LabApi over a WebSocket, on 127.0.0.1 only, behind
// a random token. The page is opened with ?token=…; the server then sets the same token as a
// SameSite=Strict cookie named for this port (two labs on 127.0.0.1 share cookies) so the page's
// own assets load, and the WebSocket carries it again. Everything a client sends is bounded: the
// frame size, each call's message size (its row's maxBytes), the depth and size of its arguments,
// the number of connections, and what a connection that does not read may have queued.
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { readFile, realpath, stat } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, sep } from 'node:path'
import { WebSocketServer, type WebSocket } from 'ws'
import {
  DEFAULT_CALL_BYTES,
  MAX_CALL_BYTES,
  callLab,
  maxCallBytes,
  parseLabArgs,
  type LabApi,
  type LabEvent,
} from '../../shared/api'
import { createBatcher } from '../../shared/batch'
import { isLabMethod, type LabMethod } from '../../shared/methods'
import { describeIssues } from '../../shared/schemas'
import { oneLine } from '../../shared/session'
import { TOKEN_PARAM, clientMessageSchema, type ServerMessage } from '../../shared/wire'

export interface LabServerOptions {
  lab: LabApi
  /** Folder holding the built renderer (index.html and assets/). */
  rendererDir: string
  /** 0 (the default) picks a free port. */
  port?: number
  /** Fixed token (tests); by default 32 random bytes, hex. */
  token?: string
  /** Event messages per second per client, whatever the sampler rate. */
  eventsPerSecond?: number
  /** The bounds below, for tests; each defaults to the value in DEFAULT_LIMITS. */
  limits?: Partial<LabServerLimits>
}

export interface LabServerLimits {
  /** Open WebSockets at once; the next upgrade is refused with HTTP 503. */
  maxConnections: number
  /** The largest frame or message ws accepts (close code 1009 beyond); each call's own bound is its row's maxBytes. */
  maxFrameBytes: number
  /** The largest reply (a session, an export); a larger one is refused with the call's error. */
  maxReplyBytes: number
  /** What may wait in a connection's send buffer beyond the replies it is still taking; over it, the connection is dropped. */
  maxBufferedBytes: number
}

export const DEFAULT_LIMITS: LabServerLimits = {
  maxConnections: 16,
  maxFrameBytes: MAX_CALL_BYTES,
  // Room for the largest session the store opens, as JSON objects rather than columns.
  maxReplyBytes: 256 * 1024 * 1024,
  maxBufferedBytes: 16 * 1024 * 1024,
}

export interface LabServer {
  readonly port: number
  readonly token: string
  /** The one URL to open: it carries the token. */
  readonly url: string
  /** Open WebSocket connections. */
  readonly connections: number
  /** Stops accepting connections and closes every open socket. */
  close(): Promise<void>
}

const HOST = '127.0.0.1'
/** The longest error line a client gets back. */
const MAX_ERROR_CHARACTERS = 400

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
}

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  // The token is in the page URL: never send it anywhere in a Referer.
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
}

function sameToken(given: string | null | undefined, token: string): boolean {
  if (!given) return false
  const a = Buffer.from(given)
  const b = Buffer.from(token)
  return a.length === b.length && timingSafeEqual(a, b)
}

/** The token's cookie, named for the port: cookies ignore ports, so two labs on 127.0.0.1 would share one name. */
const cookieName = (port: number): string => `lab_${TOKEN_PARAM}_${port}`

function cookieToken(req: IncomingMessage, port: number): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=')
    if (name === cookieName(port)) return value.join('=')
  }
  return null
}

/**
 * The page's Content-Security-Policy, as a header as well as index.html's meta tag (a browser
 * enforces both): WebSockets only to this server, and no framing.
 */
const contentSecurityPolicy = (port: number): string =>
  [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    `connect-src 'self' ws://${HOST}:${port} ws://localhost:${port}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ')

const errorText = (error: unknown): string =>
  oneLine(error instanceof Error ? error.message : String(error), MAX_ERROR_CHARACTERS)

const megabytes = (bytes: number): string =>
  bytes >= 1024 * 1024 ? `${+(bytes / 1024 / 1024).toFixed(1)} MB` : `${bytes} bytes`

/** The method a large message names before its arguments (the page's client writes it first), without parsing it. */
function methodNamedFirst(data: Buffer): LabMethod | null {
  const match = /^\s*\{[^[{]*?"method"\s*:\s*"([A-Za-z]{1,40})"/.exec(data.subarray(0, 256).toString('latin1'))
  return match && isLabMethod(match[1]) ? match[1] : null
}

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-store',
    ...SECURITY_HEADERS,
    ...headers,
  })
  res.end(body)
}

/** Starts the server; resolves once it listens. */
export async function startLabServer(options: LabServerOptions): Promise<LabServer> {
  const token = options.token ?? randomBytes(32).toString('hex')
  const limits: LabServerLimits = { ...DEFAULT_LIMITS, ...options.limits }
  const rendererRoot = await realpath(options.rendererDir)
  let port = 0
  const allowedHosts = (): string[] => [`${HOST}:${port}`, `localhost:${port}`]
  const allowedOrigins = (): string[] => allowedHosts().map((h) => `http://${h}`)

  /** Who may talk to us: our Host header (no DNS rebinding) and the token, from the query or the cookie. */
  const authorise = (req: IncomingMessage): { status: 200 | 401 | 403; message: string; fromQuery: boolean } => {
    if (!allowedHosts().includes(req.headers.host ?? '')) {
      return {
        status: 403,
        message: `refused: unexpected Host ${JSON.stringify(oneLine(req.headers.host ?? '', 80))}`,
        fromQuery: false,
      }
    }
    const url = new URL(req.url ?? '/', `http://${HOST}:${port}`)
    const fromQuery = sameToken(url.searchParams.get(TOKEN_PARAM), token)
    if (fromQuery || sameToken(cookieToken(req, port), token)) return { status: 200, message: 'ok', fromQuery }
    return {
      status: 401,
      message: 'Unauthorised: open the URL that `npm run serve` printed; it carries the token (?token=…).',
      fromQuery: false,
    }
  }

  const server = createServer((req, res) => {
    void serveHttp(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, `internal error: ${error instanceof Error ? error.message : String(error)}`)
      else res.destroy()
    })
  })

  async function serveHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const auth = authorise(req)
    if (auth.status !== 200) return send(res, auth.status, auth.message + '\n')
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return send(res, 405, 'only GET and HEAD\n', { Allow: 'GET, HEAD' })
    const url = new URL(req.url ?? '/', `http://${HOST}:${port}`)
    let pathname: string
    try {
      pathname = decodeURIComponent(url.pathname)
    } catch {
      return send(res, 400, 'bad path\n')
    }
    if (pathname.includes('\0')) return send(res, 400, 'bad path\n')
    const relative = pathname === '/' ? 'index.html' : pathname.replace(/^\/+/, '')
    const file = await resolveInside(rendererRoot, relative)
    if (!file) return send(res, 404, `not found: ${oneLine(pathname, 200)}\n`)
    const body = await readFile(file)
    const headers: Record<string, string> = {
      'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Length': String(body.length),
      'Cache-Control': relative.startsWith('assets/') ? 'private, max-age=3600' : 'no-store',
      ...SECURITY_HEADERS,
      'Content-Security-Policy': contentSecurityPolicy(port),
    }
    // The page's assets and the WebSocket authenticate with this cookie: strict, HTTP-only, named for this port.
    if (auth.fromQuery) headers['Set-Cookie'] = `${cookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`
    res.writeHead(200, headers)
    res.end(req.method === 'HEAD' ? undefined : body)
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxFrameBytes })
  const STATUS_TEXT: Record<number, string> = { 401: 'Unauthorized', 403: 'Forbidden', 503: 'Service Unavailable' }
  let upgrading = 0
  server.on('upgrade', (req, socket, head) => {
    // A client that resets mid-handshake must not take the server down.
    socket.on('error', () => socket.destroy())
    const refuse = (status: number, message: string): void => {
      socket.end(
        `HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n${message}\n`,
      )
    }
    const auth = authorise(req)
    if (auth.status !== 200) return refuse(auth.status, auth.message)
    const origin = req.headers.origin ?? ''
    if (!allowedOrigins().includes(origin))
      return refuse(
        403,
        `refused: a WebSocket from origin ${JSON.stringify(oneLine(origin, 80))} is not this lab's page`,
      )
    if (sockets.size + upgrading >= limits.maxConnections)
      return refuse(503, `refused: this lab already has ${limits.maxConnections} connections; close a tab and reload`)
    // Counted from here until ws calls back, or the socket closes (a handshake ws refuses never calls back).
    upgrading++
    let counted = true
    const upgraded = (): void => {
      if (counted) upgrading--
      counted = false
    }
    socket.once('close', upgraded)
    wss.handleUpgrade(req, socket, head, (ws) => {
      upgraded()
      serveSocket(ws)
    })
  })

  /** Every open socket, with the bytes of replies it is still sending (allowed beyond maxBufferedBytes). */
  const sockets = new Map<WebSocket, { replyBytesInFlight: number }>()

  /** Sends `text`, or drops a connection that has stopped reading (one line on stderr). */
  const deliver = (ws: WebSocket, text: string, isReply: boolean): void => {
    const state = sockets.get(ws)
    if (!state || ws.readyState !== ws.OPEN) return
    if (ws.bufferedAmount > limits.maxBufferedBytes + state.replyBytesInFlight) {
      console.error(
        `browser mode: dropped a connection that does not read (${megabytes(ws.bufferedAmount)} queued, the bound is ${megabytes(limits.maxBufferedBytes)})`,
      )
      sockets.delete(ws)
      ws.terminate()
      return
    }
    if (!isReply) return ws.send(text)
    const bytes = Buffer.byteLength(text)
    state.replyBytesInFlight += bytes
    ws.send(text, () => (state.replyBytesInFlight -= bytes))
  }

  // One batcher for every connection: a batch is serialised once, whatever the number of pages.
  const events = createBatcher<LabEvent>((batch) => {
    let text: string
    try {
      text = JSON.stringify({ type: 'events', events: batch } satisfies ServerMessage)
    } catch (error) {
      return console.error(`browser mode: could not send ${batch.length} events: ${errorText(error)}`)
    }
    for (const ws of [...sockets.keys()]) deliver(ws, text, false)
  }, options.eventsPerSecond ?? 20)
  let unsubscribe: (() => void) | null = null

  function serveSocket(ws: WebSocket): void {
    sockets.set(ws, { replyBytesInFlight: 0 })
    unsubscribe ??= options.lab.onEvent((event) => events.push(event))
    // With a listener, ws answers a protocol error by closing this socket with its code (1002, 1007, 1009).
    ws.on('error', () => undefined)
    const refuse = (id: number | null, why: string): void =>
      reply(ws, { type: 'result', id, ok: false, error: oneLine(`refused: ${why}`, MAX_ERROR_CHARACTERS) })
    ws.on('message', (data, isBinary) => {
      try {
        receive(ws, data as Buffer, isBinary, refuse)
      } catch (error) {
        refuse(null, `the server could not handle this message (${errorText(error)})`)
      }
    })
    ws.on('close', () => {
      sockets.delete(ws)
      if (sockets.size === 0 && unsubscribe) {
        unsubscribe()
        unsubscribe = null
        events.dispose()
      }
    })
  }

  /** Sends a reply; one that cannot be serialised or is over the bound becomes the call's one-line error. */
  function reply(ws: WebSocket, message: ServerMessage, method?: LabMethod): void {
    let text: string | undefined
    let why: string
    try {
      text = JSON.stringify(message)
      why = text === undefined ? 'it is not JSON' : `it is over the ${megabytes(limits.maxReplyBytes)} reply bound`
    } catch (error) {
      why = `it cannot be serialised (${errorText(error)})`
    }
    if (
      text !== undefined &&
      (text.length <= limits.maxReplyBytes / 3 || Buffer.byteLength(text) <= limits.maxReplyBytes)
    )
      return deliver(ws, text, true)
    if (message.type !== 'result' || !message.ok) return
    const error = oneLine(`${method ?? 'the call'}: the lab could not send its answer: ${why}`, MAX_ERROR_CHARACTERS)
    deliver(ws, JSON.stringify({ type: 'result', id: message.id, ok: false, error } satisfies ServerMessage), true)
  }

  function receive(
    ws: WebSocket,
    data: Buffer,
    isBinary: boolean,
    refuse: (id: number | null, why: string) => void,
  ): void {
    if (isBinary) return refuse(null, 'binary messages are not part of the protocol')
    // A large message must name a call that takes that much before anything parses it.
    if (data.length > DEFAULT_CALL_BYTES) {
      const named = methodNamedFirst(data)
      if (!named) return refuse(null, `a message over ${megabytes(DEFAULT_CALL_BYTES)} must name its method first`)
      if (data.length > maxCallBytes(named))
        return refuse(null, `a ${named} message takes at most ${megabytes(maxCallBytes(named))}`)
    }
    let raw: unknown
    try {
      raw = JSON.parse(data.toString('utf8'))
    } catch {
      return refuse(null, 'not a JSON text message')
    }
    const id = typeof (raw as { id?: unknown } | null)?.id === 'number' ? (raw as { id: number }).id : null
    const parsed = clientMessageSchema.safeParse(raw)
    if (!parsed.success) {
      return refuse(
        id !== null && Number.isSafeInteger(id) && id >= 0 ? id : null,
        describeIssues(parsed.error).join('; '),
      )
    }
    const message = parsed.data
    if (data.length > maxCallBytes(message.method))
      return refuse(message.id, `a ${message.method} message takes at most ${megabytes(maxCallBytes(message.method))}`)
    let call: () => Promise<unknown>
    try {
      call = prepareCall(options.lab, message.method, message.args)
    } catch (error) {
      return refuse(message.id, errorText(error))
    }
    const answer = (value: unknown): void =>
      reply(ws, { type: 'result', id: message.id, ok: true, value: value ?? null }, message.method)
    const fail = (error: unknown): void =>
      reply(ws, { type: 'result', id: message.id, ok: false, error: errorText(error) })
    void Promise.resolve()
      .then(call)
      .then(answer, fail)
      .catch((error: unknown) => console.error(`browser mode: ${message.method} failed to answer: ${errorText(error)}`))
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, HOST, () => {
      server.off('error', reject)
      resolve()
    })
  })
  port = (server.address() as AddressInfo).port

  return {
    port,
    token,
    url: `http://${HOST}:${port}/?${TOKEN_PARAM}=${token}`,
    get connections() {
      return sockets.size
    },
    async close(): Promise<void> {
      for (const ws of sockets.keys()) ws.terminate()
      unsubscribe?.()
      events.dispose()
      wss.close()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** The file under `root` that `relative` names, or null (missing, a folder, or outside root). */
async function resolveInside(root: string, relative: string): Promise<string | null> {
  try {
    const file = await realpath(join(root, relative))
    if (file !== root && !file.startsWith(root + sep)) return null
    return (await stat(file)).isFile() ? file : null
  } catch {
    return null
  }
}

/** Checks a call's arguments against its row of the method table (throws naming the field); the call, ready to go. */
function prepareCall<K extends LabMethod>(lab: LabApi, name: K, args: unknown): () => Promise<unknown> {
  const parsed = parseLabArgs(name, args)
  return () => callLab(lab, name, parsed)
}
