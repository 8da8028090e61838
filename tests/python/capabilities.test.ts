// What strategies need from an interpreter: the probe's answer, the catalog's reasons, a run's
// one-line failure. Interpreters are faked (shell scripts that answer the probe, or plain
// objects), so no test needs gevent or a free-threaded build installed.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { findStrategy, type Capability, type StrategySpec } from '../../src/shared/catalog'
import { lackingNeedsReason, unmetNeedsReason } from '../../src/main/lab/python/capabilities'
import {
  chooseInterpreter,
  discoverInterpreters,
  forgetProbes,
  runtimeInfo,
  type PythonInterpreter,
} from '../../src/main/lab/python/interpreters'
import { makeHost } from '../helpers'
import { noPython } from './helpers'

const interpreter = (executable: string, version: string, capabilities: Capability[]): PythonInterpreter => ({
  id: `python${version}`,
  executable,
  version,
  versionInfo: version.split('.').map(Number) as [number, number, number],
  implementation: 'cpython',
  freeThreaded: capabilities.includes('free-threaded'),
  gil: !capabilities.includes('free-threaded'),
  capabilities,
  source: 'path',
})

const PYENV = interpreter('/root/.pyenv/versions/3.11.7/bin/python3.11', '3.11.7', [])
const DEBIAN = interpreter('/usr/bin/python3', '3.11.2', ['gevent', 'twisted'])
const FREE = interpreter('/opt/python3.13t', '3.13.0', ['free-threaded'])

const geventSpec = findStrategy('py-gevent')!
const nogil = findStrategy('py-threads-nogil')!

describe('unmetNeedsReason (the catalog)', () => {
  it('has no reason for a strategy without needs, or whose needs one usable interpreter meets', () => {
    expect(unmetNeedsReason(findStrategy('py-threads')!, [PYENV])).toBeUndefined()
    expect(unmetNeedsReason(geventSpec, [PYENV, DEBIAN])).toBeUndefined()
    expect(unmetNeedsReason(nogil, [PYENV, FREE])).toBeUndefined()
  })

  it('names the need no interpreter here meets, and where to get it', () => {
    expect(unmetNeedsReason(geventSpec, [PYENV])).toBe(
      "needs gevent, which no interpreter found here can import; Debian's /usr/bin/python3 with python3-gevent has it (or pip install gevent)",
    )
    expect(unmetNeedsReason(nogil, [PYENV, DEBIAN])).toMatch(
      /^needs a free-threaded Python \(3\.13t or newer\), which no interpreter found here is; install/,
    )
  })

  it('says where each need is met when no one interpreter meets them all', () => {
    const both: StrategySpec = { ...geventSpec, needs: ['gevent', 'free-threaded'] }
    expect(unmetNeedsReason(both, [DEBIAN, FREE])).toBe(
      'needs gevent and a free-threaded Python (3.13t or newer) in one interpreter, which none found here is; gevent: use /usr/bin/python3 (3.11.2), which has it; a free-threaded Python (3.13t or newer): use /opt/python3.13t (3.13.0), which has it',
    )
  })
})

describe('lackingNeedsReason (a run on the chosen interpreter)', () => {
  it('is one line naming the interpreter that lacks the need and the one that has it', () => {
    const reason = lackingNeedsReason(geventSpec, PYENV, [PYENV, DEBIAN])
    expect(reason).toBe(
      'Python gevent needs gevent, but Python 3.11.7 at /root/.pyenv/versions/3.11.7/bin/python3.11 cannot import it; use /usr/bin/python3 (3.11.2), which has it',
    )
    expect(reason).not.toContain('\n')
  })

  it('says how to get it when no interpreter here has it, and nothing when the chosen one does', () => {
    expect(lackingNeedsReason(nogil, PYENV, [PYENV, DEBIAN])).toMatch(
      /^Python threads, no GIL needs a free-threaded Python \(3\.13t or newer\), but Python 3\.11\.7 at .* always runs with the GIL; install a free-threaded build/,
    )
    expect(lackingNeedsReason(geventSpec, DEBIAN, [PYENV, DEBIAN])).toBeUndefined()
    expect(lackingNeedsReason(findStrategy('py-threads')!, PYENV, [PYENV])).toBeUndefined()
  })
})

describe('with fake interpreters on PATH that answer the probe', () => {
  let dir = ''
  const saved = { PATH: process.env.PATH, PYENV_ROOT: process.env.PYENV_ROOT }
  const fake = (name: string, answer: Record<string, unknown>): string => {
    const path = join(dir, name)
    const json = JSON.stringify({ implementation: 'cpython', gil: true, executable: path, ...answer })
    // echo is a shell builtin: PATH holds only the fakes.
    writeFileSync(path, `#!/bin/sh\necho '${json}'\n`)
    chmodSync(path, 0o755)
    return path
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lab-fake-python-'))
    process.env.PATH = dir
    process.env.PYENV_ROOT = join(dir, 'no-pyenv')
  })
  afterEach(() => {
    process.env.PATH = saved.PATH
    if (saved.PYENV_ROOT === undefined) delete process.env.PYENV_ROOT
    else process.env.PYENV_ROOT = saved.PYENV_ROOT
    rmSync(dir, { recursive: true, force: true })
  })

  it('reports the modules each interpreter can import as capabilities, known ones only', async () => {
    const path = fake('python3', { version: [3, 11, 2], freeThreaded: false, modules: ['gevent', 'uvicorn', 'numpy'] })
    const [found] = await discoverInterpreters()
    expect(found!.executable).toBe(path)
    expect(found!.capabilities).toEqual(['gevent', 'uvicorn'])
    expect(runtimeInfo(found!, true).capabilities).toEqual(['gevent', 'uvicorn'])
  })

  it('lists "threads, no GIL" as unavailable with the reason, and available once a free-threaded build is found', async () => {
    fake('python3', { version: [3, 11, 7], freeThreaded: false, modules: [] })
    let strategies = (await makeHost().catalog()).strategies
    expect(strategies.find((s) => s.id === 'py-threads')!.unavailable).toBeUndefined()
    expect(strategies.find((s) => s.id === 'py-threads-nogil')!.unavailable).toMatch(
      /^needs a free-threaded Python \(3\.13t or newer\), which no interpreter found here is/,
    )

    fake('python3.13t', { version: [3, 13, 0], freeThreaded: true, gil: false, modules: [] })
    strategies = (await makeHost().catalog()).strategies
    expect(strategies.find((s) => s.id === 'py-threads-nogil')!.unavailable).toBeUndefined()
    const runtimes = (await makeHost().catalog()).runtimes
    expect(runtimes.find((r) => r.version === '3.13.0')!.capabilities).toEqual(['free-threaded'])
  })

  it('lists the framework strategies as unavailable with the reason until an interpreter can import them', async () => {
    fake('python3', { version: [3, 11, 7], freeThreaded: false, modules: [] })
    const frameworks = { 'py-gevent': 'gevent', 'py-twisted': 'twisted', 'py-asyncio-uvloop': 'uvloop' }
    let strategies = (await makeHost().catalog()).strategies
    for (const [id, module] of Object.entries(frameworks))
      expect(strategies.find((s) => s.id === id)!.unavailable).toBe(
        `needs ${module}, which no interpreter found here can import; Debian's /usr/bin/python3 with python3-${module} has it (or pip install ${module})`,
      )
    fake('python3.11', { version: [3, 11, 2], freeThreaded: false, modules: ['gevent', 'twisted', 'uvloop'] })
    strategies = (await makeHost().catalog()).strategies
    for (const id of Object.keys(frameworks)) expect(strategies.find((s) => s.id === id)!.unavailable).toBeUndefined()
  })

  it('picks the first interpreter that has every need, else says none was found', async () => {
    fake('python3', { version: [3, 11, 7], freeThreaded: false, modules: [] })
    const debian = fake('python3.11', { version: [3, 11, 2], freeThreaded: false, modules: ['gevent'] })
    expect((await chooseInterpreter(undefined)).version).toBe('3.11.7')
    expect((await chooseInterpreter(undefined, { needs: ['gevent'] })).executable).toBe(debian)
    await expect(chooseInterpreter(undefined, { needs: ['twisted'] })).rejects.toThrow(
      /^no Python with twisted was found \(found 3\.11\.7 at .*, 3\.11\.2 at /,
    )
  })
})

describe.skipIf(noPython)('the real probe', () => {
  // A package that only find_spec sees: a folder on PYTHONPATH named like one of the modules.
  let dir = ''
  const saved = process.env.PYTHONPATH
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lab-fake-module-'))
    mkdirSync(join(dir, 'uvloop'))
    writeFileSync(join(dir, 'uvloop', '__init__.py'), 'raise ImportError("the probe must not import modules")\n')
    process.env.PYTHONPATH = dir
    forgetProbes()
  })
  afterAll(() => {
    if (saved === undefined) delete process.env.PYTHONPATH
    else process.env.PYTHONPATH = saved
    forgetProbes()
    rmSync(dir, { recursive: true, force: true })
  })

  it('finds a module python3 can import without importing it', async () => {
    const chosen = await chooseInterpreter(undefined)
    expect(chosen.capabilities).toContain('uvloop')
  })
})
