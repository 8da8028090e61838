// What an executor is: it starts a strategy's children and says what they are told at init; the
// WorkerPool (pool.ts) then runs every trial the same way, whatever the children are.
import type { StrategySpec } from '../../../shared/catalog'
import { HEARTBEAT_INTERVAL_MS } from '../../../shared/heartbeat'
import type { ExecutionMode, Fixtures } from '../../../shared/protocol'
import type { RunConfig } from '../../../shared/schemas'
import type { Child, ChildRegistry } from '../children'
import type { ProcessLauncher } from '../launcher'
import type { PythonInterpreter } from '../python/interpreters'
import type { PoolInit } from './pool'

/** Paths of the built worker entry files. */
export interface WorkerEntries {
  thread: string
  process: string
  /** The Python runner script; found beside the sources when left out (see defaultPythonRunner). */
  python?: string
}

/** What executors share for the length of a run. */
export interface ExecutorDeps {
  entries: WorkerEntries
  launcher: ProcessLauncher
  registry: ChildRegistry
  /** The run's Python interpreter, chosen once per run. */
  interpreter(): Promise<PythonInterpreter>
  /** Every interpreter found here, to say where a need the run's interpreter lacks is met. */
  interpreters(): Promise<PythonInterpreter[]>
}

/** One pool to open: a strategy with its worker count, in a run. */
export interface PoolRequest {
  spec: StrategySpec
  workers: number
  config: RunConfig
  clockOrigin: number
  fixtures: Fixtures
}

export interface Executor {
  /** Starts the children that run the request and the init they are sent; throws, with the reason, when it cannot. */
  launch(request: PoolRequest, deps: ExecutorDeps): Promise<{ children: Child[]; init: PoolInit }>
}

// How each way of dispatching tasks asks the children to run them.
const MODES: Record<StrategySpec['dispatch'], ExecutionMode> = {
  // A worker runs what it pulled one task at a time.
  pull: 'serial',
  // Every task is handed over at once and one scheduler (an event loop, the Python runner) starts them.
  'all-at-once': 'concurrent',
}

/** The init message of a pool, as the strategy's dispatch and the run decide it. */
export function poolInit(request: PoolRequest, python?: PoolInit['python']): PoolInit {
  return {
    workload: request.config.workload,
    mode: MODES[request.spec.dispatch],
    clockOrigin: request.clockOrigin,
    fixtures: request.fixtures,
    ...(python ? { python } : {}),
    // Node's event loop strategy ticks the heartbeat on its own loop; others get one beside (runner.ts).
    ...(!python && request.config.heartbeat && request.spec.lanes === 'in-flight'
      ? { heartbeatMs: HEARTBEAT_INTERVAL_MS }
      : {}),
  }
}
