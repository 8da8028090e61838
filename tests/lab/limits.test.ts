// A sweep that runs into an OS limit (open files, processes) fails the trials over the limit,
// naming it, and the run goes on. The lab runs in a process of its own, whose limit is
// lowered with prlimit (util-linux) once it has loaded; its children carry a mark in their environment, so none can
// hide from the check by being re-parented.
import { spawn, spawnSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { describe, expect, it } from 'vitest'
import { root } from '../helpers'
import { markChildren, markedProcesses } from '../python/helpers'

const noPrlimit = spawnSync('prlimit', ['--version']).error ? 'prlimit (util-linux) is not on PATH' : null
const isRoot = process.getuid?.() === 0

/** Runs `config` in a lab whose limit `limit` (a prlimit option) is lowered once it has loaded. */
async function runUnder(
  limit: string,
  config: object,
): Promise<{ trials: Array<string | null>; status: string; left: string[] }> {
  const mark = markChildren()
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(root, 'tests/fixtures/host-run.ts'), JSON.stringify(config)],
    { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] },
  )
  const lines: Array<{ type: string; trials?: Array<string | null>; status?: string }> = []
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
  for await (const line of createInterface({ input: child.stdout })) {
    if (!line.startsWith('{')) continue
    const message = JSON.parse(line) as (typeof lines)[number]
    lines.push(message)
    if (message.type === 'ready') {
      // Loading the lab (and tsx) opens files of its own: the limit starts to count from here.
      const applied = spawnSync('prlimit', ['--pid', String(child.pid), limit])
      if (applied.status !== 0) throw new Error(`prlimit failed: ${String(applied.stderr)}`)
      child.stdin.write('go\n')
    }
  }
  const code = await exited
  const end = lines.find((l) => l.type === 'run-end')
  if (!end) throw new Error(`the lab ended (code ${code}) without finishing its run`)
  return { trials: end.trials!, status: end.status!, left: markedProcesses(mark) }
}

/** Tasks (processes and threads) this user has now, which count against RLIMIT_NPROC. */
function tasksOfThisUser(): number {
  const uid = String(process.getuid?.())
  let count = 0
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const status = readFileSync(`/proc/${name}/status`, 'utf8')
      if (/^Uid:\s+(\d+)/m.exec(status)?.[1] !== uid) continue
      count += readdirSync(`/proc/${name}/task`).length
    } catch {
      // Ended while we looked.
    }
  }
  return count
}

describe('a sweep that reaches an OS limit', () => {
  it.skipIf(noPrlimit)(
    `fails the trials over the open-file limit, naming it, and the run goes on${noPrlimit ? ` (skipped: ${noPrlimit})` : ''}`,
    async () => {
      const { trials, status, left } = await runUnder('--nofile=100', {
        workload: 'primes',
        params: { size: 5000, tasks: 150 },
        // Threads first: 150 processes that failed may still hold their pipes while the lab ends
        // them, and on a loaded machine a trial right after them hit the limit on those (fresh-
        // clone CI: threads × 2 failed with EMFILE after processes × 150). Last, nothing follows.
        strategies: ['threads', 'processes'],
        workers: [2, 150],
        allowManyWorkers: true,
        repetitions: 1,
        warmups: 0,
      })
      expect(status).toBe('finished')
      // threads × 2 and processes × 2 fit, with room to spare; 150 of either do not.
      expect(trials[0]).toBeNull()
      expect(trials[2]).toBeNull()
      for (const reason of [trials[1], trials[3]]) {
        expect(reason).toMatch(
          /^worker \d+ (could not start|failed): the open-file limit \(ulimit -n, now 100\) was reached/,
        )
      }
      expect(left).toEqual([])
    },
  )

  const nprocSkip = noPrlimit ?? (isRoot ? 'running as root, to whom RLIMIT_NPROC does not apply' : null)

  // The default reporter hides skip reasons: print them, one line each.

  for (const why of new Set([noPrlimit, nprocSkip])) if (why) console.log(`skip: ${why}`)
  it.skipIf(nprocSkip)(
    `fails the trials over the process limit, naming it, and the run goes on${nprocSkip ? ` (skipped: ${nprocSkip})` : ''}`,
    async () => {
      // Room for the lab and a small pool, not for 60 more processes.
      const { trials, status, left } = await runUnder(`--nproc=${tasksOfThisUser() + 40}`, {
        workload: 'primes',
        params: { size: 5000, tasks: 60 },
        strategies: ['processes'],
        workers: [2, 60],
        allowManyWorkers: true,
        repetitions: 1,
        warmups: 0,
      })
      expect(status).toBe('finished')
      expect(trials[0]).toBeNull()
      expect(trials[1]).toMatch(/the process limit \(ulimit -u, now \d+\) was reached/)
      expect(left).toEqual([])
    },
  )
})
