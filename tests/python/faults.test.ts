// Faults in the Python runtime: each gives a clear error on its own trials, the run goes on
// with the other strategies, and no Python process is left behind (pool processes included).
import { existsSync, readdirSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { RunConfigInput } from '../../src/shared/schemas'
import { eventually, makeHost, runToEnd } from '../helpers'
import { markChildren, markedProcesses, noPython, pythonFixture } from './helpers'

const countdown = { workload: 'countdown', params: { size: 200_000, tasks: 6 }, repetitions: 1, warmups: 0 }

/** Runs the config with every child marked, and checks that none outlives the run. */
async function runMarked(config: RunConfigInput, host = makeHost(), mark = markChildren()) {
  const result = await runToEnd(config, host)
  expect(markedProcesses(mark)).toEqual([])
  return result.run
}

const oldPython = (): string | null => {
  const versions = join(process.env.PYENV_ROOT || join(homedir(), '.pyenv'), 'versions')
  if (!existsSync(versions)) return null
  const old = readdirSync(versions).find((v) => /^3\.[0-7]\./.test(v) && existsSync(join(versions, v, 'bin/python3')))
  return old ? join(versions, old, 'bin/python3') : null
}

describe.skipIf(noPython)(`Python faults${noPython ? ` (skipped: ${noPython})` : ''}`, () => {
  afterEach(() => {
    delete process.env.CONCURRENCY_LAB_TEST_MARK
  })

  it('an exception inside a task fails that trial under every Python strategy, and the run goes on', async () => {
    const run = await runMarked(
      {
        ...countdown,
        strategies: ['py-sequential', 'py-threads', 'py-processes', 'py-asyncio', 'sequential'],
        workers: [2],
      },
      makeHost({ python: pythonFixture('throwing_runner') }),
    )
    const python = run.trials.filter((t) => t.strategy.startsWith('py-'))
    expect(python).toHaveLength(4)
    for (const t of python) expect(t.error).toMatch(/^task 2 failed: TypeError: unsupported operand/)
    const node = run.trials.find((t) => t.strategy === 'sequential')!
    expect(node.error).toBeNull()
    expect(node.checksum).toBe(200_000)
    expect(run.status).toBe('finished')
  })

  it('a runner with a syntax error fails its trials with the SyntaxError', async () => {
    const run = await runMarked(
      { ...countdown, strategies: ['py-processes', 'sequential'], workers: [2] },
      makeHost({ python: pythonFixture('syntax_error_runner') }),
    )
    expect(run.trials[0]!.error).toMatch(
      /the Python runner \(pid \d+\) exited with code 1: SyntaxError: invalid syntax \(File ".*syntax_error_runner\.py", line 4\)/,
    )
    expect(run.trials[1]!.error).toBeNull()
  })

  it('a runner that prints garbage on stdout fails its trial with what it printed', async () => {
    const run = await runMarked(
      { ...countdown, strategies: ['py-processes', 'py-threads', 'sequential'], workers: [2] },
      makeHost({ python: pythonFixture('garbage_runner') }),
    )
    for (const t of run.trials.slice(0, 2)) {
      expect(t.error).toMatch(/not a protocol message on stdout: "Result: 42 \(this is not a protocol message\)"/)
    }
    expect(run.trials[2]!.error).toBeNull()
  })

  it('a missing interpreter fails the Python trials with its path; Node strategies still run', async () => {
    const run = await runMarked({
      ...countdown,
      strategies: ['py-sequential', 'sequential'],
      python: '/nonexistent/bin/python3',
    })
    expect(run.trials[0]!.error).toBe('Python interpreter /nonexistent/bin/python3 does not exist')
    expect(run.trials[1]!.error).toBeNull()
  })

  it('an unknown interpreter id names the ids that exist', async () => {
    const run = await runMarked({ ...countdown, strategies: ['py-sequential'], python: 'python9.9' })
    expect(run.trials[0]!.error).toMatch(/no Python interpreter has the id "python9.9" \(found: python3\./)
  })

  it.skipIf(!oldPython())('an interpreter older than 3.8 is refused with its version', async () => {
    const run = await runMarked({
      ...countdown,
      strategies: ['py-threads', 'sequential'],
      workers: [2],
      python: oldPython()!,
    })
    expect(run.trials[0]!.error).toMatch(/^Python 3\.[0-7]\.\d+ is too old: the lab needs Python 3\.8 or newer/)
    expect(run.trials[1]!.error).toBeNull()
  })

  it('py-threads-nogil on an interpreter with a GIL says it needs a free-threaded build', async () => {
    const run = await runMarked({ ...countdown, strategies: ['py-threads-nogil', 'py-sequential'], workers: [2] })
    if (run.python?.freeThreaded) return // a free-threaded interpreter was found: nothing to refuse
    expect(run.trials[0]!.error).toMatch(/Python threads, no GIL needs a free-threaded Python/)
    expect(run.trials[1]!.error).toBeNull()
  })

  it('a trial over its timeout fails with the limit, and its runner and pool are ended', async () => {
    const run = await runMarked({
      workload: 'sleep',
      params: { tasks: 4, duration: 5000 },
      strategies: ['py-processes', 'py-threads', 'sequential'],
      workers: [2],
      repetitions: 1,
      warmups: 0,
      timeoutMs: 800,
    })
    expect(run.trials.map((t) => t.error)).toEqual([
      'timed out after 800 ms',
      'timed out after 800 ms',
      'timed out after 800 ms',
    ])
  })

  it('stopping the run mid-trial ends the runner and its pool processes', async () => {
    const mark = markChildren()
    const host = makeHost()
    const off = host.onEvent((event) => {
      if (event.type === 'trial-start') {
        void eventually(
          () => markedProcesses(mark).some((p) => p.includes('multiprocessing.spawn')),
          'a pool process',
          20_000,
        ).then(() => host.stopRun(event.runId))
      }
    })
    const run = await runMarked(
      {
        workload: 'countdown',
        params: { size: 500_000_000, tasks: 4 },
        strategies: ['py-processes'],
        workers: [2],
        repetitions: 1,
        warmups: 0,
      },
      host,
      mark,
    )
    off()
    expect(run.status).toBe('stopped')
  })

  for (const victim of ['runner', 'pool process'] as const) {
    it(`killing the ${victim} mid-trial fails that trial; no pool process survives; the next strategy runs`, async () => {
      const mark = markChildren()
      const host = makeHost()
      let killed = ''
      const off = host.onEvent((event) => {
        if (event.type !== 'trial-start' || event.strategy !== 'py-processes') return
        void (async () => {
          // Wait until the runner and its two pool processes run the trial's tasks.
          await eventually(
            () => markedProcesses(mark).filter((p) => p.includes('multiprocessing.spawn')).length === 2,
            'two pool processes',
            20_000,
          )
          await new Promise((r) => setTimeout(r, 300))
          const runner = markedProcesses(mark).find((p) => p.includes('runner.py'))!
          const pool = markedProcesses(mark).find((p) => p.includes('multiprocessing.spawn'))!
          killed = victim === 'runner' ? runner : pool
          process.kill(Number.parseInt(killed, 10), 'SIGKILL')
        })()
      })
      const run = await runMarked(
        {
          workload: 'sleep',
          params: { tasks: 8, duration: 1000 },
          strategies: ['py-processes', 'py-asyncio'],
          workers: [2],
          repetitions: 1,
          warmups: 0,
        },
        host,
        mark,
      )
      off()
      expect(killed).not.toBe('')
      expect(run.trials[0]!.error).toMatch(
        victim === 'runner' ? /the Python runner \(pid \d+\) was killed by SIGKILL$/ : /BrokenProcessPool/,
      )
      expect(run.trials[1]!.error).toBeNull()
      expect(run.trials[1]!.checksum).toBe((8 * 9) / 2)
    })
  }
})
