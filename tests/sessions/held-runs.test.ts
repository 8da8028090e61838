// The current session holds only its latest runs whole in memory; the rest live in its file and
// are read back on demand. No run may ever be lost by that: every run opens afterwards with the
// content it was saved with, across rollovers, failed saves, renames and a restart of the lab.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { CurrentSession, HELD_RUNS } from '../../src/main/lab/current-session'
import { COPY_CHUNK_BYTES, SessionStore, nodeSessionFs, type SessionFs } from '../../src/main/lab/sessions'
import type { Run } from '../../src/shared/schemas'
import { encodeSession } from '../../src/shared/session'
import { makeRun, makeSession } from './fixtures'

const LIMIT = 200_000
let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lab-held-runs-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const python = { executable: 'python3', version: '3.12.1', freeThreaded: false, gil: true, switchIntervalMs: 5 }
// Runs of varied sizes, so rollovers fall at different places.
const run = (i: number): Run => ({ ...makeRun({ id: `run-${i}`, seed: i, tasks: 20 + ((i * 37) % 90) }), python })
const lab = (fs?: SessionFs, maxBytes = LIMIT): { store: SessionStore; sessions: CurrentSession } => {
  const store = new SessionStore(dir, { maxBytes, ...(fs ? { fs } : {}) })
  return { store, sessions: new CurrentSession({ store, emit: () => undefined }) }
}

/** Every run in the library, by id, read from the files. */
async function library(store: SessionStore): Promise<Map<string, Run[]>> {
  const found = new Map<string, Run[]>()
  for (const summary of await store.list()) {
    expect(summary.problem).toBeUndefined()
    for (const r of (await store.open(summary.id)).runs) found.set(r.id, [...(found.get(r.id) ?? []), r])
  }
  return found
}

describe('runs of the current session not held in memory', () => {
  it('every run of many, with checkpoints and rollovers, opens identical, and again after a restart', async () => {
    const { store, sessions } = lab()
    const saved: Run[] = []
    for (let i = 1; i <= 40; i++) {
      const done = run(i)
      if (i % 3 === 0) await sessions.checkpoint({ ...done, status: 'running', trials: done.trials.slice(0, 2) })
      sessions.ended(done.id)
      expect((await sessions.autosave(done)).saved).toBe(true)
      saved.push(done)
    }
    expect(sessions.heldRuns).toBeLessThanOrEqual(HELD_RUNS)
    const files = await library(store)
    expect((await store.list()).length).toBeGreaterThan(2)
    for (const r of saved) expect(files.get(r.id)).toEqual([r])

    // The current session's runs, whether held or not: findRun, getSession, currentSession, export.
    const current = (await sessions.currentSession())!
    expect(current.runs.length).toBeGreaterThan(HELD_RUNS)
    for (const r of current.runs) {
      expect((await sessions.findRun(r.id))?.run).toEqual(saved.find((s) => s.id === r.id))
      expect(r).toEqual(saved.find((s) => s.id === r.id))
    }
    expect(await sessions.getSession(current.id)).toEqual(current)
    expect(JSON.parse(await sessions.exportSession(current.id)).runs.map((r: Run) => r.id)).toEqual(
      current.runs.map((r) => r.id),
    )

    // A restarted lab opens the session and goes on saving into it: nothing is lost or changed.
    const again = lab()
    expect(await again.sessions.openSession(current.id)).toEqual(current)
    // The file is as this lab writes it: each run is found in it, and only the latest stay whole.
    expect(again.sessions.heldRuns).toBeLessThanOrEqual(HELD_RUNS)
    for (let i = 41; i <= 50; i++) {
      expect((await again.sessions.autosave(run(i))).saved).toBe(true)
      saved.push(run(i))
    }
    const after = await library(again.store)
    for (const r of saved) expect(after.get(r.id)).toEqual([r])
  })

  it('autosave decodes none of the earlier runs: their bytes in the file are copied as they are', async () => {
    const { store, sessions } = lab(undefined, 10_000_000)
    const open = vi.spyOn(store, 'open')
    const openFile = vi.spyOn(store, 'openFile')
    for (let i = 1; i <= 20; i++) expect((await sessions.autosave(run(i))).saved).toBe(true)
    expect(open).not.toHaveBeenCalled()
    expect(openFile).not.toHaveBeenCalled()
    expect(sessions.heldRuns).toBe(HELD_RUNS)
    // One old run is read back alone, from its own bytes.
    expect((await sessions.findRun('run-3'))?.run).toEqual(run(3))
    expect(open).not.toHaveBeenCalled()
    expect((await store.open((await store.list())[0]!.id)).runs).toEqual(
      Array.from({ length: 20 }, (_, i) => run(i + 1)),
    )
  })

  it('autosave and checkpoints write and read the file in bounded pieces, never a buffer the size of the file', async () => {
    // A buffer as large as the session file, allocated and freed on every save, grows with the
    // session: over an hour of runs the server's memory outside the JS heap grew with it.
    const pieces: number[] = []
    const counted = async function* (chunks: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
      for await (const chunk of chunks) {
        pieces.push(chunk.length)
        yield chunk
      }
    }
    const fs: SessionFs = {
      writeNewFile: (path, data) => {
        pieces.push(data.length)
        return nodeSessionFs.writeNewFile(path, data)
      },
      writeNewFileChunks: (path, chunks) => nodeSessionFs.writeNewFileChunks!(path, counted(chunks)),
    }
    const { store, sessions } = lab(fs, 10_000_000)
    const reads: number[] = []
    const readRange = store.readRange.bind(store)
    vi.spyOn(store, 'readRange').mockImplementation(async (id, stamp, start = 0, end = stamp.size) => {
      reads.push(end - start)
      return readRange(id, stamp, start, end)
    })
    for (let i = 1; i <= 60; i++) {
      const done = run(i)
      if (i % 2 === 0) await sessions.checkpoint({ ...done, status: 'running', trials: done.trials.slice(0, 2) })
      sessions.ended(done.id)
      expect((await sessions.autosave(done)).saved).toBe(true)
    }
    const [summary] = await store.list()
    expect(summary!.sizeBytes).toBeGreaterThan(4 * COPY_CHUNK_BYTES)
    expect(Math.max(...pieces)).toBeLessThanOrEqual(COPY_CHUNK_BYTES)
    expect(Math.max(0, ...reads)).toBeLessThanOrEqual(COPY_CHUNK_BYTES)
    expect((await store.open(summary!.id)).runs).toEqual(Array.from({ length: 60 }, (_, i) => run(i + 1)))
  })

  it('a session file laid out by another writer is held whole until its first save, then located', async () => {
    const { store, sessions } = lab(undefined, 10_000_000)
    const session = makeSession(
      Array.from({ length: 6 }, (_, i) => run(i + 1)),
      'older',
    )
    // Pretty-printed, as another program (or an older lab) might write it: the same session.
    const { writeFileSync } = await import('node:fs')
    writeFileSync(store.pathOf('older'), JSON.stringify(JSON.parse(encodeSession(session, 'Other 1.0')), null, 2))
    expect((await sessions.openSession('older')).runs).toEqual(session.runs)
    expect(sessions.heldRuns).toBe(6)
    expect((await sessions.autosave(run(7))).saved).toBe(true)
    expect(sessions.heldRuns).toBe(HELD_RUNS)
    expect((await store.open('older')).runs).toEqual([...session.runs, run(7)])
    expect((await sessions.currentSession())!.runs).toEqual([...session.runs, run(7)])
  })

  it('renames and notes keep every run of the current session', async () => {
    const { store, sessions } = lab(undefined, 10_000_000)
    for (let i = 1; i <= 8; i++) await sessions.autosave(run(i))
    const id = (await sessions.currentSession())!.id
    expect((await sessions.renameSession(id, 'Renamed')).runs.map((r) => r.id)).toHaveLength(8)
    await sessions.setSessionNotes(id, 'Some notes')
    const reopened = await store.open(id)
    expect(reopened).toMatchObject({ name: 'Renamed', notes: 'Some notes' })
    expect(reopened.runs).toEqual(Array.from({ length: 8 }, (_, i) => run(i + 1)))
    expect(await sessions.currentSession()).toEqual(reopened)
  })

  it('deleting a run not held in memory, and undoing it, keeps every other run and puts it back in place', async () => {
    const { store, sessions } = lab(undefined, 10_000_000)
    for (let i = 1; i <= 6; i++) await sessions.autosave(run(i))
    const id = (await sessions.currentSession())!.id
    // run-2 lies only in the file now: delete must read it back to offer Undo.
    const after = await sessions.deleteRun(id, 'run-2')
    expect(after.runs.map((r) => r.id)).toEqual(['run-1', 'run-3', 'run-4', 'run-5', 'run-6'])
    expect((await store.open(id)).runs).toEqual([1, 3, 4, 5, 6].map(run))
    expect(sessions.heldRuns).toBeLessThanOrEqual(HELD_RUNS)
    const restored = await sessions.restoreRun(id, 'run-2')
    expect(restored.runs).toEqual([1, 2, 3, 4, 5, 6].map(run))
    expect((await store.open(id)).runs).toEqual([1, 2, 3, 4, 5, 6].map(run))
    // A later autosave splices beside the restored run's bytes.
    await sessions.autosave(run(7))
    expect((await store.open(id)).runs).toEqual([1, 2, 3, 4, 5, 6, 7].map(run))
    await expect(sessions.deleteRun(id, 'run-99')).rejects.toThrow(/has no run "run-99"/)
  })

  it('a run whose autosave failed stays in memory and is written with the next save that works', async () => {
    let full = false
    const fs: SessionFs = {
      writeNewFile: (path, data) =>
        full
          ? Promise.reject(Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' }))
          : nodeSessionFs.writeNewFile(path, data),
    }
    const { store, sessions } = lab(fs, 10_000_000)
    for (let i = 1; i <= 4; i++) expect((await sessions.autosave(run(i))).saved).toBe(true)
    full = true
    for (let i = 5; i <= 9; i++) expect((await sessions.autosave(run(i))).saved).toBe(false)
    expect(sessions.heldRuns).toBeGreaterThanOrEqual(5)
    const inMemory = (await sessions.currentSession())!
    expect(inMemory.runs).toEqual(Array.from({ length: 9 }, (_, i) => run(i + 1)))
    for (let i = 5; i <= 9; i++) expect((await sessions.findRun(`run-${i}`))?.run).toEqual(run(i))
    full = false
    expect((await sessions.autosave(run(10))).saved).toBe(true)
    expect((await store.open(inMemory.id)).runs).toEqual(Array.from({ length: 10 }, (_, i) => run(i + 1)))
    expect(sessions.heldRuns).toBeLessThanOrEqual(HELD_RUNS)
  })

  it('a disk that fills part-way through a chunked save leaves the file as it was and no temp file', async () => {
    let full = false
    const fs: SessionFs = {
      writeNewFile: nodeSessionFs.writeNewFile,
      writeNewFileChunks: (path, chunks) =>
        nodeSessionFs.writeNewFileChunks!(
          path,
          (async function* () {
            let n = 0
            for await (const chunk of chunks) {
              if (full && ++n > 1) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' })
              yield chunk
            }
          })(),
        ),
    }
    const { store, sessions } = lab(fs, 10_000_000)
    for (let i = 1; i <= 5; i++) expect((await sessions.autosave(run(i))).saved).toBe(true)
    const id = (await sessions.currentSession())!.id
    full = true
    const failed = await sessions.autosave(run(6))
    expect(failed).toMatchObject({ saved: false })
    expect((failed as { reason: string }).reason).toContain('the disk is full (ENOSPC)')
    expect((await store.open(id)).runs).toEqual([1, 2, 3, 4, 5].map(run))
    const { readdirSync } = await import('node:fs')
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp') || f.endsWith('.bak'))).toEqual([])
    full = false
    expect((await sessions.autosave(run(7))).saved).toBe(true)
    expect((await store.open(id)).runs).toEqual([1, 2, 3, 4, 5, 6, 7].map(run))
  })

  it('a file changed behind the lab is read again, never spliced blindly', async () => {
    const { store, sessions } = lab(undefined, 10_000_000)
    for (let i = 1; i <= 4; i++) await sessions.autosave(run(i))
    const id = (await sessions.currentSession())!.id
    // Another lab on the same library rewrites the file: longer notes, runs in another order, so
    // every byte offset the lab knew moves.
    const other = await store.open(id)
    await store.save({ ...other, notes: 'x'.repeat(5000), runs: [...other.runs].reverse() })
    expect((await sessions.autosave(run(5))).saved).toBe(true)
    const runs = (await store.open(id)).runs
    expect(runs.map((r) => r.id).sort()).toEqual(['run-1', 'run-2', 'run-3', 'run-4', 'run-5'])
    for (const r of runs) expect(r).toEqual(run(Number(r.id.slice(4))))
    for (let i = 1; i <= 5; i++) expect((await sessions.findRun(`run-${i}`))?.run).toEqual(run(i))
  })
})
