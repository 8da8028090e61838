// A fake LabApi for renderer tests: records calls, and lets the test emit the lab's events.
import { STRATEGIES, WORKLOADS } from '@shared/catalog'
import type { Catalog, LabApi, LabEvent, LabEventListener } from '@shared/api'
import type { GroupStats, Run, RunConfigInput, Trial } from '@shared/schemas'

export const MACHINE = { cpuModel: 'Test CPU', logicalCores: 4, physicalCores: 2, memoryBytes: 8 * 1024 ** 3, os: 'TestOS', node: '20.0.0' }

export class FakeLab implements LabApi {
  listeners = new Set<LabEventListener>()
  started: RunConfigInput[] = []
  stopped: string[] = []
  exported: Array<[string, string]> = []
  nextId = 1

  async catalog(): Promise<Catalog> {
    return { workloads: WORKLOADS, strategies: STRATEGIES, runtimes: [{ id: 'node', kind: 'node', version: '20', executable: 'node' }], machine: MACHINE }
  }
  async startRun(config: RunConfigInput): Promise<string> {
    this.started.push(config)
    return `run-${this.nextId++}`
  }
  async stopRun(id: string): Promise<void> {
    this.stopped.push(id)
  }
  async getRun(): Promise<Run> {
    throw new Error('not in this fake')
  }
  async exportRun(runId: string, format: string): Promise<string> {
    this.exported.push([runId, format])
    return JSON.stringify({ id: runId })
  }
  onEvent(listener: LabEventListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
  async listSessions() {
    return []
  }
  async openSession(): Promise<never> {
    throw new Error('not in this fake')
  }
  async saveSession() {
    return 'x'
  }
  async deleteSession() {}

  emit(event: LabEvent): void {
    for (const l of this.listeners) l(event)
  }
}

export function makeRun(id: string, config: Partial<Run['config']> = {}, extra: Partial<Run> = {}): Run {
  return {
    id,
    config: { workload: 'primes', params: { size: 1000, tasks: 4 }, strategies: ['sequential', 'threads'], workers: [1, 2], repetitions: 2, warmups: 0, chunkSize: 1, timeoutMs: 1000, samplerHz: 10, ...config },
    status: 'running',
    clockOrigin: 0,
    startedAt: '2026-01-01T00:00:00.000Z',
    endedAt: null,
    machine: MACHINE,
    trials: [],
    samples: [],
    stats: [],
    checksum: null,
    errors: [],
    ...extra,
  } as Run
}

export function makeTrial(strategy: string, workers: number, wallMs: number, extra: Partial<Trial> = {}): Trial {
  return {
    strategy,
    workers,
    repetition: 0,
    warmup: false,
    start: 0,
    wallMs,
    cpuMs: wallMs,
    peakRssBytes: 1,
    checksum: 42,
    timeline: [
      { task: 0, worker: 0, lane: 0, start: 0, end: 100 },
      { task: 1, worker: 1, lane: 1, start: 0, end: 120 },
    ],
    samples: [0, 0],
    error: null,
    ...extra,
  }
}

export function makeStats(strategy: string, workers: number, meanMs: number, speedup: number | null, extra: Partial<GroupStats> = {}): GroupStats {
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
