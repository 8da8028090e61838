// Browser mode's session calls over the WebSocket, against a real LabHost with a temp library;
// and the --data-dir option, whose default is the CLI's.
import { mkdtempSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { homedir, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { defaultDataDir } from '../../src/main/lab/data-dir'
import { LabHost } from '../../src/main/lab/host'
import { NodeProcessLauncher } from '../../src/main/lab/launcher'
import { parseServeOptions } from '../../src/main/server/options'
import { startLabServer, type LabServer } from '../../src/main/server/server'
import type { Session, SessionSummary } from '../../src/shared/session'

const rendererDir = mkdtempSync(join(tmpdir(), 'lab-renderer-'))
mkdirSync(join(rendererDir, 'assets'))
writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>lab</title>')
const sessionsDir = mkdtempSync(join(tmpdir(), 'lab-server-sessions-'))

// No runs here: the entries are never loaded.
const host = new LabHost({
  entries: { thread: 'unused', process: 'unused' },
  launcher: new NodeProcessLauncher(),
  sessionsDir,
})
let server: LabServer
let ws: WebSocket
const replies = new Map<number, { ok: boolean; value?: unknown; error?: string }>()
let nextId = 1

beforeAll(async () => {
  server = await startLabServer({ lab: host, rendererDir })
  ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`, {
    headers: { Origin: `http://127.0.0.1:${server.port}` },
  })
  ws.on('message', (data) => {
    const m = JSON.parse(String(data)) as { type: string; id: number; ok: boolean; value?: unknown; error?: string }
    if (m.type === 'result') replies.set(m.id, m)
  })
  await new Promise((r) => ws.once('open', r))
})
afterAll(async () => {
  ws.close()
  await server.close()
  await host.shutdown()
})

async function call<T>(method: string, ...args: unknown[]): Promise<T> {
  const id = nextId++
  ws.send(JSON.stringify({ type: 'call', id, method, args }))
  for (;;) {
    const reply = replies.get(id)
    if (reply) {
      if (!reply.ok) throw new Error(reply.error)
      return reply.value as T
    }
    await new Promise((r) => setTimeout(r, 5))
  }
}

describe('session calls over the WebSocket', () => {
  it('creates, saves, renames, annotates, exports, imports, deletes and restores sessions in the data dir', async () => {
    expect(await call('currentSession')).toBeNull()
    const fresh = await call<Session>('newSession', 'Laptop')
    expect(fresh.name).toBe('Laptop')
    await call('saveSession', fresh)
    expect(readdirSync(sessionsDir).some((f) => f.startsWith(fresh.id))).toBe(true)

    expect((await call<Session>('renameSession', fresh.id, 'Laptop, on battery')).name).toBe('Laptop, on battery')
    expect((await call<Session>('setSessionNotes', fresh.id, 'fan was loud')).notes).toBe('fan was loud')

    const text = await call<string>('exportSession', fresh.id)
    expect(JSON.parse(text)).toMatchObject({ format: 'concurrency-lab-session', name: 'Laptop, on battery' })
    // The same session, unchanged: the lab switches to it rather than adding a duplicate.
    expect((await call<Session>('importSession', text, 'laptop.json')).id).toBe(fresh.id)
    expect(await call<SessionSummary[]>('listSessions')).toHaveLength(1)
    // Changed elsewhere: its id is taken in the library, so the copy gets a new one and becomes current.
    const edited = JSON.stringify({ ...JSON.parse(text), updatedAt: '2026-03-03T00:00:00.000Z' })
    const imported = await call<Session>('importSession', edited, 'laptop.json')
    expect(imported.id).not.toBe(fresh.id)
    expect((await call<Session>('currentSession'))!.id).toBe(imported.id)
    expect(await call<SessionSummary[]>('listSessions')).toHaveLength(2)

    await call('deleteSession', fresh.id)
    expect((await call<SessionSummary[]>('listTrash')).map((s) => s.id)).toEqual([fresh.id])
    expect(await call<SessionSummary[]>('listSessions')).toHaveLength(1)
    await call('restoreSession', fresh.id)
    expect(await call<SessionSummary[]>('listSessions')).toHaveLength(2)
  })

  it('answers a bad file with one line naming it, and leaves the library and current session as they were', async () => {
    const before = await call<SessionSummary[]>('listSessions')
    const current = await call<Session | null>('currentSession')
    await expect(
      call('importSession', '{"format": "concurrency-lab-session", "runs": [', 'broken.json'),
    ).rejects.toThrow(/broken\.json/)
    await expect(call('importSession', '', 'empty.json')).rejects.toThrow(/empty\.json/)
    expect(await call<SessionSummary[]>('listSessions')).toEqual(before)
    expect((await call<Session | null>('currentSession'))?.id).toBe(current?.id)
  })

  it('refuses arguments outside the protocol before the host sees them', async () => {
    await expect(call('renameSession', '../etc/passwd', 'x')).rejects.toThrow(/refused/)
    await expect(call('setSessionNotes', 'abc', 42)).rejects.toThrow(/refused/)
    await expect(call('importSession', 'text')).rejects.toThrow(/refused/)
  })
})

describe('npm run serve --data-dir', () => {
  it('defaults like the CLI: $CONCURRENCY_LAB_DATA_DIR, else ~/.concurrency-lab/sessions', () => {
    expect(parseServeOptions([], {}).dataDir).toBe(join(homedir(), '.concurrency-lab', 'sessions'))
    expect(parseServeOptions([], { CONCURRENCY_LAB_DATA_DIR: '/tmp/lab-a' }).dataDir).toBe('/tmp/lab-a')
    expect(defaultDataDir({ CONCURRENCY_LAB_DATA_DIR: '/tmp/lab-a' })).toBe('/tmp/lab-a')
    expect(parseServeOptions(['--data-dir', 'rel/dir'], { CONCURRENCY_LAB_DATA_DIR: '/tmp/lab-a' }).dataDir).toBe(
      resolve('rel/dir'),
    )
    expect(parseServeOptions(['--data-dir=/tmp/lab-b', '--port', '8125'], {})).toEqual({
      port: 8125,
      dataDir: '/tmp/lab-b',
      pythonPaths: [],
    })
    expect(() => parseServeOptions(['--data-dir'], {})).toThrow('--data-dir must name a folder')
  })
})
