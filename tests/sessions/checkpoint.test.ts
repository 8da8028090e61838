// Checkpoints of a run in progress: written at most every CHECKPOINT_INTERVAL_MS, marked
// running on disk, read back as interrupted only where no live lab runs that run.
import { mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CurrentSession } from '../../src/main/lab/current-session'
import { SessionStore, readSessionFile } from '../../src/main/lab/sessions'
import type { Run } from '../../src/shared/schemas'
import { makeRun } from './fixtures'

function setUp(live: Set<string>): { dir: string; sessions: CurrentSession; writes: () => number } {
  const dir = mkdtempSync(join(tmpdir(), 'lab-checkpoint-'))
  let count = 0
  const store = new SessionStore(dir, {
    fs: {
      async writeNewFile(path, data) {
        count++
        const { writeFile } = await import('node:fs/promises')
        await writeFile(path, data, { flag: 'wx' })
      },
    },
  })
  const sessions = new CurrentSession({ store, emit: () => undefined, isLive: (id) => live.has(id) })
  return { dir, sessions, writes: () => count }
}

const inProgress = (): Run => ({ ...makeRun(), status: 'running', endedAt: null })

describe('checkpoints', () => {
  it('write a running run at most once per interval, and never over its end', async () => {
    const run = inProgress()
    const { dir, sessions, writes } = setUp(new Set([run.id]))
    await sessions.checkpoint(run)
    await sessions.checkpoint({ ...run, trials: run.trials.slice(0, 1) })
    expect(writes()).toBe(1)
    const file = readdirSync(dir).find((n) => n.endsWith('.json'))!
    const onDisk = (await readSessionFile(join(dir, file))).session.runs[0]!
    expect(onDisk.status).toBe('running')
    expect(onDisk.trials).toHaveLength(run.trials.length)

    // The run ends: autosave writes it; a late checkpoint does not put the running copy back.
    const ended: Run = { ...run, status: 'finished' }
    await sessions.autosave(ended)
    sessions.ended(run.id)
    await sessions.checkpoint(run)
    expect((await readSessionFile(join(dir, file))).session.runs[0]!.status).toBe('finished')
  })

  it('read back as interrupted where the run is not live, and as running where it is', async () => {
    const run = inProgress()
    const live = new Set([run.id])
    const { dir, sessions } = setUp(live)
    await sessions.checkpoint(run)
    const id = (await sessions.currentSession())!.id
    expect((await sessionsOn(dir, live).openSession(id)).runs[0]!.status).toBe('running')
    expect((await sessionsOn(dir, new Set()).openSession(id)).runs[0]!.status).toBe('interrupted')
  })
})

function sessionsOn(dir: string, live: Set<string>): CurrentSession {
  return new CurrentSession({ store: new SessionStore(dir), emit: () => undefined, isLive: (id) => live.has(id) })
}
