// Browser mode: serves the built renderer and LabApi over a WebSocket, on 127.0.0.1 only, behind
// a random token. The page is opened with ?token=…; the server then sets the same token as a
// SameSite=Strict cookie so the page's own assets load, and the WebSocket carries it again.
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { readFile, realpath, stat } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, sep } from 'node:path'
import { WebSocketServer, type WebSocket } from 'ws'
import { callLab, parseLabArgs, type LabApi, type LabEvent } from '../../shared/api'
import { createBatcher } from '../../shared/batch'
import type { LabMethod } from '../../shared/methods'
import { describeIssues } from '../../shared/schemas'
import { SESSION_FILE_LIMIT_BYTES } from '../../shared/session'
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
}

export interface LabServer {
  readonly port: number
  readonly token: string
  /** The one URL to open: it carries the token. */
  readonly url: string
  /** Stops accepting connections and closes every open socket. */
  close(): Promise<void>
}

const HOST = '127.0.0.1'
// Open Session… in browser mode sends the file's text: room for the largest session file, whose
// size the page checks first so an oversize file gets the store's own one-line message.
const MAX_MESSAGE_BYTES = SESSION_FILE_LIMIT_BYTES + 1024 * 1024

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

function cookieToken(req: IncomingMessage): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=')
    if (name === `lab_${TOKEN_PARAM}`) return value.join('=')
  }
  return null
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
  const rendererRoot = await realpath(options.rendererDir)
  let port = 0
  const allowedHosts = (): string[] => [`${HOST}:${port}`, `localhost:${port}`]
  const allowedOrigins = (): string[] => allowedHosts().map((h) => `http://${h}`)

  /** Who may talk to us: our Host header (no DNS rebinding) and the token, from the query or the cookie. */
  const authorise = (req: IncomingMessage): { status: 200 | 401 | 403; message: string; fromQuery: boolean } => {
    if (!allowedHosts().includes(req.headers.host ?? '')) {
      return {
        status: 403,
        message: `refused: unexpected Host ${JSON.stringify(req.headers.host ?? '')}`,
        fromQuery: false,
      }
    }
    const url = new URL(req.url ?? '/', `http://${HOST}:${port}`)
    const fromQuery = sameToken(url.searchParams.get(TOKEN_PARAM), token)
    if (fromQuery || sameToken(cookieToken(req), token)) return { status: 200, message: 'ok', fromQuery }
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
    if (!file) return send(res, 404, `not found: ${pathname}\n`)
    const body = await readFile(file)
    const headers: Record<string, string> = {
      'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Length': String(body.length),
      'Cache-Control': relative.startsWith('assets/') ? 'private, max-age=3600' : 'no-store',
      ...SECURITY_HEADERS,
    }
    // The page's assets and the WebSocket authenticate with this cookie: strict, HTTP-only, this port's origin.
    if (auth.fromQuery) headers['Set-Cookie'] = `lab_${TOKEN_PARAM}=${token}; HttpOnly; SameSite=Strict; Path=/`
    res.writeHead(200, headers)
    res.end(req.method === 'HEAD' ? undefined : body)
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES })
  server.on('upgrade', (req, socket, head) => {
    const refuse = (status: number, message: string): void => {
      socket.end(
        `HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : 'Forbidden'}\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n${message}\n`,
      )
    }
    const auth = authorise(req)
    if (auth.status !== 200) return refuse(auth.status, auth.message)
    const origin = req.headers.origin ?? ''
    if (!allowedOrigins().includes(origin))
      return refuse(403, `refused: a WebSocket from origin ${JSON.stringify(origin)} is not this lab's page`)
    wss.handleUpgrade(req, socket, head, (ws) => serveSocket(ws))
  })

  const sockets = new Set<WebSocket>()
  function serveSocket(ws: WebSocket): void {
    sockets.add(ws)
    const reply = (message: ServerMessage): void => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message))
    }
    const events = createBatcher<LabEvent>(
      (batch) => reply({ type: 'events', events: batch }),
      options.eventsPerSecond ?? 20,
    )
    const unsubscribe = options.lab.onEvent((event) => events.push(event))
    ws.on('message', (data, isBinary) => {
      let raw: unknown
      try {
        if (isBinary) throw new Error('binary messages are not part of the protocol')
        raw = JSON.parse(String(data))
      } catch (error) {
        return reply({
          type: 'result',
          id: null,
          ok: false,
          error: `refused: not a JSON text message (${error instanceof Error ? error.message : String(error)})`,
        })
      }
      const parsed = clientMessageSchema.safeParse(raw)
      if (!parsed.success) {
        const id = typeof (raw as { id?: unknown })?.id === 'number' ? (raw as { id: number }).id : null
        return reply({ type: 'result', id, ok: false, error: `refused: ${describeIssues(parsed.error).join('; ')}` })
      }
      const message = parsed.data
      let call: () => Promise<unknown>
      try {
        call = prepareCall(options.lab, message.method, message.args)
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error)
        return reply({ type: 'result', id: message.id, ok: false, error: `refused: ${why}` })
      }
      void call().then(
        (value) => reply({ type: 'result', id: message.id, ok: true, value: value ?? null }),
        (error: unknown) =>
          reply({
            type: 'result',
            id: message.id,
            ok: false,
            error: error instanceof Error ? error.message : String(error),
          }),
      )
    })
    ws.on('close', () => {
      sockets.delete(ws)
      unsubscribe()
      events.dispose()
    })
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
    async close(): Promise<void> {
      for (const ws of sockets) ws.terminate()
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
