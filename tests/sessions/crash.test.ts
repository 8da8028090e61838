// Crash test: a child process saves a session over and over and is killed (SIGKILL) at a random
// moment, 100 times. After every kill the file must open and hold exactly the old or the new
// content. bench/sessions.ts runs a longer variant on the full-size session.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeSessionBytes, encodeSession } from '../../src/shared/session'
import { SessionStore, WRITTEN_BY } from '../../src/main/lab/sessions'
import { bundleForNode } from './bundle'
import { crashSession } from './crash-session'
import { prng } from './fixtures'

export interface CrashOutcome {
  saving: number[]
  saved: number[]
}

/** Starts the saver at `first`, kills it `delayMs` after its first save began, and reports what it said. */
export function killDuringSaves(child: string, dir: string, first: number, delayMs: number): Promise<CrashOutcome> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [child, dir, String(first)], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    let timer: NodeJS.Timeout | undefined
    proc.stdout.on('data', (d: Buffer) => {
      out += d
      if (!timer && out.includes('saving')) timer = setTimeout(() => proc.kill('SIGKILL'), delayMs)
    })
    proc.stderr.on('data', (d: Buffer) => (err += d))
    proc.once('error', reject)
    proc.once('exit', (code, signal) => {
      clearTimeout(timer)
      if (signal !== 'SIGKILL') return reject(new Error(`the saver exited by itself (code ${code}): ${err}`))
      const numbers = (word: string) => [...out.matchAll(new RegExp(`^${word} (\\d+)$`, 'gm'))].map((m) => Number(m[1]))
      resolve({ saving: numbers('saving'), saved: numbers('saved') })
    })
  })
}

let work: string
let child: string
beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'lab-crash-'))
  child = await bundleForNode(join(import.meta.dirname, 'crash-child.ts'), join(work, 'bundle'))
})
afterAll(() => rmSync(work, { recursive: true, force: true }))

describe('saving survives being killed at any moment', () => {
  it('holds the old or the new content after each of 100 kills', async () => {
    const template = crashSession()
    // Generations differ only in their name, so each one's exact bytes follow from one encoding.
    const templateText = encodeSession({ ...template, name: 'generation 0' }, WRITTEN_BY)
    const expected = (generation: number): string =>
      templateText.replace('"name":"generation 0"', `"name":"generation ${generation}"`)

    const lane = async (laneIndex: number, kills: number) => {
      const dir = join(work, `library-${laneIndex}`)
      const store = new SessionStore(dir)
      await store.save(template)
      let onDisk = 0
      let midSave = 0
      const random = prng(20250304 + laneIndex)
      for (let kill = 1; kill <= kills; kill++) {
        const outcome = await killDuringSaves(child, dir, kill * 1000, Math.floor(random() * 40))
        const inProgress = outcome.saving.length > outcome.saved.length ? outcome.saving.at(-1)! : null
        const old = outcome.saved.at(-1) ?? onDisk
        const bytes = readFileSync(store.pathOf('crash'))
        const session = decodeSessionBytes(bytes, 'crash.json')
        const generation = Number(/^generation (\d+)$/.exec(session.name)?.[1])
        expect([old, inProgress], `lane ${laneIndex}, kill ${kill}: found generation ${generation}`).toContain(
          generation,
        )
        expect(
          bytes.toString('utf8') === expected(generation),
          `lane ${laneIndex}, kill ${kill}: the bytes of generation ${generation}`,
        ).toBe(true)
        if (inProgress !== null) midSave++
        onDisk = generation
      }
      // A library left by these crashes lists one session, and its dead writers' temp files are cleared.
      const list = await store.list()
      expect(list.map((s) => [s.id, s.problem])).toEqual([['crash', undefined]])
      expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([])
      return midSave
    }
    const midSaves = await lane(1, 100)
    // The kills did land in the middle of saves (otherwise this test would prove nothing).
    expect(midSaves).toBeGreaterThan(50)
  })
})
