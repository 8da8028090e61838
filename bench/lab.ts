// Engine benchmarks for the foundation: dispatch overhead against piscina, parallel efficiency,
// the sampler's own cost, and how long stop takes. Figures are measured here, in this run.
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { setTimeout as sleep } from 'node:timers/promises'
import { Piscina } from 'piscina'
import { summarise } from '../src/shared/stats'
import { benchHost, built as out, runToEnd as run, say } from './support'

const TASKS = 20_000
const REPS = 7

export async function dispatch() {
  const lab = await run({
    workload: 'noop',
    params: { tasks: TASKS },
    strategies: ['threads'],
    workers: [2],
    repetitions: REPS,
    warmups: 2,
    chunkSize: 1,
  })
  const labMs = lab.stats[0]!.medianMs

  const pool = new Piscina({
    filename: fileURLToPath(new URL('./noop-worker.mjs', import.meta.url)),
    minThreads: 2,
    maxThreads: 2,
  })
  const once = async (): Promise<number> => {
    const t0 = performance.now()
    await Promise.all(Array.from({ length: TASKS }, (_, i) => pool.run(i)))
    return performance.now() - t0
  }
  await once()
  await once()
  const times: number[] = []
  for (let i = 0; i < REPS; i++) times.push(await once())
  await pool.destroy()
  const piscinaMs = summarise(times).median

  const labTasksPerSec = Math.round((TASKS / labMs) * 1000)
  const piscinaTasksPerSec = Math.round((TASKS / piscinaMs) * 1000)
  const ratio = labTasksPerSec / piscinaTasksPerSec
  say(`Dispatch: ${TASKS} empty tasks on 2 worker threads, median of ${REPS}:`)
  say(
    `  lab threads executor ${labTasksPerSec.toLocaleString('en')} tasks/s (${labMs.toFixed(1)} ms), piscina ${piscinaTasksPerSec.toLocaleString('en')} tasks/s (${piscinaMs.toFixed(1)} ms): ratio ${ratio.toFixed(2)} (goal ≥ 1)`,
  )
  return { labTasksPerSec, piscinaTasksPerSec, ratio: Number(ratio.toFixed(3)) }
}

export async function efficiency() {
  const result = await run({
    workload: 'primes',
    params: { size: 4_000_000, tasks: 64 },
    strategies: ['sequential', 'threads', 'processes'],
    workers: [2],
    repetitions: 5,
    warmups: 1,
  })
  const group = (s: string) => result.stats.find((g) => g.strategy === s)!
  const seq = group('sequential')
  const threadsSpeedup = Number(group('threads').speedup!.toFixed(3))
  const processesSpeedup = Number(group('processes').speedup!.toFixed(3))
  say(`Efficiency: primes below 4,000,000 in 64 tasks, sequential ${seq.meanMs.toFixed(0)} ms;`)
  say(
    `  threads × 2 ${group('threads').meanMs.toFixed(0)} ms = ${threadsSpeedup}× speedup, processes × 2 ${group('processes').meanMs.toFixed(0)} ms = ${processesSpeedup}× (goal ≥ 1.8 each on 2 cores)`,
  )
  return { threadsSpeedup, processesSpeedup }
}

/** user + system CPU µs of a process so far, from /proc (Linux). */
function processCpuUs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'latin1').split(') ')[1]!.split(' ')
  const ticks = Number(fields[11]) + Number(fields[12]) // utime, stime
  return (ticks / 100) * 1e6 // USER_HZ is 100 on Linux
}

export async function sampler() {
  // The built CLI samples at 10 Hz and prints only a summary at the end; we read its CPU time
  // from /proc between 2 s and 12 s, so its start-up is not counted.
  const seconds = 10
  const child = spawn(
    process.execPath,
    [out('cli.js'), 'sample', '--hz', '10', '--seconds', String(seconds + 3), '--summary', '--json'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  let output = ''
  child.stdout.on('data', (d: Buffer) => (output += d))
  const exited = new Promise((resolve) => child.once('exit', resolve))
  await sleep(2000)
  const before = processCpuUs(child.pid!)
  await sleep(seconds * 1000)
  const after = processCpuUs(child.pid!)
  await exited
  const corePercent = Number((((after - before) / (seconds * 1e6)) * 100).toFixed(3))
  const summary = JSON.parse(output) as { samples: number }
  say(
    `Sampler: \`concurrency-lab sample --hz 10\` used ${corePercent}% of one core over ${seconds} s (${summary.samples} samples in all; goal < 1)`,
  )
  return { corePercent }
}

export async function stopLatency() {
  const host = benchHost()
  const id = await host.startRun({
    workload: 'countdown',
    params: { size: 10_000_000_000, tasks: 8 },
    strategies: ['processes'],
    workers: [4],
    repetitions: 1,
    warmups: 0,
  })
  while (host.registry.size < 4) await sleep(20)
  await sleep(300)
  const t0 = performance.now()
  await host.stopRun(id)
  const ms = performance.now() - t0
  const left = host.registry.size
  await host.shutdown()
  say(
    `Stop: a run with 4 busy worker processes stopped in ${ms.toFixed(0)} ms with ${left} children left (goal ≤ 1000 ms, 0 left)`,
  )
  return { ms: Number(ms.toFixed(1)), childrenLeft: left }
}
