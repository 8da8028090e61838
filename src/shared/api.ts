// LabApi: the only way a UI (desktop, browser, CLI) talks to the lab.
import type { StrategySpec, WorkloadSpec } from './catalog'
import type { GroupStats, MachineInfo, Run, RunConfigInput, Sample, TimelineSlice, Trial } from './schemas'

export interface RuntimeInfo {
  id: string
  kind: 'node' | 'python'
  version: string
  executable: string
  /** Python only: false on a free-threaded build with the GIL off. */
  gil?: boolean
}

export interface Catalog {
  workloads: readonly WorkloadSpec[]
  strategies: readonly StrategySpec[]
  runtimes: RuntimeInfo[]
  machine: MachineInfo
}

export type LabEvent =
  | { type: 'run-start'; runId: string; run: Run }
  | { type: 'sample'; runId: string; samples: Sample[] }
  | { type: 'trial-start'; runId: string; index: number; strategy: string; workers: number; repetition: number; warmup: boolean; start: number }
  | { type: 'tasks'; runId: string; index: number; slices: TimelineSlice[] }
  | { type: 'trial-end'; runId: string; index: number; trial: Trial; stats: GroupStats[] }
  | { type: 'progress'; runId: string; done: number; total: number; strategy: string; workers: number; etaMs: number | null }
  | { type: 'run-end'; runId: string; run: Run }
  | { type: 'error'; runId: string | null; message: string }

export type LabEventListener = (event: LabEvent) => void

export interface SessionSummary {
  id: string
  name: string
  updatedAt: string
  runs: number
}

export interface LabApi {
  /** Workloads, strategies, runtimes found and facts about this machine. */
  catalog(): Promise<Catalog>
  /** Validates the configuration and starts a run; resolves to its id once it has started. */
  startRun(config: RunConfigInput): Promise<string>
  /** Stops a run: every worker thread and process it started is ended. */
  stopRun(id: string): Promise<void>
  /** Subscribes to the events of every run; returns the unsubscribe function. */
  onEvent(listener: LabEventListener): () => void
  /** The run as it stands (finished or in progress). */
  getRun(id: string): Promise<Run>
  listSessions(): Promise<SessionSummary[]>
  openSession(id: string): Promise<unknown>
  saveSession(session: unknown): Promise<string>
  deleteSession(id: string): Promise<void>
  exportRun(runId: string, format: 'json'): Promise<string>
}
