// Interpreter discovery and what the catalog says about Python.
import { spawnSync } from 'node:child_process'
import { realpathSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { explain } from '../../src/main/lab/children/python'
import { chooseInterpreter, discoverInterpreters } from '../../src/main/lab/python/interpreters'
import type { Run } from '../../src/shared/schemas'
import { makeHost, runToEnd } from '../helpers'
import { noPython } from './helpers'

const python3 = noPython
  ? ''
  : spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).stdout.trim()

describe.skipIf(noPython)(`Python interpreters${noPython ? ` (skipped: ${noPython})` : ''}`, () => {
  it('finds python3 on PATH first, each interpreter once, with version and GIL state', async () => {
    const found = await discoverInterpreters()
    expect(realpathSync(found[0]!.executable)).toBe(realpathSync(python3))
    expect(found[0]!.unavailable).toBeUndefined()
    expect(new Set(found.map((p) => p.id)).size).toBe(found.length)
    expect(new Set(found.map((p) => realpathSync(p.executable))).size).toBe(found.length)
    for (const p of found) {
      expect(p.version).toMatch(/^\d+\.\d+\.\d+$/)
      expect(typeof p.freeThreaded).toBe('boolean')
      if (!p.freeThreaded) expect(p.gil).toBe(true)
      const [major, minor] = p.versionInfo
      if (major === 3 && minor < 8) expect(p.unavailable).toMatch(/too old: the lab needs Python 3\.8 or newer/)
    }
  })

  it('takes an interpreter by path, and refuses one that is not Python', async () => {
    const chosen = await chooseInterpreter(python3)
    expect(chosen.source).toBe('user')
    await expect(chooseInterpreter('/bin/true')).rejects.toThrow('/bin/true is not a working Python interpreter')
  })

  it('lists the interpreters in the catalog, with the default marked, and enables the Python strategies', async () => {
    const catalog = await makeHost().catalog()
    const pythons = catalog.runtimes.filter((r) => r.kind === 'python')
    expect(pythons.length).toBeGreaterThan(0)
    expect(pythons.filter((r) => r.default)).toHaveLength(1)
    const strategies = catalog.strategies.filter((s) => s.runtime === 'python')
    expect(strategies.map((s) => s.id)).toEqual([
      'py-sequential',
      'py-threads',
      'py-processes',
      'py-asyncio',
      'py-generators',
      'py-generators-greedy',
      'py-threads-nogil',
      'py-asyncio-uvloop',
      'py-gevent',
      'py-twisted',
      'py-dask',
    ])
    for (const s of strategies) if (s.needs.length === 0) expect(s.unavailable).toBeUndefined()
    // A strategy with needs (a free-threaded build, gevent…) is available only where one usable
    // interpreter meets them all, else says why.
    for (const s of strategies.filter((s) => s.needs.length > 0)) {
      const met = pythons.some((r) => !r.unavailable && s.needs.every((n) => r.capabilities?.includes(n)))
      if (met) expect(s.unavailable, s.id).toBeUndefined()
      else expect(s.unavailable, s.id).toMatch(/^needs /)
    }
    const nogil = strategies.find((s) => s.id === 'py-threads-nogil')!
    if (!pythons.some((r) => r.freeThreaded && !r.unavailable))
      expect(nogil.unavailable).toMatch(/^needs a free-threaded Python/)
  })

  it('stamps the interpreter on the run before run-start, so the live run and the saved run agree', async () => {
    const chosen = await chooseInterpreter(undefined)
    const host = makeHost()
    const atStart: Run[] = []
    host.onEvent((e) => {
      if (e.type === 'run-start') atStart.push(structuredClone(e.run))
    })
    const { run } = await runToEnd(
      {
        workload: 'countdown',
        params: { size: 1000, tasks: 2 },
        strategies: ['py-sequential'],
        repetitions: 1,
        warmups: 0,
      },
      host,
    )
    expect(run.errors).toEqual([])
    expect(atStart[0]!.machine.python).toBe(chosen.version)
    expect(atStart[0]!.python).toEqual({
      executable: chosen.executable,
      version: chosen.version,
      freeThreaded: chosen.freeThreaded,
      gil: chosen.gil,
      switchIntervalMs: 5,
    })
    // The runner's own description, once it is ready, says the same of this interpreter.
    expect(run.python).toEqual(atStart[0]!.python)
    expect(run.machine.python).toBe(chosen.version)
  })

  it('stamps no interpreter on a run without Python strategies', async () => {
    const { run } = await runToEnd({
      workload: 'countdown',
      params: { size: 1000, tasks: 2 },
      strategies: ['sequential'],
      repetitions: 1,
      warmups: 0,
    })
    expect(run.python ?? null).toBeNull()
  })
})

describe('with no Python on this machine', () => {
  const saved = { PATH: process.env.PATH, PYENV_ROOT: process.env.PYENV_ROOT }
  beforeEach(() => {
    process.env.PATH = '/nonexistent'
    process.env.PYENV_ROOT = '/nonexistent'
  })
  afterEach(() => {
    process.env.PATH = saved.PATH
    if (saved.PYENV_ROOT === undefined) delete process.env.PYENV_ROOT
    else process.env.PYENV_ROOT = saved.PYENV_ROOT
  })

  it('shows the Python strategies disabled with the reason; Node strategies stay enabled', async () => {
    const catalog = await makeHost().catalog()
    expect(catalog.runtimes.map((r) => r.kind)).toEqual(['node'])
    for (const s of catalog.strategies) {
      if (s.runtime === 'python')
        expect(s.unavailable).toMatch(/no Python 3\.8 or newer was found on PATH or under pyenv/)
      else expect(s.unavailable).toBeUndefined()
    }
  })

  it('fails the Python trials with that reason and runs the rest', async () => {
    const { run } = await runToEnd({
      workload: 'countdown',
      params: { size: 1000, tasks: 2 },
      strategies: ['py-sequential', 'sequential'],
      repetitions: 1,
      warmups: 0,
    })
    expect(run.trials[0]!.error).toMatch(/no Python 3\.8 or newer was found/)
    expect(run.trials[1]!.error).toBeNull()
    expect(run.status).toBe('finished')
  })
})

describe('explain (the end of a Python traceback)', () => {
  it('keeps the exception and where it was raised', () => {
    const stderr =
      'Traceback (most recent call last):\n  File "/x/runner.py", line 12, in <module>\n    import kernels\n  File "/x/kernels.py", line 3\n    def f(:\n          ^\nSyntaxError: invalid syntax\n'
    expect(explain(stderr)).toBe(': SyntaxError: invalid syntax (File "/x/kernels.py", line 3)')
  })

  it('says nothing when stderr holds no exception (warnings only, or nothing)', () => {
    expect(explain('')).toBe('')
    expect(
      explain(
        "/usr/lib/python3.11/multiprocessing/resource_tracker.py:254: UserWarning: leaked\n  warnings.warn('x')\n",
      ),
    ).toBe('')
  })
})
