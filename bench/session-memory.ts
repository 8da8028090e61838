// Memory of a lab that runs back to back: N small runs through one LabHost in this process (the
// soak's kind of run: primes, sequential and threads × 2, two repetitions), each autosaved into
// the current session of a temp library. Prints the heap (after a forced GC) and RSS every N/4
// runs, and the mean autosave time of the last ten runs: a lab that holds every run, or
// re-encodes the whole session on each save, shows both growing with the run count.
// `npm run bench -- sessionMemory` (RUNS=200 by default; run node with --expose-gc for the heap).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LabHost } from '../src/main/lab/host'
import { NodeProcessLauncher } from '../src/main/lab/launcher'
import { entries, say } from './support'

const MB = 1024 * 1024
const config = {
  workload: 'primes',
  params: { size: 20_000, tasks: 16 },
  strategies: ['sequential', 'threads'],
  workers: [2],
  repetitions: 2,
  warmups: 0,
}

interface Point {
  runs: number
  heapMB: number
  rssMB: number
  autosaveMs: number
}

export async function sessionMemory(): Promise<{ runs: number; points: Point[] }> {
  const total = Math.max(8, Number(process.env.RUNS ?? 200) || 200)
  const dir = mkdtempSync(join(tmpdir(), 'lab-bench-memory-'))
  const host = new LabHost({ entries, launcher: new NodeProcessLauncher(), sessionsDir: dir })
  const gc = (globalThis as { gc?: () => void }).gc
  if (!gc) say('session memory: node was started without --expose-gc; the heap includes garbage')
  const points: Point[] = []
  const saveTimes: number[] = []
  const measure = (runs: number): void => {
    gc?.()
    const recent = saveTimes.slice(-10)
    const point = {
      runs,
      heapMB: Math.round((process.memoryUsage().heapUsed / MB) * 10) / 10,
      rssMB: Math.round((process.memoryUsage().rss / MB) * 10) / 10,
      autosaveMs: recent.length ? Math.round((recent.reduce((a, b) => a + b, 0) / recent.length) * 10) / 10 : 0,
    }
    points.push(point)
    say(
      `session memory: after ${runs} runs, heap ${point.heapMB} MB, RSS ${point.rssMB} MB, autosave ${point.autosaveMs} ms`,
    )
  }
  try {
    for (let i = 1; i <= total; i++) {
      const id = await host.startRun(config as never)
      const run = await host.waitForRun(id)
      if (run.errors.length > 0) throw new Error(`benchmark run failed: ${run.errors[0]}`)
      const t0 = performance.now()
      const saved = await host.autosaved(id)
      saveTimes.push(performance.now() - t0)
      if (!saved.saved) throw new Error(`autosave failed: ${saved.reason}`)
      if (i === 1 || i % Math.floor(total / 4) === 0) measure(i)
    }
    const first = points[0]!
    const last = points[points.length - 1]!
    say(
      `session memory: ${total} runs, heap ${first.heapMB} → ${last.heapMB} MB, RSS ${first.rssMB} → ${last.rssMB} MB, ` +
        `autosave ${(saveTimes.slice(0, 10).reduce((a, b) => a + b, 0) / 10) | 0} → ${last.autosaveMs} ms`,
    )
    return { runs: total, points }
  } finally {
    await host.shutdown()
    rmSync(dir, { recursive: true, force: true })
  }
}
