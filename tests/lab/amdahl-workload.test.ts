// The amdahl workload: its plan holds the serial share it was given, its checksum is that of the
// whole sum whatever the share, and the serial part runs alone — no other task overlaps it, in
// Node and in Python.
import { describe, expect, it } from 'vitest'
import { serialPrologue } from '../../src/shared/amdahl-workload'
import { planTasks, resolveParams, findWorkload } from '../../src/shared/catalog'
import type { Trial } from '../../src/shared/schemas'
import { runToEnd } from '../helpers'
import { noPython } from '../python/helpers'

const plan = (params: Record<string, number>) => planTasks('amdahl', resolveParams(findWorkload('amdahl')!, params))

function sumSquaresMod32(n: number): number {
  let total = 0n
  for (let i = 0n; i < BigInt(n); i++) total += i * i
  return Number(total % 2n ** 32n)
}

/** The serial task's slice, and whether any other slice of the trial overlaps it or starts before it ends. */
function serialRanAlone(trial: Trial): boolean {
  const serial = trial.timeline.find((s) => s.task === 0)!
  return trial.timeline.filter((s) => s.task !== 0).every((s) => s.start >= serial.end)
}

describe('amdahl plan', () => {
  it('puts the serial share first, alone, and splits the rest', () => {
    const tasks = plan({ serial: 30, size: 1000, tasks: 4 })
    expect(tasks[0]).toEqual({ kind: 'amdahl', phase: 'serial', lo: 0, hi: 300 })
    expect(tasks.slice(1).map((t) => t.kind === 'amdahl' && t.hi - t.lo)).toEqual([175, 175, 175, 175])
    expect(serialPrologue(tasks)).toBe(1)
  })

  it('has no serial task at 0% and only the serial task at 100%', () => {
    expect(serialPrologue(plan({ serial: 0, size: 1000, tasks: 4 }))).toBe(0)
    expect(plan({ serial: 0, size: 1000, tasks: 4 })).toHaveLength(4)
    expect(plan({ serial: 100, size: 1000, tasks: 4 })).toEqual([{ kind: 'amdahl', phase: 'serial', lo: 0, hi: 1000 }])
  })

  it('other workloads have no serial prologue', () => {
    expect(serialPrologue(planTasks('sum-squares', { size: 100, tasks: 4 }))).toBe(0)
  })
})

describe('amdahl runs', () => {
  it('gives the checksum of the whole sum under every Node strategy, and the serial part runs alone', async () => {
    const { run } = await runToEnd({
      workload: 'amdahl',
      params: { serial: 40, size: 400_000, tasks: 6 },
      strategies: ['sequential', 'async', 'threads', 'processes'],
      workers: [2],
      repetitions: 2,
      warmups: 0,
    })
    expect(run.errors).toEqual([])
    expect(run.checksum).toBe(sumSquaresMod32(400_000))
    expect(new Set(run.trials.map((t) => t.checksum))).toEqual(new Set([run.checksum]))
    for (const trial of run.trials) expect(serialRanAlone(trial)).toBe(true)
  })

  it.skipIf(noPython)(
    `and under Python threads and processes${noPython ? ` (skipped: ${noPython})` : ''}`,
    async () => {
      const { run } = await runToEnd({
        workload: 'amdahl',
        params: { serial: 40, size: 100_000, tasks: 6 },
        strategies: ['sequential', 'py-threads', 'py-processes'],
        workers: [2],
        repetitions: 1,
        warmups: 0,
      })
      expect(run.errors).toEqual([])
      expect(new Set(run.trials.map((t) => t.checksum))).toEqual(new Set([sumSquaresMod32(100_000)]))
      for (const trial of run.trials) expect(serialRanAlone(trial)).toBe(true)
    },
  )
})
