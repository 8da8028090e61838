// The lab measures how busy the rest of the machine was during each trial, so that figures
// taken under someone else's load can be flagged rather than trusted.
import { spawn } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { runToEnd } from '../helpers'

describe('load from other programs', () => {
  it('is seen while another process keeps a core busy during a trial that itself uses no CPU', async () => {
    const spinner = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' })
    try {
      const { run } = await runToEnd({
        workload: 'sleep',
        params: { tasks: 3, duration: 400 },
        strategies: ['sequential'],
        repetitions: 1,
        warmups: 0,
      })
      expect(run.errors).toEqual([])
      // The spinner alone is one core; anything else on the machine only adds to it.
      expect(run.stats[0]!.otherCores).toBeGreaterThan(0.6)
    } finally {
      spinner.kill('SIGKILL')
    }
  })

  it("does not count the lab's own worker processes as other programs", async () => {
    // CPU time, not wall time, so the test holds on a loaded machine: the same work costs about
    // the same CPU whether one thread or two processes do it.
    const { run } = await runToEnd({
      workload: 'primes',
      params: { size: 3_000_000, tasks: 16 },
      strategies: ['sequential', 'processes'],
      workers: [2],
      repetitions: 2,
      warmups: 0,
    })
    expect(run.errors).toEqual([])
    const group = (id: string) => run.stats.find((g) => g.strategy === id)!
    const sequential = group('sequential')
    const processes = group('processes')
    // Were the children's CPU left out, processes would show only the lab's orchestration.
    expect(processes.cpuMs).toBeGreaterThan(0.7 * sequential.cpuMs!)
    // Counted twice (the lab's and "other programs'"), the two would add up to more cores than the
    // machine has: an identity that holds whatever else the machine is doing.
    const busyCores = processes.cpuMs! / processes.meanMs
    expect(busyCores + processes.otherCores!).toBeLessThan(run.machine.logicalCores + 0.25)
    for (const t of run.trials) expect(t.otherCpuMs).toBeGreaterThanOrEqual(0)
  })
})
