import { execFileSync, spawnSync } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { SessionError, decodeSessionText, encodeSession, type SessionProblem } from '../../src/shared/session'
import {
  SessionStore,
  nodeSessionFs,
  readSessionFile,
  writeSessionFile,
  type SessionFs,
} from '../../src/main/lab/sessions'
import { makeRun, makeSession } from './fixtures'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lab-sessions-'))
})
afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

async function problemOf(promise: Promise<unknown>): Promise<{ problem: SessionProblem; message: string }> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(SessionError)
    expect((error as Error).message).not.toMatch(/\n/)
    return { problem: (error as SessionError).problem, message: (error as Error).message }
  }
  throw new Error('expected a SessionError')
}

/** Every file of a folder with its bytes, to prove that a failed operation changed nothing. */
function snapshot(folder: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const name of readdirSync(folder, { recursive: true }) as string[]) {
    const path = join(folder, name)
    if (statSync(path).isFile()) out[name] = readFileSync(path, 'base64')
  }
  return out
}

describe('SessionStore', () => {
  it('saves, lists, opens, renames, annotates, deletes to the trash and restores', async () => {
    const store = new SessionStore(dir)
    const a = makeSession([makeRun()], 'alpha', 'Alpha')
    const b = makeSession([makeRun(), makeRun({ id: 'run-2', seed: 2 })], 'beta', 'Beta')
    await store.save(a)
    await store.save({ ...b, updatedAt: '2025-03-05T00:00:00.000Z' })
    const list = await store.list()
    expect(list.map((s) => [s.id, s.name, s.runs])).toEqual([
      ['beta', 'Beta', 2],
      ['alpha', 'Alpha', 1],
    ])
    expect(list[0]!.machine).toBe('Test CPU 3000 · 8 cores / 16 threads · Debian GNU/Linux 12 (bookworm)')
    expect(await store.open('alpha')).toEqual(a)

    const renamed = await store.rename('alpha', 'Alpha, renamed')
    expect(renamed.name).toBe('Alpha, renamed')
    expect(renamed.updatedAt > a.updatedAt).toBe(true)
    await store.setNotes('alpha', 'governor set to performance')
    const reopened = await store.open('alpha')
    expect([reopened.name, reopened.notes]).toEqual(['Alpha, renamed', 'governor set to performance'])
    expect(reopened.runs).toEqual(a.runs)

    await store.delete('beta')
    expect((await store.list()).map((s) => s.id)).toEqual(['alpha'])
    expect((await store.listTrash()).map((s) => s.id)).toEqual(['beta'])
    expect((await problemOf(store.open('beta'))).problem).toBe('not-found')
    await store.restore('beta')
    expect((await store.list()).map((s) => s.id).sort()).toEqual(['alpha', 'beta'])
    expect(await store.listTrash()).toEqual([])
    expect((await store.open('beta')).runs).toHaveLength(2)
  })

  it('refuses ids that could leave the library folder', async () => {
    const store = new SessionStore(dir)
    for (const id of ['../etc/passwd', 'a/b', '', '.hidden', 'x'.repeat(101)]) {
      expect((await problemOf(store.open(id))).problem).toBe('not-found')
    }
  })

  it('lists from its index while size, mtime and inode are unchanged, and re-reads a file once they change', async () => {
    const store = new SessionStore(dir)
    const session = makeSession([], 'cached', 'Name A')
    await store.save(session)
    const path = store.pathOf('cached')
    const second = 1_700_000_000 // a whole second, so that setting it again restores mtimeMs exactly
    utimesSync(path, second, second)
    expect((await store.list())[0]!.name).toBe('Name A')
    // Same size, same mtime, same inode, different content: the index is trusted (that is what makes listing fast).
    writeFileSync(path, readFileSync(path, 'utf8').replace('Name A', 'Name B'))
    utimesSync(path, second, second)
    expect((await store.list())[0]!.name).toBe('Name A')
    // A save changes the inode, size or mtime: the file is read again.
    await store.save({ ...session, name: 'Name C, longer' })
    expect((await store.list())[0]!.name).toBe('Name C, longer')
  })

  it('lists a file it cannot open with its problem, and leaves it as it is', async () => {
    const store = new SessionStore(dir)
    await store.save(makeSession([], 'good'))
    writeFileSync(join(dir, 'broken.json'), '{"format": "concurrency-lab-session", "schemaVersion": 1, "id": ')
    const before = snapshot(dir)
    const list = await store.list()
    const broken = list.find((s) => s.id === 'broken')!
    expect(broken.problem).toMatch(/broken\.json is truncated/)
    expect(list.find((s) => s.id === 'good')!.problem).toBeUndefined()
    expect((await problemOf(store.open('broken'))).problem).toBe('truncated')
    const after = snapshot(dir)
    expect(after['broken.json']).toBe(before['broken.json'])
    expect(after['good.json']).toBe(before['good.json'])
  })

  it('refuses a file over the size limit without reading it (200 MB by default)', async () => {
    const path = join(dir, 'huge.json')
    writeFileSync(path, '')
    truncateSync(path, 201 * 1024 * 1024) // sparse: no 201 MB written
    const { problem, message } = await problemOf(readSessionFile(path))
    expect(problem).toBe('too-large')
    expect(message).toBe(`${path} is 201.0 MB, over the 200.0 MB limit for session files`)
  })

  it('reports a missing file and a folder given as a file', async () => {
    expect(await problemOf(readSessionFile(join(dir, 'nope.json')))).toEqual({
      problem: 'not-found',
      message: `${join(dir, 'nope.json')} does not exist`,
    })
    expect((await problemOf(readSessionFile(dir))).message).toBe(`${dir} is a folder, not a session file`)
  })

  it('replaces a file atomically and leaves no temp file or backup behind', async () => {
    const store = new SessionStore(dir)
    const session = makeSession([makeRun()], 's')
    await store.save(session)
    await store.save({ ...session, name: 'second' })
    expect(readdirSync(dir)).toEqual(['s.json'])
    expect((await store.open('s')).name).toBe('second')
  })

  it('recovers the previous version from its .bak when a crash left only the backup', async () => {
    const store = new SessionStore(dir)
    const session = makeSession([], 's', 'old')
    await store.save(session)
    // What a crash between "link to .bak" and "rename the temp file" can leave, had the file then been lost.
    execFileSync('mv', [store.pathOf('s'), `${store.pathOf('s')}.bak`])
    expect((await store.open('s')).name).toBe('old')
    expect(existsSync(`${store.pathOf('s')}.bak`)).toBe(false)
  })

  it('removes temp files of writers that died, and only those', async () => {
    const store = new SessionStore(dir)
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    }).stdout
    writeFileSync(join(dir, `.s.json.${dead}-0123abcd.tmp`), 'half a session')
    writeFileSync(join(dir, `.s.json.${process.pid}-0123abcd.tmp`), 'a save in progress')
    await store.list()
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([`.s.json.${process.pid}-0123abcd.tmp`])
  })

  it('keeps serialised writes in order', async () => {
    const store = new SessionStore(dir)
    const session = makeSession([], 's')
    await Promise.all(Array.from({ length: 10 }, (_, i) => store.save({ ...session, name: `v${i}` })))
    expect((await store.open('s')).name).toBe('v9')
  })
})

describe('saving where it cannot be saved', () => {
  const session = makeSession([makeRun()], 's', 'new content')
  const old = makeSession([], 's', 'old content')

  it('a full disk: a clear error, the old file intact, no temp file left', async () => {
    // No test can fill a real disk safely; the store's file seam fails the write half-way with ENOSPC.
    const fullDisk: SessionFs = {
      async writeNewFile(path, data) {
        await nodeSessionFs.writeNewFile(path, data.subarray(0, data.length >> 1))
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })
      },
    }
    await new SessionStore(dir).save(old)
    const before = snapshot(dir)
    const store = new SessionStore(dir, { fs: fullDisk })
    const { problem, message } = await problemOf(store.save(session))
    expect(problem).toBe('no-space')
    expect(message).toBe(
      `cannot save ${store.pathOf('s')}: the disk is full (ENOSPC); nothing was changed there; save it somewhere else`,
    )
    expect(snapshot(dir)).toEqual(before)
    expect((await store.open('s')).name).toBe('old content')
    // The caller still holds the session and can save it elsewhere.
    const elsewhere = join(dir, 'elsewhere')
    mkdirSync(elsewhere)
    await new SessionStore(elsewhere).save(session)
    expect((await new SessionStore(elsewhere).open('s')).name).toBe('new content')
  })

  it('a folder that is a file (ENOTDIR): a clear error', async () => {
    writeFileSync(join(dir, 'file'), 'not a folder')
    const store = new SessionStore(join(dir, 'file', 'sessions'))
    const { problem, message } = await problemOf(store.save(session))
    expect(problem).toBe('write-failed')
    expect(message).toMatch(
      /^cannot save .*file\/sessions\/s\.json: .*file\/sessions is not a folder \((ENOTDIR|EEXIST)\)/,
    )
  })

  it('a read-only folder: a clear error, nothing changed', async (ctx) => {
    // Tests run as root, where chmod does not stop writes; the immutable attribute does (chattr +i,
    // ext4/xfs/btrfs). Not root: chmod 555 is enough.
    const library = join(dir, 'library')
    await new SessionStore(library).save(old)
    const before = snapshot(library)
    const root = process.getuid?.() === 0
    const lock = root ? spawnSync('chattr', ['+i', library]) : spawnSync('chmod', ['555', library])
    if (lock.status !== 0) ctx.skip(`cannot make a folder read-only here: ${String(lock.stderr || lock.error)}`.trim())
    try {
      const store = new SessionStore(library)
      const { problem, message } = await problemOf(store.save(session))
      expect(problem).toBe('read-only')
      expect(message).toMatch(
        /is read-only or not writable \((EPERM|EACCES|EROFS)\); nothing was changed there; save it somewhere else$/,
      )
      expect((await problemOf(store.delete('s'))).problem).toBe('read-only')
      expect((await store.list()).map((s) => s.name)).toEqual(['old content'])
    } finally {
      spawnSync(root ? 'chattr' : 'chmod', root ? ['-i', library] : ['755', library])
    }
    expect(snapshot(library)).toEqual(before)
  })
})

describe('session files anywhere', () => {
  it('writes and reads back a session file outside the library', async () => {
    const path = join(dir, 'export', 'shared.session.json')
    const session = makeSession([makeRun()])
    const size = await writeSessionFile(path, session)
    expect(statSync(path).size).toBe(size)
    expect((await readSessionFile(path)).session).toEqual(session)
    expect(decodeSessionText(readFileSync(path, 'utf8'), path)).toEqual(session)
    expect(readFileSync(path, 'utf8')).toBe(encodeSession(session, JSON.parse(readFileSync(path, 'utf8')).writtenBy))
  })
})
