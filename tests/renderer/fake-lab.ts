// A fake LabApi for renderer tests: records calls, and lets the test emit the lab's events.
import { STRATEGIES, WORKLOADS } from '@shared/catalog'
import type { ScriptInfo, UserInputs } from '@shared/user-script'
import type { TuneBounds } from '@shared/tune'
import type { ActiveRun, Catalog, LabApi, LabEvent, LabEventListener, Session, SessionSummary } from '@shared/api'
import type { C10kState, SweepInput } from '@shared/c10k'
import { decodeSessionText, encodeSession } from '@shared/session'
import type { Run, RunConfigInput, Trial } from '@shared/schemas'

/** Groups of statistics as the lab derives them, with the figures a test names. */
export { makeStats } from '../shared/analysis/runs'

export const MACHINE = {
  cpuModel: 'Test CPU',
  logicalCores: 4,
  physicalCores: 2,
  memoryBytes: 8 * 1024 ** 3,
  os: 'TestOS',
  node: '20.0.0',
}

export class FakeLab implements LabApi {
  listeners = new Set<LabEventListener>()
  started: RunConfigInput[] = []
  stopped: string[] = []
  exported: Array<[string, string]> = []
  nextId = 1

  async catalog(): Promise<Catalog> {
    return {
      version: '0.1.0-test',
      workloads: WORKLOADS,
      strategies: STRATEGIES,
      runtimes: [{ id: 'node', kind: 'node', version: '20', executable: 'node' }],
      machine: MACHINE,
    }
  }
  async startRun(config: RunConfigInput): Promise<string> {
    this.started.push(config)
    return `run-${this.nextId++}`
  }
  async stopRun(id: string): Promise<void> {
    this.stopped.push(id)
  }
  getRunCalls: string[] = []
  /** A run of the current session, as the lab reads it back. */
  async getRun(id: string): Promise<Run> {
    this.getRunCalls.push(id)
    const run = this.current?.runs.find((r) => r.id === id)
    if (!run) throw new Error('that run is no longer in memory and not in the current session')
    return run
  }
  /** What activeRun answers: a test sets it to a run in progress. */
  active: ActiveRun | null = null
  async activeRun(): Promise<ActiveRun | null> {
    return this.active
  }
  async exportRun(runId: string, format: string): Promise<string> {
    this.exported.push([runId, format])
    return JSON.stringify({ id: runId })
  }
  onEvent(listener: LabEventListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
  // An in-memory session library: `sessions` and `trash` by id, and the current session.
  sessions = new Map<string, Session>()
  trash = new Map<string, Session>()
  current: Session | null = null
  imported: Array<[string, string]> = []

  async listSessions(): Promise<SessionSummary[]> {
    return [...this.sessions.values()].map(summary)
  }
  async openSession(id: string): Promise<Session> {
    const session = this.sessions.get(id)
    if (!session) throw new Error(`no session ${id}`)
    this.current = session
    return session
  }
  getSessionCalls: string[] = []
  async getSession(id: string): Promise<Session> {
    this.getSessionCalls.push(id)
    const session = this.current?.id === id ? this.current : this.sessions.get(id)
    if (!session) throw new Error(`no session ${id}`)
    return session
  }
  async saveSession(session: unknown): Promise<string> {
    // As the lab does: a run the library holds is never dropped by a copy that lacks it.
    const s = session as Session
    const ids = new Set(s.runs.map((r) => r.id))
    const held = (this.current?.id === s.id ? this.current : this.sessions.get(s.id))?.runs ?? []
    const saved = { ...s, runs: [...s.runs, ...held.filter((r) => !ids.has(r.id))] }
    this.sessions.set(s.id, saved)
    if (this.current?.id === s.id) this.current = saved
    return s.id
  }
  async deleteSession(id: string): Promise<void> {
    const session = this.sessions.get(id)
    if (!session) throw new Error(`no session ${id}`)
    this.sessions.delete(id)
    this.trash.set(id, session)
    if (this.current?.id === id) this.current = null
  }
  async currentSession(): Promise<Session | null> {
    return this.current
  }
  async newSession(name = 'New session'): Promise<Session> {
    this.current = makeSession(`new-${this.nextId++}`, [], { name })
    return this.current
  }
  async renameSession(id: string, name: string): Promise<Session> {
    return this.change(id, { name })
  }
  async setSessionNotes(id: string, notes: string): Promise<Session> {
    return this.change(id, { notes })
  }
  deletedRuns: Array<[string, string]> = []
  private lastDeleted = new Map<string, { run: Run; index: number }>()
  async deleteRun(sessionId: string, runId: string): Promise<Session> {
    const session = this.sessions.get(sessionId)
    const index = session?.runs.findIndex((r) => r.id === runId) ?? -1
    if (!session || index < 0) throw new Error(`no run ${runId} in ${sessionId}`)
    this.deletedRuns.push([sessionId, runId])
    this.lastDeleted.set(sessionId, { run: session.runs[index]!, index })
    const changed = { ...session, runs: session.runs.filter((r) => r.id !== runId) }
    this.sessions.set(sessionId, changed)
    if (this.current?.id === sessionId) this.current = changed
    return changed
  }
  async restoreRun(sessionId: string, runId: string): Promise<Session> {
    const kept = this.lastDeleted.get(sessionId)
    const session = this.sessions.get(sessionId)
    if (!kept || !session || kept.run.id !== runId) throw new Error(`run ${runId} cannot be restored`)
    const runs = [...session.runs]
    runs.splice(kept.index, 0, kept.run)
    const changed = { ...session, runs }
    this.sessions.set(sessionId, changed)
    if (this.current?.id === sessionId) this.current = changed
    return changed
  }
  async restoreSession(id: string): Promise<SessionSummary> {
    const session = this.trash.get(id)
    if (!session) throw new Error(`no session ${id} in the trash`)
    this.trash.delete(id)
    this.sessions.set(id, session)
    return summary(session)
  }
  async listTrash(): Promise<SessionSummary[]> {
    return [...this.trash.values()].map(summary)
  }
  async importSession(text: string, fileName: string): Promise<Session> {
    this.imported.push([text, fileName])
    // The real codec: a bad file fails here with the store's own one-line message.
    const session = decodeSessionText(text, fileName)
    this.sessions.set(session.id, session)
    this.current = session
    return session
  }
  async inspectScript(path: string): Promise<ScriptInfo> {
    return { path, runtime: 'python', sha256: '0'.repeat(64), functions: [{ name: 'work', async: false }] }
  }
  async readInputs(path: string): Promise<UserInputs> {
    return { values: [1, 2, 3], file: path }
  }
  /** startTune's calls, for the tests to answer with tune events (emit). */
  readonly tunes: Array<{ config: RunConfigInput; bounds: TuneBounds }> = []
  tuneStopped = false
  async startTune(config: RunConfigInput, bounds: TuneBounds): Promise<string> {
    this.tunes.push({ config, bounds })
    return `tune-${this.tunes.length}`
  }
  async stopTune(): Promise<void> {
    this.tuneStopped = true
  }
  async runRaceExperiment(): Promise<never> {
    // Its figures are measured by the race programs; the real lab runs them (tests/lab/contention.test.ts).
    throw new Error('the fake lab runs no race experiment')
  }
  async exportSession(id: string): Promise<string> {
    const session = this.sessions.get(id)
    if (!session) throw new Error(`no session ${id}`)
    return encodeSession(session, 'fake lab')
  }
  /** C10k sweeps started (their settings as sent), stopped, and what c10kState answers. */
  c10kStarted: SweepInput[] = []
  c10kStopped: string[] = []
  c10k: C10kState | null = null
  async startC10k(sweep: SweepInput): Promise<string> {
    this.c10kStarted.push(sweep)
    return `sweep-${this.nextId++}`
  }
  async stopC10k(id: string): Promise<void> {
    this.c10kStopped.push(id)
  }
  async c10kState(): Promise<C10kState | null> {
    return this.c10k
  }
  private change(id: string, patch: Partial<Session>): Session {
    const session = this.sessions.get(id)
    if (!session) throw new Error(`no session ${id}`)
    const changed = { ...session, ...patch }
    this.sessions.set(id, changed)
    if (this.current?.id === id) this.current = changed
    return changed
  }

  emit(event: LabEvent): void {
    for (const l of this.listeners) l(event)
  }
}

export function makeRun(id: string, config: Partial<Run['config']> = {}, extra: Partial<Run> = {}): Run {
  return {
    id,
    config: {
      workload: 'primes',
      params: { size: 1000, tasks: 4 },
      strategies: ['sequential', 'threads'],
      workers: [1, 2],
      repetitions: 2,
      warmups: 0,
      chunkSize: 1,
      timeoutMs: 1000,
      samplerHz: 10,
      ...config,
    },
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

export function makeSession(id: string, runs: Run[], extra: Partial<Session> = {}): Session {
  return {
    schemaVersion: 1,
    id,
    name: `Session ${id}`,
    notes: '',
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    machine: MACHINE,
    runs,
    ...extra,
  } as Session
}

function summary(s: Session): SessionSummary {
  return {
    id: s.id,
    name: s.name,
    notes: s.notes,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
    machine: 'Test CPU · 4 cores · TestOS',
    runs: s.runs.length,
    sizeBytes: 100,
  }
}
