// py-dask when a worker dies (issue 14): a Dask worker process killed mid-trial does not lose the
// trial — the nanny starts another, the scheduler runs the lost tasks again, the checksum still
// agrees — and the run says a worker was lost, rather than hiding it. Nothing is left running.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { descendantsOf, eventually, makeHost } from '../helpers'
import { DEBIAN_PYTHON, cannotImport, markChildren, markedProcesses, noPython } from './helpers'

const why = noPython ?? cannotImport('distributed')
const skip = why && `py-dask needs distributed (${why}): apt-get install python3-distributed`
if (skip) console.log(`skip: ${skip}`)

/** Dask worker processes: the runner's children that Dask started (the nannies run inside the runner). */
function daskWorkers(runnerPid: number): number[] {
  return descendantsOf(runnerPid).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes('spawn_main')
    } catch {
      return false
    }
  })
}

describe.skipIf(skip)(`py-dask on ${DEBIAN_PYTHON}${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('a worker killed mid-trial does not lose the trial, and the run notes the lost worker', async () => {
    const mark = markChildren()
    const host = makeHost()
    const events: Array<{ type: string; message?: string }> = []
    host.onEvent((e) => events.push(e as never))
    let killed: number | null = null
    try {
      const id = await host.startRun({
        workload: 'primes',
        params: { size: 3_000_000, tasks: 12 },
        strategies: ['py-sequential', 'py-dask'],
        workers: [2],
        repetitions: 1,
        warmups: 0,
        python: DEBIAN_PYTHON,
      })
      // Once the Dask trial has results coming in (its workers busy), kill one of its worker processes.
      let daskTrial = -1
      await eventually(
        () => {
          for (const e of events as never as Array<{ type: string; strategy?: string; index?: number }>) {
            if (e.type === 'trial-start' && e.strategy === 'py-dask') daskTrial = e.index!
          }
          return (
            daskTrial >= 0 &&
            events.some((e) => e.type === 'tasks' && (e as never as { index: number }).index === daskTrial)
          )
        },
        'the first results of the Dask trial',
        60_000,
      )
      const runner = host.registry.processIds()[0]!
      expect(daskWorkers(runner).length).toBeGreaterThanOrEqual(2)
      killed = daskWorkers(runner)[0]!
      process.kill(killed, 'SIGKILL')
      const run = await host.waitForRun(id)
      expect(run.trials.map((t) => [t.strategy, t.error])).toEqual([
        ['py-sequential', null],
        ['py-dask', null],
      ])
      expect(run.trials[1]!.checksum).toBe(run.trials[0]!.checksum)
      expect(run.trials[1]!.timeline).toHaveLength(12)
      expect(events.some((e) => e.type === 'notice' && /a Dask worker was lost/.test(e.message ?? ''))).toBe(true)
    } finally {
      await host.shutdown()
    }
    expect(killed).not.toBeNull()
    await eventually(() => markedProcesses(mark).length === 0, 'every process the run started to end', 15_000)
  })
})
