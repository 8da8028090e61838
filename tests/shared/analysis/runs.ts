// Runs built from statistics a test names: what the verdict reads, without running anything.
// Imports src/shared only: the renderer's tests use it too (tsconfig.web.json lists this file).
import {
  parseRunConfig,
  type GroupStats,
  type MachineInfo,
  type Run,
  type RunStatus,
  type Trial,
} from '../../../src/shared/schemas'

const machine: MachineInfo = {
  cpuModel: 'Test CPU 3000',
  logicalCores: 2,
  physicalCores: 2,
  memoryBytes: 8 * 1024 ** 3,
  os: 'Linux 6.1.0 x64',
  node: '20.20.2',
  platform: 'linux',
  arch: 'x64',
  kernel: '6.1.0',
  osName: 'Debian GNU/Linux 12 (bookworm)',
  electron: null,
  python: '3.11.7',
  cpuGovernor: null,
}

/** One group of statistics as the lab derives it, with the figures a test names. */
export function makeStats(
  strategy: string,
  workers: number,
  meanMs: number,
  speedup: number | null,
  extra: Partial<GroupStats> = {},
): GroupStats {
  return {
    strategy,
    workers,
    n: 2,
    meanMs,
    medianMs: meanMs,
    stdevMs: meanMs * 0.01,
    minMs: meanMs * 0.99,
    maxMs: meanMs * 1.01,
    ci95Ms: [meanMs * 0.98, meanMs * 1.02],
    cpuMs: meanMs,
    cpuUtilisation: 0.5,
    speedup,
    efficiency: speedup === null ? null : speedup / workers,
    noisy: false,
    checksumOk: true,
    ...extra,
  }
}

export interface RunOf {
  workload: string
  stats: GroupStats[]
  logicalCores?: number
  status?: RunStatus
  errors?: string[]
  trials?: Trial[]
}

/** A whole Run around `stats` (no timelines or samples): enough for the CLI and the report to print. */
export function runOf(shape: RunOf): Run {
  // A run names at least one strategy and worker count, even when none of its trials finished.
  const strategies = [...new Set([...shape.stats, ...(shape.trials ?? [])].map((g) => g.strategy))]
  const workers = [...new Set([...shape.stats, ...(shape.trials ?? [])].map((g) => g.workers))]
  if (strategies.length === 0) strategies.push('sequential')
  if (workers.length === 0) workers.push(1)
  return {
    id: 'run-1',
    config: parseRunConfig({ workload: shape.workload, strategies, workers, warmups: 0 }),
    status: shape.status ?? 'finished',
    clockOrigin: 1_700_000_000_000_000,
    startedAt: '2025-03-04T10:20:30.000Z',
    endedAt: '2025-03-04T10:21:30.000Z',
    machine: { ...machine, logicalCores: shape.logicalCores ?? 2 },
    trials: shape.trials ?? [],
    samples: [],
    stats: shape.stats,
    checksum: null,
    errors: shape.errors ?? [],
  }
}

/** A failed measured trial, for the count the verdict gives. */
export function failedTrial(strategy: string, workers: number, error: string): Trial {
  return {
    strategy,
    workers,
    repetition: 0,
    warmup: false,
    start: 0,
    wallMs: 0,
    cpuMs: 0,
    peakRssBytes: 0,
    checksum: null,
    timeline: [],
    samples: [0, 0],
    error,
  }
}

/** Representative runs whose verdict the app, the CLI and the Markdown report must word alike. */
export const REPRESENTATIVE_RUNS: Record<string, Run> = {
  'Node, CPU-bound': runOf({
    workload: 'primes',
    logicalCores: 2,
    stats: [
      makeStats('sequential', 1, 800, 1),
      makeStats('async', 1, 810, 0.99),
      makeStats('threads', 2, 420, 1.9, { noisy: true }),
      makeStats('threads', 4, 430, 1.86),
      makeStats('processes', 2, 500, 1.6),
    ],
  }),
  'Python threads held by the GIL': runOf({
    workload: 'countdown',
    logicalCores: 2,
    stats: [
      makeStats('py-sequential', 1, 1000, 1, { cpuMs: 990 }),
      makeStats('py-threads', 2, 1040, 0.96, { cpuMs: 1060 }),
      makeStats('py-processes', 2, 560, 1.79, { cpuMs: 1080 }),
    ],
  }),
  'asyncio, I/O-bound, stopped': runOf({
    workload: 'http',
    logicalCores: 4,
    status: 'stopped',
    stats: [
      makeStats('py-sequential', 1, 2600, 1, { cpuMs: 120, cpuUtilisation: 0.01 }),
      makeStats('py-asyncio', 1, 140, 18.57, { cpuMs: 60, cpuUtilisation: 0.1 }),
      makeStats('async', 1, 120, null, { cpuUtilisation: 0.02, otherCores: 0.6 }),
    ],
  }),
}
