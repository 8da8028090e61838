import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { descendantsOf, makeHost, root, runToEnd } from '../helpers'

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
