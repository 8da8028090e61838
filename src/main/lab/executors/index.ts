// The strategy registry's engine side: one executor per ExecutorId, looked up from
// StrategySpec.executor, never chosen by strategy id. A new kind of executor is a file beside
// this one and a row here; a new strategy on an existing executor is only a spec in catalog.ts.
import type { ExecutorId } from '../../../shared/catalog'
import type { Executor } from './executor'
import { nodeProcesses, nodeThreads } from './node'
import { pythonRunner } from './python'

export type { Executor, ExecutorDeps, PoolRequest, WorkerEntries } from './executor'

export const EXECUTORS: Record<ExecutorId, Executor> = {
  'node-threads': nodeThreads,
  'node-processes': nodeProcesses,
  'python-runner': pythonRunner,
}
