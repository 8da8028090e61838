import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { Run } from '../../src/shared/schemas'
import { descendantsOf, eventually, makeHost, root, runToEnd } from '../helpers'

const fixture = (name: string): string => join(root, 'tests/fixtures', `${name}-entry.mjs`)
const config = {
  workload: 'primes',
  params: { size: 5000, tasks: 6 },
  strategies: ['processes', 'threads'],
  workers: [2],
  repetitions: 2,
  warmups: 0,
}

describe('faults', () => {
  it('a strategy whose checksum differs is marked as a mismatch', async () => {
    const { run } = await runToEnd(config, makeHost({ thread: fixture('wrong-checksum') }))
    const processes = run.trials.filter((t) => t.strategy === 'processes')
    const threads = run.trials.filter((t) => t.strategy === 'threads')
    expect(processes.every((t) => t.error === null)).toBe(true)
    expect(threads.every((t) => t.error?.startsWith('checksum mismatch'))).toBe(true)
    expect(run.errors.some((e) => e.includes('checksum mismatch'))).toBe(true)
    expect(run.stats.find((g) => g.strategy === 'threads')).toBeUndefined()
  })

  for (const [fault, message] of [
    ['crash', /exited with code 3/],
    ['throw', /task \d+ failed: kernel exploded/],
    ['garbage', /does not understand/],
  ] as const) {
    it(`a worker process that ${fault}s fails its trials; the run goes on and leaves no child`, async () => {
      const before = descendantsOf()
      const { run } = await runToEnd(config, makeHost({ process: fixture(fault) }))
      const processes = run.trials.filter((t) => t.strategy === 'processes')
      expect(processes).toHaveLength(2)
      for (const t of processes) expect(t.error).toMatch(message)
      // The other strategy still ran, and its results stand.
      const threads = run.trials.filter((t) => t.strategy === 'threads')
      expect(threads.map((t) => t.error)).toEqual([null, null])
      expect(run.checksum).toBe(669) // π(5000)
      expect(run.status).toBe('finished')
      expect(descendantsOf()).toEqual(before)
    })
  }

  it('a trial over its timeout fails with the limit in the message, and the next group runs', async () => {
    const { run } = await runToEnd({
      workload: 'sleep',
      params: { tasks: 4, duration: 2000 },
      strategies: ['sequential', 'async'],
      repetitions: 1,
      warmups: 0,
      timeoutMs: 300,
    })
    expect(run.trials[0]!.error).toBe('timed out after 300 ms')
    expect(run.trials[1]!.error).toBe('timed out after 300 ms')
    expect(run.status).toBe('finished')
  })

  it('a worker entry that does not exist fails the trial with a clear message', async () => {
    const { run } = await runToEnd(
      { ...config, strategies: ['threads'], repetitions: 1 },
      makeHost({ thread: join(root, 'tests/fixtures/no-such-entry.js') }),
    )
    expect(run.trials[0]!.error).toMatch(/no-such-entry|Cannot find module/)
  })
})

/** Runs `strategy` for 3 trials on a host whose entries are `hosted`; returns the run and what it left. */
async function runThreeTrials(
  strategy: 'threads' | 'processes',
  host: ReturnType<typeof makeHost>,
  extra: { timeoutMs?: number; size?: number; onTrialStart?: (index: number) => void } = {},
): Promise<{ run: Run; left: number[]; threadsLeft: number }> {
  const before = descendantsOf()
  host.onEvent((e) => {
    if (e.type === 'trial-start') extra.onTrialStart?.(e.index)
  })
  const { run } = await runToEnd(
    {
      workload: 'countdown',
      params: { size: extra.size ?? 2_000_000, tasks: 6 },
      strategies: [strategy],
      workers: [2],
      repetitions: 3,
      warmups: 0,
      ...(extra.timeoutMs ? { timeoutMs: extra.timeoutMs } : {}),
    },
    host,
  )
  const left = descendantsOf().filter((pid) => !before.includes(pid))
  return { run, left, threadsLeft: host.registry.size }
}

describe('a fault in one trial fails that trial alone, with a one-line reason', () => {
  const saved = process.env['FAULT_ONCE']
  afterEach(() => {
    if (saved === undefined) delete process.env['FAULT_ONCE']
    else process.env['FAULT_ONCE'] = saved
  })
  /** Only the first child that loads the fixture misbehaves (see faulty-entry.mjs). */
  const once = (): void => {
    process.env['FAULT_ONCE'] = join(mkdtempSync(join(tmpdir(), 'lab-fault-')), 'marker')
  }

  const cases = [
    [
      'throws inside a task',
      'raise',
      { threads: /^worker \d failed: kernel blew up/, processes: /^worker \d exited with code 1 / },
    ],
    [
      'throws at top level',
      'toplevel',
      { threads: /^worker \d failed: could not load/, processes: /^worker \d exited with code 1 / },
    ],
    [
      'calls process.exit',
      'exit',
      { threads: /^worker \d exited with code 0 /, processes: /^worker \d exited with code 0 / },
    ],
    [
      'never returns from a task',
      'hang',
      { threads: /^timed out after 300 ms$/, processes: /^timed out after 300 ms$/ },
    ],
  ] as const
  for (const [what, fault, messages] of cases) {
    for (const strategy of ['threads', 'processes'] as const) {
      it(`a worker ${strategy === 'threads' ? 'thread' : 'process'} that ${what}`, async () => {
        once()
        const entry = strategy === 'threads' ? { thread: fixture(fault) } : { process: fixture(fault) }
        const { run, left, threadsLeft } = await runThreeTrials(strategy, makeHost(entry), {
          timeoutMs: fault === 'hang' ? 300 : undefined,
        })
        expect(run.trials.map((t) => t.error === null)).toEqual([false, true, true])
        const reason = run.trials[0]!.error!
        expect(reason).toMatch(messages[strategy])
        expect(reason).not.toMatch(/\n/)
        expect(run.errors).toHaveLength(1)
        expect(run.status).toBe('finished')
        expect(left).toEqual([])
        expect(threadsLeft).toBe(0)
      })
    }
  }

  it('a worker process killed with SIGKILL mid-trial', async () => {
    const host = makeHost()
    let killed: number | null = null
    const { run, left, threadsLeft } = await runThreeTrials('processes', host, {
      // Long enough a trial that the kill lands in it once the pool is up (or, on a slow day,
      // while it starts: either way that trial alone fails).
      size: 600_000_000,
      onTrialStart: (index) => {
        if (index !== 0) return
        void eventually(() => host.registry.processIds().length === 2, 'the pool to start')
          .then(() => new Promise((r) => setTimeout(r, 150)))
          .then(() => {
            killed = host.registry.processIds()[0]!
            process.kill(killed, 'SIGKILL')
          })
      },
    })
    expect(killed).not.toBeNull()
    expect(run.trials.map((t) => t.error === null)).toEqual([false, true, true])
    expect(run.trials[0]!.error).toMatch(
      /^worker \d was killed by SIGKILL (during the trial|before it could start|before it could report usage)$/,
    )
    expect(run.status).toBe('finished')
    expect(left).toEqual([])
    expect(threadsLeft).toBe(0)
  })
})
