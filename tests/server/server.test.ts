import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import type { LabEvent } from '../../src/shared/api'
import { parsePort as parsePortForTests } from '../../src/main/server/options'
import { startLabServer, type LabServer } from '../../src/main/server/server'
import { makeHost } from '../helpers'
import { SERVER_NODE_FLAGS } from '../../e2e/server-flags'

// A renderer folder of our own, so the test does not depend on what the build put in out/renderer.
const rendererDir = mkdtempSync(join(tmpdir(), 'lab-renderer-'))
mkdirSync(join(rendererDir, 'assets'))
writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>lab</title>')
writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)')
writeFileSync(join(tmpdir(), 'lab-secret.txt'), 'secret')

const host = makeHost()
let server: LabServer
let origin: string

beforeAll(async () => {
  server = await startLabServer({ lab: host, rendererDir })
  origin = `http://127.0.0.1:${server.port}`
})
afterAll(async () => {
  await server.close()
  await host.shutdown()
})

type Reply = { type: string; id?: number | null; ok?: boolean; value?: unknown; error?: string; events?: LabEvent[] }

function connect(
  query = `?token=${server.token}`,
  headers: Record<string, string> = { Origin: origin },
): Promise<{ ws: WebSocket; messages: Reply[] }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws${query}`, { headers })
    const messages: Reply[] = []
    ws.on('message', (data) => messages.push(JSON.parse(String(data)) as Reply))
    ws.once('open', () => resolve({ ws, messages }))
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)))
    ws.once('error', reject)
  })
}

async function call(conn: { ws: WebSocket; messages: Reply[] }, message: unknown): Promise<Reply> {
  const before = conn.messages.length
  conn.ws.send(typeof message === 'string' ? message : JSON.stringify(message))
  for (;;) {
    const reply = conn.messages.slice(before).find((m) => m.type === 'result')
    if (reply) return reply
    await new Promise((r) => setTimeout(r, 10))
  }
}

describe('browser-mode HTTP', () => {
  it('prints a loopback URL that carries a long random token', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64}$/)
  })

  it('answers 401 without the token and with a wrong one', async () => {
    for (const path of ['/', '/assets/app.js', '/?token=nope', `/?token=${server.token.slice(0, -1)}`]) {
      const res = await fetch(origin + path)
      expect(res.status, path).toBe(401)
      expect(await res.text()).toMatch(/token/)
    }
  })

  it('serves the page with the token, then its assets by the cookie it set', async () => {
    const page = await fetch(server.url)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('<title>lab</title>')
    const cookie = page.headers.get('set-cookie')!
    expect(cookie).toMatch(/HttpOnly/)
    expect(cookie).toMatch(/SameSite=Strict/)
    expect(page.headers.get('referrer-policy')).toBe('no-referrer')
    const asset = await fetch(`${origin}/assets/app.js`, { headers: { cookie: cookie.split(';')[0]! } })
    expect(asset.status).toBe(200)
    expect(asset.headers.get('content-type')).toMatch(/javascript/)
  })

  it('never serves a file outside the renderer folder', async () => {
    for (const path of [
      '/../lab-secret.txt',
      '/%2e%2e/lab-secret.txt',
      '/..%2flab-secret.txt',
      '/assets/../../lab-secret.txt',
    ]) {
      const res = await fetch(`${origin}${path}${path.includes('?') ? '&' : '?'}token=${server.token}`)
      expect(res.status, path).toBe(404)
    }
  })

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const { request } = await import('node:http')
    const status = await new Promise<number>((resolve) => {
      request(
        {
          host: '127.0.0.1',
          port: server.port,
          path: `/?token=${server.token}`,
          headers: { Host: `evil.example:${server.port}` },
        },
        (res) => {
          res.resume()
          resolve(res.statusCode ?? 0)
        },
      ).end()
    })
    expect(status).toBe(403)
  })
})

describe('browser-mode WebSocket', () => {
  it('refuses a socket without the token (401) or from another origin (403)', async () => {
    await expect(connect('')).rejects.toThrow('HTTP 401')
    await expect(connect('?token=wrong')).rejects.toThrow('HTTP 401')
    await expect(connect(undefined, { Origin: 'http://evil.example' })).rejects.toThrow('HTTP 403')
    await expect(connect(undefined, {})).rejects.toThrow('HTTP 403')
  })

  it('answers LabApi calls and refuses messages outside the protocol, naming the field', async () => {
    const conn = await connect()
    const catalog = await call(conn, { type: 'call', id: 1, method: 'catalog', args: [] })
    expect(catalog.ok).toBe(true)
    expect((catalog.value as { workloads: unknown[] }).workloads.length).toBeGreaterThan(0)

    const bad = await call(conn, {
      type: 'call',
      id: 2,
      method: 'startRun',
      args: [{ workload: 'primes', strategies: ['sequential'], repetitions: 0 }],
    })
    expect(bad).toMatchObject({ id: 2, ok: false })
    expect(bad.error).toMatch(/repetitions must be an integer from 1 to 1,000, got 0/)

    expect(await call(conn, { type: 'call', id: 3, method: 'shutdown', args: [] })).toMatchObject({ id: 3, ok: false })
    expect(await call(conn, 'not json')).toMatchObject({ id: null, ok: false })
    const unknownRun = await call(conn, { type: 'call', id: 4, method: 'stopRun', args: ['no-such-run'] })
    expect(unknownRun.error).toMatch(/no run with id/)
    conn.ws.close()
  })

  it('runs a workload and streams its events in batches', async () => {
    const conn = await connect()
    const started = await call(conn, {
      type: 'call',
      id: 1,
      method: 'startRun',
      args: [
        {
          workload: 'primes',
          params: { size: 2000, tasks: 4 },
          strategies: ['sequential'],
          repetitions: 1,
          warmups: 0,
        },
      ],
    })
    expect(started.ok).toBe(true)
    const runId = started.value as string
    const events = (): LabEvent[] => conn.messages.filter((m) => m.type === 'events').flatMap((m) => m.events!)
    while (!events().some((e) => e.type === 'run-end' && e.runId === runId)) await new Promise((r) => setTimeout(r, 20))
    const types = events()
      .filter((e) => e.runId === runId)
      .map((e) => e.type)
    expect(types[0]).toBe('run-start')
    expect(types).toContain('trial-end')
    expect(types.at(-1)).toBe('run-end')
    const end = events().find((e) => e.type === 'run-end')!
    expect(end.type === 'run-end' && end.run.status).toBe('finished')
    conn.ws.close()
  })
})

describe('npm run serve options', () => {
  it('takes --port or LAB_PORT and names the field when it is wrong', () => {
    expect(parsePortForTests([], {})).toBe(0)
    expect(parsePortForTests(['--port', '8123'], {})).toBe(8123)
    expect(parsePortForTests(['--port=8124'], {})).toBe(8124)
    expect(parsePortForTests([], { LAB_PORT: '9000' })).toBe(9000)
    expect(() => parsePortForTests(['--port', 'abc'], {})).toThrow(
      '--port must be an integer from 0 to 65,535; it is not a number',
    )
    expect(() => parsePortForTests(['--bogus'], {})).toThrow(/unknown option "--bogus"/)
  })
})

describe('npm run serve', () => {
  it('starts the server with the V8 flags the e2e tests and the soak start it with', async () => {
    const { readFileSync } = await import('node:fs')
    const scripts = JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')).scripts
    expect(scripts.serve).toBe(`node ${SERVER_NODE_FLAGS.join(' ')} scripts/serve.js`)
  })
})
