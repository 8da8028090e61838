// LabHost's session calls over a temp data folder, with real (short) runs: autosave, open,
// save, rename, notes, delete and restore, exports, and a failed autosave that loses nothing.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { LabEvent } from '../../src/shared/api'
import { SessionError, encodeSession } from '../../src/shared/session'
import { LabHost } from '../../src/main/lab/host'
import { NodeProcessLauncher } from '../../src/main/lab/launcher'
import { nodeSessionFs, type SessionFs } from '../../src/main/lab/sessions'
import { builtEntries } from '../helpers'
import { makeRun, makeSession } from './fixtures'

const quick = {
  workload: 'sleep',
  params: { tasks: 3, duration: 1 },
  strategies: ['async'],
  repetitions: 2,
  warmups: 0,
}

let dir: string
let host: LabHost
let events: LabEvent[]
const makeHost = (fs?: SessionFs): LabHost => {
  const h = new LabHost({
    entries: builtEntries,
    launcher: new NodeProcessLauncher(),
    sessionsDir: dir,
    ...(fs ? { sessionStore: { fs } } : {}),
  })
  h.onEvent((e) => events.push(e))
  return h
}
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lab-host-sessions-'))
  events = []
  host = makeHost()
})
afterEach(async () => {
  await host.shutdown()
  rmSync(dir, { recursive: true, force: true })
})

async function runOnce(h = host, config: object = quick) {
  const id = await h.startRun(config as never)
  const run = await h.waitForRun(id)
  return { id, run, autosave: await h.autosaved(id) }
}

describe('LabHost sessions', () => {
  it('autosaves every ended run into the current session, and reopens it identical', async () => {
    const first = await runOnce()
    expect(first.autosave.saved).toBe(true)
    const second = await runOnce()
    const list = await host.listSessions()
    expect(list).toHaveLength(1)
    expect(list[0]!.runs).toBe(2)
    const current = (await host.currentSession())!
    expect(current.runs.map((r) => r.id)).toEqual([first.id, second.id])
    expect(current.machine.python === null || /^\d+\.\d+\.\d+/.test(current.machine.python!)).toBe(true)
    expect(events.filter((e) => e.type === 'session-saved').map((e) => (e as { runId: string }).runId)).toEqual([
      first.id,
      second.id,
    ])

    // A new host (the app restarted) opens the same session: identical results.
    const again = makeHost()
    const reopened = await again.openSession(list[0]!.id)
    expect(reopened).toEqual(current)
    expect(reopened.runs[1]!.stats).toEqual(second.run.stats)
    expect(reopened.runs[1]!.trials.map((t) => t.timeline)).toEqual(second.run.trials.map((t) => t.timeline))
    await again.shutdown()
  })

  it('keeps a run stopped by the user, marked as stopped', async () => {
    const id = await host.startRun({ ...quick, params: { tasks: 2, duration: 5000 } } as never)
    await new Promise((r) => setTimeout(r, 300))
    await host.stopRun(id)
    expect(await host.autosaved(id)).toMatchObject({ saved: true })
    const session = await host.openSession((await host.listSessions())[0]!.id)
    expect(session.runs[0]!.status).toBe('stopped')
  })

  it('a failed autosave loses nothing: the run stays in the current session in memory, and saves elsewhere', async () => {
    const fullDisk: SessionFs = {
      async writeNewFile() {
        throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' })
      },
    }
    await host.shutdown()
    host = makeHost(fullDisk)
    const { id, autosave } = await runOnce()
    expect(autosave.saved).toBe(false)
    expect(autosave.saved === false && autosave.reason).toMatch(
      /^autosave failed: cannot save .*: the disk is full \(ENOSPC\); .*the run is kept in memory, save the session elsewhere$/,
    )
    expect(events.find((e) => e.type === 'error')).toMatchObject({
      type: 'error',
      runId: id,
      message: expect.stringMatching(/^autosave failed: /),
    })
    const current = (await host.currentSession())!
    expect(current.runs.map((r) => r.id)).toEqual([id])
    expect(await host.listSessions()).toEqual([])
    // "Save As" elsewhere works with what is in memory.
    const elsewhere = join(dir, 'elsewhere.json')
    await host.saveSessionAs(current.id, elsewhere)
    expect(JSON.parse(readFileSync(elsewhere, 'utf8')).runs[0].id).toBe(id)
    // Once the disk has room again, saving writes the session with the run it kept.
    const fixed = makeHost(nodeSessionFs)
    await fixed.saveSession(current)
    expect((await fixed.listSessions())[0]!.runs).toBe(1)
    await fixed.shutdown()
  })

  it('saveSession never drops a run the current session holds', async () => {
    const { id } = await runOnce()
    const current = (await host.currentSession())!
    const stale = { ...current, runs: [], name: 'Renamed by a stale copy' }
    await host.saveSession(stale)
    const saved = await host.openSession(current.id)
    expect(saved.name).toBe('Renamed by a stale copy')
    expect(saved.runs.map((r) => r.id)).toEqual([id])
  })

  it('saveSession keeps the runs a library session’s file holds when the copy saved lacks them', async () => {
    const other = makeSession([makeRun()], 'other-session', 'Server')
    await host.saveSession(other)
    await host.saveSession({ ...other, name: 'Server, renamed', runs: [] })
    expect(await host.getSession('other-session')).toEqual({ ...other, name: 'Server, renamed' })
  })

  it('getSession reads a library session without making it current, and the current one from memory', async () => {
    const { id } = await runOnce()
    const current = (await host.currentSession())!
    const other = makeSession([makeRun()], 'other-session', 'Server')
    await host.saveSession(other)
    expect(await host.getSession('other-session')).toEqual(other)
    expect((await host.currentSession())!.id).toBe(current.id)
    expect((await host.getSession(current.id)).runs.map((r) => r.id)).toEqual([id])
    await expect(host.getSession('no-such-session')).rejects.toThrow(SessionError)
  })

  it('session-saved carries the summary the library lists for the saved session', async () => {
    const { id } = await runOnce()
    await host.saveSession(makeSession([makeRun()], 'other-session', 'Server'))
    const saved = events.filter((e) => e.type === 'session-saved')
    expect(saved.map((e) => e.runId)).toEqual([id, null])
    const listed = await host.listSessions()
    for (const event of saved) {
      if (event.type !== 'session-saved') continue
      expect(event.session).toEqual(listed.find((s) => s.id === event.session.id))
    }
  })

  it('refuses an invalid session with a clear error and keeps the library as it was', async () => {
    await runOnce()
    const before = await host.listSessions()
    await expect(host.saveSession({ schemaVersion: 1, id: '../x', name: 'x' })).rejects.toThrow(
      /^the session is not valid: id must be 1–100 letters/,
    )
    expect(await host.listSessions()).toEqual(before)
  })

  it('renames, annotates, deletes to the trash and restores', async () => {
    await runOnce()
    const id = (await host.currentSession())!.id
    expect((await host.renameSession(id, 'Laptop on battery')).name).toBe('Laptop on battery')
    expect((await host.setSessionNotes(id, 'powersave governor')).notes).toBe('powersave governor')
    expect((await host.listSessions())[0]).toMatchObject({ name: 'Laptop on battery', notes: 'powersave governor' })
    await host.deleteSession(id)
    expect(await host.listSessions()).toEqual([])
    expect(await host.currentSession()).toBeNull()
    expect((await host.listTrash()).map((s) => s.id)).toEqual([id])
    await host.restoreSession(id)
    expect((await host.listSessions()).map((s) => s.name)).toEqual(['Laptop on battery'])
  })

  it('opening a bad file leaves the current session and the library unchanged', async () => {
    await runOnce()
    const current = await host.currentSession()
    const before = await host.listSessions()
    await expect(
      host.importSession(
        '{"format": "concurrency-lab-session", "schemaVersion": 9, "writtenBy": "Concurrency Lab 5.0.0"}',
        'future.json',
      ),
    ).rejects.toThrow(
      'future.json was written by schema version 9 (Concurrency Lab 5.0.0); this lab reads up to 1: update Concurrency Lab to open it',
    )
    await expect(host.openSession('no-such-session')).rejects.toBeInstanceOf(SessionError)
    expect(await host.currentSession()).toEqual(current)
    expect(await host.listSessions()).toEqual(before)
  })

  it('imports a session file (drag-and-drop); the same file again switches to it, a changed one comes in as a copy', async () => {
    const session = makeSession([makeRun()], 'shared')
    const text = encodeSession(session, 'Concurrency Lab 0.1.0')
    expect((await host.importSession(text, 'shared.json')).id).toBe('shared')
    await host.newSession()
    // The same session again: no duplicate in the library, and it is the current one.
    const again = await host.importSession(text, 'shared.json')
    expect(again.id).toBe('shared')
    expect((await host.listSessions()).filter((s) => s.name === session.name)).toHaveLength(1)
    expect((await host.currentSession())?.id).toBe('shared')
    // The same id with other content (edited elsewhere): kept beside it, nothing overwritten.
    const edited = {
      ...session,
      runs: [...session.runs, { ...makeRun(), id: 'run-2' }],
      updatedAt: '2026-02-02T00:00:00.000Z',
    }
    const copy = await host.importSession(encodeSession(edited, 'Concurrency Lab 0.1.0'), 'shared.json')
    expect(copy.id).not.toBe('shared')
    expect(copy.runs).toHaveLength(2)
    expect((await host.getSession('shared')).runs).toHaveLength(1)
    expect(JSON.parse(await host.exportSession('shared')).runs[0].id).toBe('run-1')
  })

  it('deletes one run from a session, on disk too, and restoreRun puts it back where it was', async () => {
    const session = makeSession(
      [
        { ...makeRun(), id: 'run-1' },
        { ...makeRun(), id: 'run-2' },
        { ...makeRun(), id: 'run-3' },
      ],
      'three',
    )
    await host.importSession(encodeSession(session, 'Concurrency Lab 0.1.0'), 'three.json')
    const after = await host.deleteRun('three', 'run-2')
    expect(after.runs.map((r) => r.id)).toEqual(['run-1', 'run-3'])
    expect((await host.getSession('three')).runs.map((r) => r.id)).toEqual(['run-1', 'run-3'])
    expect((await host.listSessions()).find((s) => s.id === 'three')?.runs).toBe(2)
    await expect(host.deleteRun('three', 'run-9')).rejects.toThrow('has no run "run-9"')
    const back = await host.restoreRun('three', 'run-2')
    expect(back.runs.map((r) => r.id)).toEqual(['run-1', 'run-2', 'run-3'])
    await expect(host.restoreRun('three', 'run-2')).rejects.toThrow(
      'run "run-2" cannot be restored: only the last run deleted from a session can, until the lab restarts',
    )
    // A session that is not the current one: changed in the library.
    await host.newSession()
    await host.deleteRun('three', 'run-1')
    expect((await host.getSession('three')).runs.map((r) => r.id)).toEqual(['run-2', 'run-3'])
  })

  it('exports a run as JSON, CSV and Markdown', async () => {
    const { id, run } = await runOnce()
    expect(JSON.parse(await host.exportRun(id, 'json'))).toEqual(run)
    expect((await host.exportRun(id, 'csv')).trimEnd().split('\r\n')).toHaveLength(1 + run.trials.length)
    expect(await host.exportRun(id, 'md')).toMatch(/^# Sleep[\s\S]*## Verdict\n\nOnly Async event loop finished: /)
    await expect(host.exportRun(id, 'xml' as never)).rejects.toThrow(
      'cannot export as "xml": the formats are json, csv, md',
    )
  })

  it('without a data folder, session calls explain why and nothing is written', async () => {
    const bare = new LabHost({ entries: builtEntries, launcher: new NodeProcessLauncher() })
    try {
      const { autosave } = await runOnce(bare)
      expect(autosave).toEqual({
        saved: false,
        reason: 'sessions are off: this lab was started without a data folder for its session library',
      })
      await expect(bare.listSessions()).rejects.toThrow('sessions are off')
    } finally {
      await bare.shutdown()
    }
  })
})

describe('LabHost memory and one run at a time', () => {
  it('holds at most the running run and the last finished one; older runs come from the current session', async () => {
    const ids: string[] = []
    for (let i = 0; i < 4; i++) ids.push((await runOnce()).id)
    expect(host.runsInMemory).toBeLessThanOrEqual(2)
    const session = (await host.currentSession())!
    for (const id of ids) {
      const run = await host.getRun(id)
      expect(run).toEqual(session.runs.find((r) => r.id === id))
      expect(JSON.parse(await host.exportRun(id, 'json'))).toEqual(run)
    }
  })

  it('says in one line that an old run is gone when no session holds it', async () => {
    const bare = new LabHost({ entries: builtEntries, launcher: new NodeProcessLauncher() })
    try {
      const first = await runOnce(bare)
      for (let i = 0; i < 2; i++) await runOnce(bare)
      expect(bare.runsInMemory).toBeLessThanOrEqual(2)
      await expect(bare.getRun(first.id)).rejects.toThrow(
        /^that run is no longer in memory and not in the current session/,
      )
    } finally {
      await bare.shutdown()
    }
  })

  it('refuses a second run while one is in progress, in one line, and starts one once it has ended', async () => {
    const id = await host.startRun({ ...quick, params: { tasks: 2, duration: 5000 } } as never)
    await expect(host.startRun(quick as never)).rejects.toThrow(/^a run is in progress: stop it first$/)
    await host.stopRun(id)
    await host.waitForRun(id)
    const next = await runOnce()
    expect(next.run.status).toBe('finished')
  })
})
