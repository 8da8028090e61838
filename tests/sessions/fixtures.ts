// Synthetic runs and sessions for the session tests: valid by the schemas, deterministic by seed,
// and as large as a test asks (the scale goal is a 100,000-task timeline and 10 min of 10 Hz samples on 16 cores).
import {
  parseRunConfig,
  type MachineInfo,
  type Run,
  type Sample,
  type TimelineSlice,
  type Trial,
} from '../../src/shared/schemas'
import { newSession, withRun, type Session } from '../../src/shared/session'
import { deriveGroupStats } from '../../src/shared/stats'

/** A small deterministic PRNG (mulberry32), so every failure can be replayed from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export const machine: MachineInfo = {
  cpuModel: 'Test CPU 3000',
  logicalCores: 16,
  physicalCores: 8,
  memoryBytes: 32 * 1024 ** 3,
  os: 'Linux 6.1.0 x64',
  node: '20.20.2',
  platform: 'linux',
  arch: 'x64',
  kernel: '6.1.0',
  osName: 'Debian GNU/Linux 12 (bookworm)',
  electron: null,
  python: '3.11.7',
  cpuGovernor: 'performance',
}

export interface RunShape {
  seed?: number
  id?: string
  /** Tasks per trial (each trial's timeline has this many slices). */
  tasks?: number
  samples?: number
  cores?: number
  strategies?: string[]
  workers?: number[]
  repetitions?: number
  /** Mean wall time per strategy id, ms (default 100 for sequential, 100/workers for the others). */
  meanMs?: (strategy: string, workers: number) => number
  status?: Run['status']
}

/** A finished run with full timelines and samples. */
export function makeRun(shape: RunShape = {}): Run {
  const random = prng(shape.seed ?? 1)
  const strategies = shape.strategies ?? ['sequential', 'threads']
  const workersList = shape.workers ?? [2]
  const repetitions = shape.repetitions ?? 3
  const tasks = shape.tasks ?? 8
  const cores = shape.cores ?? 4
  const config = parseRunConfig({
    workload: 'primes',
    params: { size: 20000, tasks: 32 },
    strategies,
    workers: workersList,
    repetitions,
    warmups: 0,
  })
  const meanMs = shape.meanMs ?? ((s: string, w: number) => (s === 'sequential' ? 100 : 100 / w))
  const trials: Trial[] = []
  let clock = 1000
  for (const strategy of strategies) {
    for (const workers of strategy === 'sequential' ? [1] : workersList) {
      for (let repetition = 0; repetition < repetitions; repetition++) {
        const wallMs = meanMs(strategy, workers) * (0.95 + random() * 0.1)
        const timeline: TimelineSlice[] = []
        for (let task = 0; task < tasks; task++) {
          const start = clock + Math.floor(random() * wallMs * 1000)
          timeline.push({
            task,
            worker: task % workers,
            lane: task % workers,
            start,
            end: start + 1 + Math.floor(random() * 500),
          })
        }
        trials.push({
          strategy,
          workers,
          repetition,
          warmup: false,
          start: clock,
          wallMs,
          cpuMs: wallMs * workers * 0.97,
          peakRssBytes: 50_000_000 + Math.floor(random() * 1e6),
          checksum: 2262,
          timeline,
          samples: [0, 0],
          error: null,
        })
        clock += Math.ceil(wallMs * 1000) + 500
      }
    }
  }
  const samples: Sample[] = []
  for (let i = 0; i < (shape.samples ?? 20); i++) {
    samples.push({
      t: i * 100_000,
      cores: Array.from({ length: cores }, () => random() * 100),
      rss: 60_000_000 + Math.floor(random() * 1e7),
    })
  }
  const stats = deriveGroupStats(trials, cores)
  return {
    id: shape.id ?? `run-${shape.seed ?? 1}`,
    config,
    status: shape.status ?? 'finished',
    clockOrigin: 1_700_000_000_000_000,
    startedAt: '2025-03-04T10:20:30.000Z',
    endedAt: '2025-03-04T10:21:30.000Z',
    machine,
    trials,
    samples,
    stats,
    checksum: 2262,
    errors: [],
  }
}

export function makeSession(runs: Run[] = [makeRun()], id = 'session-1', name = 'Laptop vs server'): Session {
  let session = newSession({ id, name, machine, now: new Date('2025-03-04T10:00:00.000Z') })
  for (const run of runs) session = withRun(session, run, new Date('2025-03-04T11:00:00.000Z'))
  return { ...session, notes: 'Quiet machine, on mains power.' }
}

/** The scale goal: one run with a 100,000-task timeline and 10 minutes of 10 Hz samples for 16 cores. */
export function makeLargeSession(id = 'large'): Session {
  return makeSession(
    [makeRun({ strategies: ['threads'], workers: [8], repetitions: 1, tasks: 100_000, samples: 6000, cores: 16 })],
    id,
    'Large session',
  )
}
