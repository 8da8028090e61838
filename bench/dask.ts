// Dask's cost, measured against its peer in the same run (issue 14): the per-task overhead of
// py-dask (a LocalCluster of 2 one-thread worker processes) against py-processes (a
// ProcessPoolExecutor of 2), on empty tasks at chunk size 1 and 100; and how long a LocalCluster
// takes to start and stop against a ProcessPoolExecutor of the same size, timed in Python.
// Skipped, saying why, where no interpreter has `distributed` (Debian: python3-distributed).
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import type { Run } from '../src/shared/schemas'
import { chooseInterpreter } from '../src/main/lab/python/interpreters'
import { runToEnd, say } from './support'

const TASKS = 400
const WORKERS = 2

const STARTUP = `
import json, time, os, concurrent.futures, multiprocessing
from dask.distributed import Client, LocalCluster
def timed(start, stop, rounds=3):
    starts, stops = [], []
    for _ in range(rounds):
        t0 = time.perf_counter(); thing = start(); t1 = time.perf_counter(); stop(thing); t2 = time.perf_counter()
        starts.append(t1 - t0); stops.append(t2 - t1)
    return sorted(starts)[rounds // 2] * 1000, sorted(stops)[rounds // 2] * 1000
def cluster():
    c = LocalCluster(n_workers=${WORKERS}, threads_per_worker=1, processes=True, dashboard_address=None)
    return c, Client(c)
def pool():
    p = concurrent.futures.ProcessPoolExecutor(${WORKERS}, mp_context=multiprocessing.get_context('spawn'))
    list(p.map(time.sleep, [0.05] * ${WORKERS}))  # the processes start lazily: make all of them
    return p
if __name__ == '__main__':
    dask = timed(cluster, lambda cc: (cc[1].close(), cc[0].close()))
    processes = timed(pool, lambda p: p.shutdown(wait=True))
    print(json.dumps({'dask': dask, 'processes': processes}))
`

export interface DaskFigures {
  interpreter: string
  /** ms per task, median of the measured repetitions, at chunk size 1 and 100. */
  perTaskMs: Record<'chunk1' | 'chunk100', { dask: number; processes: number; ratio: number }>
  startMs: { dask: number; processes: number; ratio: number }
  stopMs: { dask: number; processes: number; ratio: number }
}

const perTask = (run: Run, strategy: string): number => {
  const g = run.stats.find((s) => s.strategy === strategy)
  if (!g) throw new Error(`no results for ${strategy}`)
  return g.medianMs / TASKS
}

export async function daskFigures(): Promise<DaskFigures | { skipped: string }> {
  let python: string
  let interpreter: string
  try {
    const chosen = await chooseInterpreter(undefined, { needs: ['distributed'] })
    if (chosen.unavailable) throw new Error(chosen.unavailable)
    python = chosen.executable
    interpreter = `Python ${chosen.version} at ${chosen.executable}`
    await promisify(execFile)(python, ['-c', 'import distributed'])
  } catch (error) {
    const reason = `no interpreter here can import distributed (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); Debian: apt-get install python3-distributed`
    say(`Dask: skipped, ${reason}`)
    return { skipped: reason }
  }
  say(
    `Dask on ${interpreter}: ${TASKS} empty tasks on ${WORKERS} workers, py-dask against py-processes in the same run`,
  )
  const perTaskMs = {} as DaskFigures['perTaskMs']
  for (const chunkSize of [1, 100] as const) {
    const run = await runToEnd({
      workload: 'noop',
      params: { tasks: TASKS },
      strategies: ['py-processes', 'py-dask'],
      workers: [WORKERS],
      chunkSize,
      repetitions: 5,
      warmups: 1,
      python,
    })
    const dask = perTask(run, 'py-dask')
    const processes = perTask(run, 'py-processes')
    perTaskMs[`chunk${chunkSize}`] = { dask, processes, ratio: dask / processes }
    say(
      `  chunk ${chunkSize}: py-dask ${dask.toFixed(3)} ms per task, py-processes ${processes.toFixed(3)} ms (${(dask / processes).toFixed(1)}×)`,
    )
  }
  const { stdout } = await promisify(execFile)(python, ['-c', STARTUP], { timeout: 180_000 })
  const timing = JSON.parse(stdout.trim().split('\n').pop()!) as Record<'dask' | 'processes', [number, number]>
  const startMs = { dask: timing.dask[0], processes: timing.processes[0], ratio: timing.dask[0] / timing.processes[0] }
  const stopMs = { dask: timing.dask[1], processes: timing.processes[1], ratio: timing.dask[1] / timing.processes[1] }
  say(
    `  start: LocalCluster ${startMs.dask.toFixed(0)} ms, ProcessPoolExecutor ${startMs.processes.toFixed(0)} ms (${startMs.ratio.toFixed(1)}×); stop: ${stopMs.dask.toFixed(0)} ms against ${stopMs.processes.toFixed(0)} ms (${stopMs.ratio.toFixed(1)}×), medians of 3`,
  )
  return { interpreter, perTaskMs, startMs, stopMs }
}
