// The Python executor: one runner process (src/workers/python/runner.py) is the pool's one
// child; it runs its own threads or processes, in the mode the strategy's spec names.
import { HEARTBEAT_INTERVAL_MS } from '../../../shared/heartbeat'
import { PythonChild, defaultPythonRunner } from '../children/python'
import { lackingNeedsReason, meetsNeeds } from '../python/capabilities'
import { poolInit, type Executor } from './executor'

export const pythonRunner: Executor = {
  async launch(request, deps) {
    const { spec, workers, config } = request
    if (!spec.python) throw new Error(`${spec.id} runs on the Python runner, but its spec names no Python mode`)
    const interpreter = await deps.interpreter()
    if (!meetsNeeds(spec, interpreter)) {
      const usable = (await deps.interpreters()).filter((p) => !p.unavailable)
      throw new Error(lackingNeedsReason(spec, interpreter, usable))
    }
    // The runner learns its mode at start-up too: gevent must patch the standard library before
    // anything else is imported, and Twisted's reactor must own the main thread.
    const env: Record<string, string> = { CONCURRENCY_LAB_PYTHON_MODE: spec.python.mode }
    // On a free-threaded build the GIL is a start-up setting: "threads" keep it, "no GIL" turn it off.
    if (interpreter.freeThreaded && spec.python.gil) env.PYTHON_GIL = spec.python.gil === 'on' ? '1' : '0'
    const child = new PythonChild(deps.registry, {
      executable: interpreter.executable,
      runner: deps.entries.python ?? defaultPythonRunner(),
      env,
    })
    return {
      children: [child],
      init: poolInit(request, {
        mode: spec.python.mode,
        workers: spec.takesWorkers ? workers : 1,
        switchIntervalMs: config.switchIntervalMs ?? null,
        ...(config.heartbeat ? { heartbeatMs: HEARTBEAT_INTERVAL_MS } : {}),
        ...(spec.python.mode === 'dask' && config.daskScheduler ? { scheduler: config.daskScheduler } : {}),
      }),
    }
  },
}
