// Browser mode against hostile input (issue 9): broken frames, deep and huge messages, replies
// too large to build, readers that never read, too many connections, cookies of two labs, the
// CSP header. Every test ends by checking that the server still answers and still streams.
import { existsSync, mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { LAB_METHOD_TABLE, parseLabArgs } from '../../src/shared/api'
import { startLabServer, type LabServer } from '../../src/main/server/server'
import { parseServeOptions } from '../../src/main/server/options'
import { LabHost } from '../../src/main/lab/host'
import { NodeProcessLauncher } from '../../src/main/lab/launcher'
import { builtEntries } from '../helpers'
import {
  callMethod,
  callRaw,
  closeCode,
  fakeLab,
  fakeRendererDir,
  frame,
  openClient,
  rawUpgrade,
  until,
  type Client,
} from './raw'

const rendererDir = fakeRendererDir()
const FRAME_LIMIT = 64 * 1024
const lab = fakeLab()
let server: LabServer

beforeAll(async () => {
  server = await startLabServer({ lab, rendererDir, eventsPerSecond: 1000, limits: { maxFrameBytes: FRAME_LIMIT } })
})
afterAll(() => server.close())
afterEach(() => {
  for (const key of Object.keys(lab.answers)) delete lab.answers[key]
})

/** The server answers a catalog call and pushes an event to `watcher`, an older connection. */
async function stillServes(watcher: Client): Promise<void> {
  const fresh = await openClient(server)
  expect(await callMethod(fresh, 'catalog', [])).toMatchObject({ ok: true, value: { answer: 'catalog' } })
  fresh.ws.close()
  const message = `still here ${Math.random()}`
  lab.emit({ type: 'error', runId: null, message })
  await until(() => watcher.messages.some((m) => m.events?.some((e) => e.type === 'error' && e.message === message)))
}

const oneLine = (text: string | undefined): void => {
  expect(text).toBeTypeOf('string')
  expect(text!).not.toMatch(/\n/)
  expect(text!.length).toBeLessThan(600)
}

describe('WebSocket protocol errors close that socket, not the server', () => {
  const text = (s: string): Buffer => Buffer.from(s)
  const cases: Array<[string, Buffer, number]> = [
    [
      'a header announcing more than the limit',
      frame({ opcode: 1, announce: FRAME_LIMIT * 1000 }).subarray(0, 14),
      1009,
    ],
    ['a frame of exactly limit + 1 bytes', frame({ opcode: 1, payload: Buffer.alloc(FRAME_LIMIT + 1, 0x20) }), 1009],
    ['invalid UTF-8 in a text frame', frame({ opcode: 1, payload: Buffer.from([0x22, 0xff, 0xfe, 0x22]) }), 1007],
    ['an unmasked client frame', frame({ opcode: 1, payload: text('{}'), mask: false }), 1002],
    ['a reserved opcode', frame({ opcode: 3, payload: text('x') }), 1002],
    ['RSV1 set', frame({ opcode: 1, rsv: 4, payload: text('{}') }), 1002],
    ['a fragmented control frame', frame({ opcode: 9, fin: false, payload: text('p') }), 1002],
    ['close code 999', frame({ opcode: 8, payload: Buffer.from([0x03, 0xe7]) }), 1002],
    ['a stray continuation frame', frame({ opcode: 0, payload: text('x') }), 1002],
  ]
  let watcher: Client
  beforeAll(async () => {
    watcher = await openClient(server)
  })
  afterAll(() => watcher.ws.close())

  it.each(cases)('%s → close code %s', async (_name, bytes, code) => {
    const raw = await rawUpgrade(server)
    raw.socket.write(bytes)
    await raw.ended
    expect(closeCode(raw.received())).toBe(code)
    await stillServes(watcher)
  })
})

const nested = (depth: number): unknown => JSON.parse('['.repeat(depth) + ']'.repeat(depth))

describe('deeply nested values', () => {
  it('refuses a run config field nested 5,000 deep with one line, over WebSocket', async () => {
    const client = await openClient(server)
    const deep = '['.repeat(5000) + ']'.repeat(5000)
    const reply = await callRaw(
      client,
      `{"type":"call","id":1,"method":"startRun","args":[{"workload":"primes","strategies":["sequential"],"params":{"size":${deep}}}]}`,
    )
    expect(reply.ok).toBe(false)
    oneLine(reply.error)
    expect(reply.error).toMatch(/nested deeper than \d+/)
    await stillServes(client)
    client.ws.close()
  })

  it('is refused by the shared check every transport uses (IPC too), before zod sees it', () => {
    expect(() => parseLabArgs('startRun', [{ workload: nested(5000) }])).toThrow(/args\[0\]\.workload.* nested deeper/)
    expect(() => LAB_METHOD_TABLE.saveSession.parse([{ runs: [nested(100_000)] }])).toThrow(/nested deeper/)
  })
})

describe('replies', () => {
  it('refuses a reply that cannot be built with one line, and lives', async () => {
    const client = await openClient(server)
    lab.answers['currentSession'] = () => ({ n: 10n })
    const reply = await callMethod(client, 'currentSession', [])
    expect(reply).toMatchObject({ ok: false })
    oneLine(reply.error)
    expect(reply.error).toMatch(/currentSession/)
    await stillServes(client)
    client.ws.close()
  })

  it('refuses a reply over the bound with one line naming it', async () => {
    const small = await startLabServer({ lab, rendererDir, limits: { maxReplyBytes: 100_000 } })
    const client = await openClient(small)
    lab.answers['exportSession'] = () => 'x'.repeat(200_000)
    const reply = await callMethod(client, 'exportSession', ['session-1'])
    expect(reply).toMatchObject({ ok: false })
    oneLine(reply.error)
    expect(reply.error).toMatch(/over .*100000|100 KB/)
    expect(await callMethod(client, 'catalog', [])).toMatchObject({ ok: true })
    client.ws.close()
    await small.close()
  })
})

describe('message bounds', () => {
  it('refuses a catalog message over 1 MB without echoing it, and takes a larger importSession', async () => {
    const client = await openClient(await bigServer())
    const pad = 'Z'.repeat(2 * 1024 * 1024)
    const reply = await callRaw(client, `{"type":"call","id":7,"method":"catalog","args":[],"pad":"${pad}"}`)
    expect(reply).toMatchObject({ ok: false })
    oneLine(reply.error)
    expect(reply.error).toMatch(/catalog/)
    expect(reply.error).not.toMatch(/ZZZZZZZZ/)
    const imported = await callMethod(client, 'importSession', [
      '{"a":"' + 'y'.repeat(3 * 1024 * 1024) + '"}',
      'a.json',
    ])
    expect(imported).toMatchObject({ ok: true })
    client.ws.close()
  })

  it('never echoes the input in an error', async () => {
    const client = await openClient(server)
    // Under this server's 64 KB frame limit, so that each reaches the dispatch.
    const long = 'Q'.repeat(20_000)
    for (const message of [
      { type: 'call', id: 1, method: 'startRun', args: [{ workload: long, strategies: [long] }] },
      { type: 'call', id: 2, method: 'startRun', args: [{ workload: 'primes', strategies: ['x'], [long]: 1 }] },
      {
        type: 'call',
        id: 3,
        method: 'startRun',
        args: [{ workload: 'primes', strategies: ['x'], params: { [long]: 1 } }],
      },
      { type: 'call', id: 4, method: long, args: [] },
      { type: 'call', id: 5, method: 'renameSession', args: [long, long] },
      { type: 'call', id: 6, method: 'catalog', args: [], [long]: 1 },
      long,
      `{"type":"call","id":7,"method":"catalog","args":[${long}`,
    ]) {
      const reply = await callRaw(client, message)
      expect(reply.ok).toBe(false)
      oneLine(reply.error)
      expect(reply.error).not.toMatch(/QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ/)
    }
    client.ws.close()
  })

  it('refuses the 17th connection with one line (HTTP 503)', async () => {
    const clients = await Promise.all(Array.from({ length: 16 }, () => openClient(server)))
    await expect(openClient(server)).rejects.toThrow('HTTP 503')
    clients[0]!.ws.close()
    await clients[0]!.closed
    await until(() => server.connections < 16)
    const again = await openClient(server)
    expect(await callMethod(again, 'catalog', [])).toMatchObject({ ok: true })
    for (const c of [...clients.slice(1), again]) c.ws.close()
    await until(() => server.connections === 0)
  })
})

let big: LabServer | null = null
async function bigServer(): Promise<LabServer> {
  big ??= await startLabServer({ lab, rendererDir })
  return big
}
afterAll(() => big?.close())

describe('event fan-out', () => {
  it('drops a connection that does not read, with one line on stderr; the others get every event', async () => {
    const slow = await startLabServer({
      lab,
      rendererDir,
      eventsPerSecond: 1000,
      limits: { maxBufferedBytes: 256 * 1024 },
    })
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    try {
      const reader = await openClient(slow)
      const stuck = await rawUpgrade(slow)
      stuck.socket.pause()
      expect(slow.connections).toBe(2)
      const message = 'm'.repeat(64 * 1024)
      let sent = 0
      while (slow.connections === 2) {
        lab.emit({ type: 'error', runId: null, message: `${sent++} ${message}` })
        await new Promise((r) => setTimeout(r, 1))
      }
      const lines = errors.mock.calls.map((c) => c.join(' '))
      expect(lines.some((l) => /does not read/.test(l) && !l.includes('\n'))).toBe(true)
      await until(() => reader.messages.flatMap((m) => m.events ?? []).length === sent)
      expect(await callMethod(reader, 'catalog', [])).toMatchObject({ ok: true })
      reader.ws.close()
    } finally {
      errors.mockRestore()
      await slow.close()
    }
  })
})

describe('the python field', () => {
  it('may name only an interpreter from the catalog: a script is never run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-python-'))
    const marker = join(dir, 'ran')
    const script = join(dir, 'any-script')
    writeFileSync(script, `#!/bin/sh\ntouch ${marker}\n`)
    chmodSync(script, 0o755)
    const host = new LabHost({
      entries: builtEntries,
      launcher: new NodeProcessLauncher(),
      interpretersFromCatalogOnly: true,
    })
    const labServer = await startLabServer({ lab: host, rendererDir })
    try {
      const client = await openClient(labServer)
      const reply = await callMethod(client, 'startRun', [
        { workload: 'primes', params: { size: 100, tasks: 1 }, strategies: ['py-sequential'], python: script },
      ])
      if (reply.ok) await host.waitForRun(reply.value as string)
      expect(existsSync(marker)).toBe(false)
      expect(reply.ok).toBe(false)
      oneLine(reply.error)
      expect(reply.error).toContain(
        'is not an interpreter this lab found; start the server with --python PATH to add it',
      )
      client.ws.close()
    } finally {
      await labServer.close()
      await host.shutdown()
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('the server takes --python PATH (repeatable)', () => {
    expect(
      parseServeOptions(['--python', '/opt/py/bin/python3', '--python=/usr/bin/python3.12'], {}).pythonPaths,
    ).toEqual(['/opt/py/bin/python3', '/usr/bin/python3.12'])
  })
})

describe('HTTP', () => {
  it("names the cookie per port, so two labs do not overwrite each other's", async () => {
    const other = await startLabServer({ lab, rendererDir })
    try {
      const jar = new Map<string, string>()
      for (const s of [server, other]) {
        const page = await fetch(s.url)
        const [pair] = page.headers.get('set-cookie')!.split(';')
        const [name, value] = pair!.split('=')
        expect(name).toBe(`lab_token_${s.port}`)
        jar.set(name!, value!)
      }
      // A browser sends every 127.0.0.1 cookie to every port.
      const cookie = [...jar].map(([n, v]) => `${n}=${v}`).join('; ')
      for (const s of [server, other]) {
        const asset = await fetch(`http://127.0.0.1:${s.port}/assets/app.js`, { headers: { cookie } })
        expect(asset.status, String(s.port)).toBe(200)
      }
    } finally {
      await other.close()
    }
  })

  it('sends the CSP as a header, with connect-src limited to this server', async () => {
    const page = await fetch(server.url)
    const csp = page.headers.get('content-security-policy')!
    expect(csp).toMatch(/default-src 'self'/)
    const connect = csp.split(';').find((d) => d.trim().startsWith('connect-src'))!
    expect(connect.trim()).toBe(`connect-src 'self' ws://127.0.0.1:${server.port} ws://localhost:${server.port}`)
    expect(csp).not.toContain('*')
  })
})
