// The race lab on this machine: every variant the lab labels "racy" loses updates in at least one
// of a few trials, every synchronised one loses none in any trial, and no process the lab started
// (nor any of their threads' processes) is left behind.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CONTENTION_VARIANTS, type ContentionTrial } from '../../src/shared/contention'
import { contentionPythons, runContention } from '../../src/main/lab/contention/run'
import { parseLabArgs } from '../../src/shared/api'
import { descendantsOf, makeHost, root } from '../helpers'
import { noPython } from '../python/helpers'

const entries = { nodeRace: join(root, 'out/main/contention-node.js') }
const TRIALS = 3

function byVariant(trials: ContentionTrial[]): Map<string, ContentionTrial[]> {
  const out = new Map<string, ContentionTrial[]>()
  for (const t of trials) {
    const key = `${t.variant} on ${t.runtime}`
    out.set(key, [...(out.get(key) ?? []), t])
  }
  return out
}

// The Python variants need a Python; without one the whole lab is skipped with the reason.
describe.skipIf(noPython)(`race lab (workload kind contention)${noPython ? ` (skipped: ${noPython})` : ''}`, () => {
  it('racy variants lose updates, synchronised ones never do, and nothing is left running', async () => {
    const pids: number[] = []
    // Every variant on the default Python, and `counter += 1` again on a Python before 3.10 where
    // one is installed (labelled racy there; on 3.10+ it is "rare" and not asserted to lose).
    const across = await contentionPythons(undefined, true)
    const result = await runContention(
      { variants: CONTENTION_VARIANTS.map((v) => v.id), workers: 2, trials: TRIALS },
      { entries, onTrialStart: ({ pid }) => pid !== undefined && pids.push(pid) },
    )
    const trials = [...result.trials]
    if (typeof across === 'string') console.log(`skipped counter += 1 on Python < 3.10: ${across}`)
    else {
      const old = await runContention(
        { variants: ['py-increment'], workers: 2, trials: TRIALS, pythons: [across[0]!.executable] },
        { entries, onTrialStart: ({ pid }) => pid !== undefined && pids.push(pid) },
      )
      expect(old.trials.every((t) => t.sync === 'racy')).toBe(true)
      trials.push(...old.trials)
    }
    expect(result.skipped).toEqual([])
    const groups = byVariant(trials)
    expect(groups.size).toBeGreaterThanOrEqual(CONTENTION_VARIANTS.length)
    for (const [name, list] of groups) {
      expect(list, name).toHaveLength(TRIALS)
      for (const t of list) {
        // The checksum is what was asked (N = W × T), the same for every variant.
        expect(t.expected, name).toBe(t.workers * t.increments)
        expect(t.checksum, name).toBe(t.expected)
        expect(t.got + t.lost, name).toBe(t.expected)
      }
      const sync = list[0]!.sync
      if (sync === 'racy')
        expect(
          list.some((t) => t.lost > 0),
          `${name} is labelled racy but lost nothing`,
        ).toBe(true)
      if (sync === 'exact')
        expect(
          list.map((t) => t.lost),
          name,
        ).toEqual(list.map(() => 0))
      const spec = CONTENTION_VARIANTS.find((v) => v.id === list[0]!.variant)!
      for (const t of list) expect(t.waitMs === null, name).toBe(!spec.lock)
    }
    expect(pids.length).toBe(trials.length)
    for (const pid of pids) expect(existsSync(`/proc/${pid}`), `race program ${pid} still running`).toBe(false)
    expect(descendantsOf()).toEqual([])
  }, 300_000)

  it('a trial that is stopped ends its program and every worker process it started', async () => {
    const controller = new AbortController()
    const pids: number[] = []
    const run = runContention(
      { variants: ['py-value-lock'], workers: 2, increments: 20_000_000, trials: 1 },
      {
        entries,
        signal: controller.signal,
        onTrialStart: ({ pid }) => pid !== undefined && pids.push(pid),
      },
    )
    // Wait until its worker processes are up, then stop it.
    const deadline = Date.now() + 20_000
    while (Date.now() < deadline && descendantsOf().length < 3) await new Promise((r) => setTimeout(r, 50))
    expect(descendantsOf().length).toBeGreaterThanOrEqual(3)
    controller.abort()
    await expect(run).rejects.toThrow(/stopped|killed|exited|signal/)
    expect(descendantsOf()).toEqual([])
  }, 60_000)
})

describe('LabApi runRaceExperiment', () => {
  it('refuses a name that is not an experiment, naming the ones there are', () => {
    expect(() => parseLabArgs('runRaceExperiment', ['nope'])).toThrow(/race-lost-updates/)
    expect(() => parseLabArgs('runRaceExperiment', ['race-lost-updates', { trials: 99 }])).toThrow(/from 1 to 20/)
  })

  it.skipIf(noPython)(
    'runs an experiment on the host and returns its trials and notes, leaving nothing running',
    async () => {
      const host = makeHost()
      try {
        const result = await host.runRaceExperiment('python-310-hid-the-race', { trials: 1 })
        if (result.skipped.length > 0) {
          console.log(`skipped: ${result.skipped[0]!.reason}`)
          expect(result.trials).toEqual([])
        } else {
          expect(result.trials.map((t) => t.sync)).toEqual(['racy', 'rare'])
          expect(result.trials[0]!.lost).toBeGreaterThan(0)
          expect(result.notes.join(' ')).toMatch(/cpython#18334/)
        }
        expect(descendantsOf()).toEqual([])
      } finally {
        await host.shutdown()
      }
    },
    120_000,
  )
})
