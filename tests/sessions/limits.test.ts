// The session file limit and autosave: a session never grows into a file the lab cannot open.
// The limit is made small (SessionStoreOptions.maxBytes) so a few synthetic runs fill it.
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { LabEvent } from '../../src/shared/api'
import { SessionError } from '../../src/shared/session'
import { CurrentSession } from '../../src/main/lab/current-session'
import { SessionStore, nodeSessionFs, type SessionFs } from '../../src/main/lab/sessions'
import { makeRun, makeSession } from './fixtures'

const LIMIT = 200_000
let dir: string
let store: SessionStore
let events: LabEvent[]
let current: CurrentSession
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lab-session-limits-'))
  store = new SessionStore(dir, { maxBytes: LIMIT })
  events = []
  // Runs carrying their Python facts spare the fingerprint an interpreter probe.
  current = new CurrentSession({ store, emit: (e) => events.push(e) })
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const python = { executable: 'python3', version: '3.12.1', freeThreaded: false, gil: true, switchIntervalMs: 5 }
const run = (i: number, tasks = 200) => ({ ...makeRun({ id: `run-${i}`, seed: i, tasks }), python })

describe('autosave and the session file limit', () => {
  it('rolls over to a new session before a save would pass the limit, so every run still opens', async () => {
    const ids: string[] = []
    for (let i = 1; i <= 20; i++) {
      const result = await current.autosave(run(i))
      expect(result.saved).toBe(true)
      ids.push(`run-${i}`)
    }
    const list = await store.list()
    expect(list.length).toBeGreaterThan(1)
    const opened: string[] = []
    for (const summary of list) {
      expect(summary.problem).toBeUndefined()
      expect(statSync(store.pathOf(summary.id)).size).toBeLessThanOrEqual(LIMIT)
      const session = await store.open(summary.id)
      opened.push(...session.runs.map((r) => r.id))
    }
    expect(opened.sort()).toEqual([...ids].sort())
    // Each new session says which one it continues, and the user is told when it happens.
    const continued = (await Promise.all(list.map((s) => store.open(s.id)))).filter((s) => /continues/i.test(s.notes))
    expect(continued.length).toBe(list.length - 1)
    expect(events.some((e) => e.type === 'session-saved' && /continues/i.test(e.session.notes))).toBe(true)
  })

  it('with checkpoints between autosaves, every run is in exactly one session after rollovers', async () => {
    for (let i = 1; i <= 20; i++) {
      const done = run(i)
      // A checkpoint of the run in progress (its first trials), then its end.
      await current.checkpoint({ ...done, status: 'running', trials: done.trials.slice(0, 1) })
      current.ended(done.id)
      expect((await current.autosave(done)).saved).toBe(true)
    }
    const list = await store.list()
    expect(list.length).toBeGreaterThan(1)
    const seen: string[] = []
    for (const summary of list) {
      expect(statSync(store.pathOf(summary.id)).size).toBeLessThanOrEqual(LIMIT)
      for (const r of (await store.open(summary.id)).runs) {
        expect(r.status).not.toBe('running')
        seen.push(r.id)
      }
    }
    expect(seen.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `run-${i + 1}`).sort())
  })

  it('tells of a rollover as a notice, not as an error', async () => {
    for (let i = 1; i <= 20; i++) expect((await current.autosave(run(i))).saved).toBe(true)
    expect(events.filter((e) => e.type === 'error')).toEqual([])
    expect(events.some((e) => e.type === 'notice' && /new session/.test(e.message))).toBe(true)
  })

  it('keeps one run that alone passes the limit with its timelines thinned, and says so', async () => {
    const result = await current.autosave(run(1, 3000))
    expect(result.saved).toBe(true)
    const [summary] = await store.list()
    const session = await store.open(summary!.id)
    const saved = session.runs[0]!
    expect(saved.timelineThinned).toMatchObject({ keepEvery: expect.any(Number) })
    expect(saved.timelineThinned!.keepEvery).toBeGreaterThan(1)
    expect(saved.timelineThinned!.slices).toBe(3000 * saved.trials.length)
    expect(saved.trials[0]!.timeline.length).toBeLessThan(3000)
    expect(saved.stats).toEqual(run(1, 3000).stats)
    expect(session.notes).toMatch(/thinned/)
    expect(events.some((e) => e.type === 'notice' && /thinned/.test(e.message))).toBe(true)
  })

  it('refuses, in one line, to save a run that cannot fit even without timelines, and keeps the session openable', async () => {
    await current.autosave(run(1))
    const huge = { ...makeRun({ id: 'huge', tasks: 10, samples: 4000, cores: 16 }), python }
    const result = await current.autosave(huge)
    expect(result.saved).toBe(false)
    if (!result.saved) expect(result.reason).toMatch(/over the .* limit/)
    for (const summary of await store.list())
      expect((await store.open(summary.id)).runs.map((r) => r.id)).toEqual(['run-1'])
  })

  it('does not roll over a session whose runs are not all on disk: a failed autosave loses nothing', async () => {
    let full = false
    const fs: SessionFs = {
      writeNewFile: (path, data) =>
        full
          ? Promise.reject(Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' }))
          : nodeSessionFs.writeNewFile(path, data),
    }
    const flaky = new CurrentSession({ store: new SessionStore(dir, { maxBytes: LIMIT, fs }), emit: () => undefined })
    expect((await flaky.autosave(run(1))).saved).toBe(true)
    full = true
    for (let i = 2; i <= 6; i++) expect((await flaky.autosave(run(i))).saved).toBe(false)
    // Every run is still in the current session in memory, to be saved elsewhere.
    expect((await flaky.currentSession())!.runs.map((r) => r.id)).toEqual([
      'run-1',
      'run-2',
      'run-3',
      'run-4',
      'run-5',
      'run-6',
    ])
  })

  it('never writes a file over the limit, whatever saves it', async () => {
    const big = makeSession([run(1, 3000)], 'too-big')
    await expect(store.save(big)).rejects.toThrow(SessionError)
    await expect(store.save(big)).rejects.toThrow(/over the 195\.3 KB limit/)
    expect(await store.list()).toEqual([])
  })
})
