// The executor registry: each strategy's executor is looked up from its spec, and what it starts
// and tells its children follows the spec's facts (dispatch, takesWorkers, python, needs).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { STRATEGIES, findStrategy, type StrategySpec } from '../../src/shared/catalog'
import { parseRunConfig } from '../../src/shared/schemas'
import { ChildRegistry } from '../../src/main/lab/children'
import { EXECUTORS, type ExecutorDeps, type PoolRequest } from '../../src/main/lab/executors'
import { NodeProcessLauncher } from '../../src/main/lab/launcher'
import { chooseInterpreter, type PythonInterpreter } from '../../src/main/lab/python/interpreters'
import { noPython } from '../python/helpers'
import { builtEntries, root } from '../helpers'

const registry = new ChildRegistry()
afterEach(() => registry.stopAll(200))

const config = parseRunConfig({ workload: 'countdown', strategies: ['sequential'] })

const request = (spec: StrategySpec, workers: number): PoolRequest => ({
  spec,
  workers,
  config,
  clockOrigin: 0,
  fixtures: {},
})

const pythonAt = (executable: string, version: string, capabilities: PythonInterpreter['capabilities']) =>
  ({
    id: `python${version}`,
    executable,
    version,
    versionInfo: version.split('.').map(Number),
    implementation: 'cpython',
    freeThreaded: false,
    gil: true,
    capabilities,
    source: 'path',
  }) as PythonInterpreter

const deps = (interpreter: () => Promise<PythonInterpreter>, found: PythonInterpreter[] = []): ExecutorDeps => ({
  entries: builtEntries,
  launcher: new NodeProcessLauncher(),
  registry,
  interpreter,
  interpreters: async () => found,
})

const noInterpreter = () => Promise.reject(new Error('no Python in a Node test'))

describe('the executor registry', () => {
  it('has an executor for every strategy of the catalog', () => {
    for (const s of STRATEGIES) expect(EXECUTORS[s.executor], s.id).toBeDefined()
  })

  it('has a Python runner mode for every mode a spec names', () => {
    const runner = readFileSync(join(root, 'src/workers/python/runner.py'), 'utf8')
    const table = /^MODES = \{\n([\s\S]*?)^\}/m.exec(runner)
    expect(table, 'MODES = {…} in runner.py').not.toBeNull()
    const modes = [...table![1]!.matchAll(/^ {4}'([\w-]+)': \w+,$/gm)].map((m) => m[1])
    for (const s of STRATEGIES) if (s.python) expect(modes, s.id).toContain(s.python.mode)
  })

  it('starts one thread per worker, told to pull tasks or take them all at once as the spec dispatches', async () => {
    const threads = await EXECUTORS['node-threads'].launch(request(findStrategy('threads')!, 3), deps(noInterpreter))
    expect(threads.children.map((c) => c.kind)).toEqual(['thread', 'thread', 'thread'])
    expect(threads.init).toEqual({ workload: 'countdown', mode: 'serial', clockOrigin: 0, fixtures: {} })
    const async = await EXECUTORS['node-threads'].launch(request(findStrategy('async')!, 1), deps(noInterpreter))
    expect(async.children).toHaveLength(1)
    expect(async.init.mode).toBe('concurrent')
    expect(registry.size).toBe(4)
  })

  it('starts one process per worker for node-processes', async () => {
    const { children, init } = await EXECUTORS['node-processes'].launch(
      request(findStrategy('processes')!, 2),
      deps(noInterpreter),
    )
    expect(children.map((c) => c.kind)).toEqual(['process', 'process'])
    expect(registry.processIds()).toHaveLength(2)
    expect(init.mode).toBe('serial')
  })

  it('refuses, before starting anything, a strategy whose need the run’s interpreter lacks, saying where it is met', async () => {
    const pyenv = pythonAt('/root/.pyenv/versions/3.11.7/bin/python3.11', '3.11.7', [])
    const debian = pythonAt('/usr/bin/python3', '3.11.2', ['gevent'])
    const gevent = findStrategy('py-gevent')!
    await expect(
      EXECUTORS['python-runner'].launch(
        request(gevent, 1),
        deps(async () => pyenv, [pyenv, debian]),
      ),
    ).rejects.toThrow(
      'Python gevent needs gevent, but Python 3.11.7 at /root/.pyenv/versions/3.11.7/bin/python3.11 cannot import it; use /usr/bin/python3 (3.11.2), which has it',
    )
    expect(registry.size).toBe(0)
  })

  it('refuses a Python-runner spec that names no mode', async () => {
    const modeless: StrategySpec = { ...findStrategy('py-threads')!, python: undefined }
    await expect(EXECUTORS['python-runner'].launch(request(modeless, 2), deps(noInterpreter))).rejects.toThrow(
      /py-threads runs on the Python runner, but its spec names no Python mode/,
    )
  })

  it.skipIf(noPython)('starts one Python runner told the spec’s mode and the worker count', async () => {
    const interpreter = await chooseInterpreter(undefined)
    const threads = await EXECUTORS['python-runner'].launch(
      request(findStrategy('py-threads')!, 3),
      deps(async () => interpreter),
    )
    expect(threads.children).toHaveLength(1)
    expect(threads.init).toMatchObject({
      mode: 'concurrent',
      python: { mode: 'threads', workers: 3, switchIntervalMs: null },
    })
    // A strategy that does not take workers runs one, whatever it is asked for.
    const asyncio = await EXECUTORS['python-runner'].launch(
      request(findStrategy('py-asyncio')!, 4),
      deps(async () => interpreter),
    )
    expect(asyncio.init.python).toEqual({ mode: 'asyncio', workers: 1, switchIntervalMs: null })
  })
})
