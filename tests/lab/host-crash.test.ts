// A lab killed mid-run (SIGKILL: no chance to clean up) leaves a library the next lab can use:
// the run's trials up to its last checkpoint are there, read back as interrupted, and nothing
// half-written or temporary remains once a new lab has started on the folder.
import { spawn } from 'node:child_process'
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { describe, expect, it } from 'vitest'
import { readSessionFile } from '../../src/main/lab/sessions'
import { builtEntries, eventually, root } from '../helpers'
import { markChildren, markedProcesses } from '../python/helpers'
import { LabHost } from '../../src/main/lab/host'
import { NodeProcessLauncher } from '../../src/main/lab/launcher'

/** Trials the session files in `dir` hold, by session id. */
function savedTrials(dir: string): Map<string, number> {
  const out = new Map<string, number>()
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.json') && !n.startsWith('.'))) {
    try {
      const doc = JSON.parse(readFileSync(join(dir, name), 'utf8')) as { runs?: Array<{ trials?: unknown[] }> }
      out.set(name.slice(0, -'.json'.length), doc.runs?.[0]?.trials?.length ?? 0)
    } catch {
      // Caught mid-rename: read it next time.
    }
  }
  return out
}

describe('a lab killed mid-run', () => {
  it('leaves its checkpointed trials, read back as interrupted, and no temp file once a new lab starts', async () => {
    const library = mkdtempSync(join(tmpdir(), 'lab-killed-'))
    const mark = markChildren()
    const config = {
      workload: 'sleep',
      params: { tasks: 4, duration: 40 },
      strategies: ['threads', 'processes'],
      workers: [2],
      repetitions: 50,
      warmups: 0,
    }
    const lab = spawn(
      process.execPath,
      ['--import', 'tsx', join(root, 'tests/fixtures/host-run.ts'), JSON.stringify(config), library],
      { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] },
    )
    const exited = new Promise((resolve) => lab.once('exit', resolve))
    let trialsEnded = 0
    const lines = createInterface({ input: lab.stdout })
    lines.on('line', (line) => {
      const message = JSON.parse(line) as { type: string }
      if (message.type === 'ready') lab.stdin.write('go\n')
      if (message.type === 'trial-end') trialsEnded++
    })
    // Kill it once a checkpoint is on disk and a few more trials have ended after it.
    await eventually(() => [...savedTrials(library).values()].some((n) => n >= 1), 'a checkpoint', 20_000)
    const seen = trialsEnded
    await eventually(() => trialsEnded >= seen + 3, 'more trials', 20_000)
    lab.kill('SIGKILL')
    await exited
    const [sessionId, onDisk] = [...savedTrials(library)][0]!
    expect(onDisk).toBeGreaterThanOrEqual(1)
    expect(onDisk).toBeLessThan(trialsEnded + 1)
    // Its worker processes end with it (they leave when their channel to the lab closes).
    await eventually(() => markedProcesses(mark).length === 0, 'the killed lab’s workers to exit')

    // What a kill in the middle of a save leaves: a temp file of the dead writer, and a .bak.
    const sessionFile = join(library, `${sessionId}.json`)
    writeFileSync(
      join(library, `.${sessionId}.json.${lab.pid}-0badc0de.tmp`),
      readFileSync(sessionFile).subarray(0, 100),
    )
    copyFileSync(sessionFile, `${sessionFile}.bak`)
    console.log(`left by the killed lab (and the simulated torn save): ${readdirSync(library).sort().join(', ')}`)

    const next = new LabHost({ entries: builtEntries, launcher: new NodeProcessLauncher(), sessionsDir: library })
    try {
      expect(await next.currentSession()).toBeNull()
      expect(readdirSync(library).sort()).toEqual([`${sessionId}.json`])
      const session = await next.openSession(sessionId)
      expect(session.runs).toHaveLength(1)
      const run = session.runs[0]!
      expect(run.status).toBe('interrupted')
      expect(run.trials.length).toBeGreaterThanOrEqual(onDisk)
      expect(run.trials.every((t) => t.error === null)).toBe(true)
      // The file says running (a checkpoint); only reading it without a live lab says interrupted.
      expect((await readSessionFile(sessionFile)).session.runs[0]!.status).toBe('running')
    } finally {
      await next.shutdown()
    }
  })
})
