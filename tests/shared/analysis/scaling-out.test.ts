// The "Scaling out" sentence: a Dask cluster's per-task overhead against a process pool, computed
// from the run's own means, and the task length at which the cluster beats the pool (more threads
// than the pool has processes) or at which its overhead stops mattering (no more threads).
import { describe, expect, it } from 'vitest'
import { scalingOutNote } from '../../../src/shared/analysis/scaling-out'
import { formatRun } from '../../../src/main/cli/format'
import { verdict } from '../../../src/shared/analysis/verdict'
import { makeStats, runOf } from './runs'

const run = (daskMs: number, processesMs: number, options: { chunkSize?: number; threads?: number } = {}) => {
  const base = runOf({
    workload: 'primes',
    stats: [makeStats('py-processes', 2, processesMs, null), makeStats('py-dask', 2, daskMs, null)],
  })
  return {
    ...base,
    config: { ...base.config, params: { size: 2_000_000, tasks: 32 }, chunkSize: options.chunkSize ?? 1 },
    machine: {
      ...base.machine,
      ...(options.threads
        ? { cluster: { kind: 'remote' as const, workers: 4, threads: options.threads, versions: {} } }
        : {}),
    },
  }
}

describe('scaling out: per-task overhead and the crossover', () => {
  it('on as many threads as the pool: the overhead per task, and that the cluster never beats the pool', () => {
    // 2064 ms × 2 ÷ 32 = 129 ms a task on the cluster, 2000 × 2 ÷ 32 = 125 ms in the pool: 4 ms more.
    const note = scalingOutNote(run(2064, 2000))!
    expect(note).toBe(
      "Python Dask × 2 on 2 threads took 129 ms per task against 125 ms for Python processes × 2 (mean × threads ÷ 32 tasks, chunk 1): the cluster's overhead is 4.00 ms per task, 3% of a task here. With no more threads than the pool has processes, the cluster does not beat it at any task size; its overhead falls under 10% of a task for tasks of 40.0 ms or longer, and a larger chunk spreads it over more tasks.",
    )
    expect(verdict(run(2064, 2000)).reasons).toContain(note)
  })

  it('on a cluster with more threads: the task length beyond which it beats the pool', () => {
    // 4 threads: 1064 ms × 4 ÷ 32 = 133 ms a task, 8 ms over the pool's 125 ms; beats it beyond 8 × 2 ÷ (4 − 2) = 8 ms.
    const note = scalingOutNote(run(1064, 2000, { threads: 4 }))!
    expect(note).toContain("the cluster's overhead is 8.00 ms per task")
    expect(note).toContain(
      'With 4 threads against 2 processes, the cluster beats the pool for tasks longer than 8.00 ms',
    )
  })

  it('says so when the cluster cost no more than the pool', () => {
    expect(scalingOutNote(run(1900, 2000))).toMatch(/the cluster's overhead did not show at this task length/)
  })

  it('is not said without both a Dask cluster and a process pool', () => {
    const onlyDask = runOf({ workload: 'primes', stats: [makeStats('py-dask', 2, 2000, null)] })
    expect(scalingOutNote(onlyDask)).toBeNull()
    expect(verdict(onlyDask).reasons.join(' ')).not.toMatch(/per task/)
  })
})

describe('the CLI on a Dask run', () => {
  it('names the cluster in the header and prints the scaling-out sentence after the table', () => {
    const local = run(2064, 2000)
    local.machine.cluster = { kind: 'local', workers: 2, threads: 2, versions: { distributed: '2022.12.1' } }
    const text = formatRun(local)
    expect(text).toMatch(/^Dask cluster, local: 2 workers, 2 threads, distributed 2022\.12\.1$/m)
    expect(text).toContain(scalingOutNote(local)!)
    const remote = run(1064, 2000, { threads: 4 })
    remote.machine.cluster!.address = 'tcp://10.0.0.5:8786'
    expect(formatRun(remote)).toMatch(/^Dask cluster at tcp:\/\/10\.0\.0\.5:8786: 4 workers, 4 threads$/m)
  })
})
