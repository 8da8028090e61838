// Run ▸ Add Python Interpreter…: the host checks the file before it runs it, says in one line what
// is wrong, and afterwards a page may start runs on it — in this lab and in the next one over the
// same library (the list is kept beside the sessions).
import { spawnSync } from 'node:child_process'
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { LabEvent } from '../../src/shared/api'
import { LabHost } from '../../src/main/lab/host'
import { NodeProcessLauncher } from '../../src/main/lab/launcher'
import { checkInterpreterPath, loadAddedInterpreters } from '../../src/main/lab/python/added'
import { builtEntries } from '../helpers'
import { noPython } from './helpers'

const python3 = noPython
  ? ''
  : spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).stdout.trim()

if (noPython) console.log(`skip: ${noPython}`)

describe('checking an interpreter path before it is added', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lab-interp-'))
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('says in one line what is wrong with a path that is not a usable Python', async () => {
    await expect(checkInterpreterPath('')).rejects.toThrow('the interpreter path is empty')
    await expect(checkInterpreterPath('python3')).rejects.toThrow(
      "python3 is not an absolute path: choose the interpreter's full path",
    )
    await expect(checkInterpreterPath(`/${'x'.repeat(5000)}`)).rejects.toThrow(
      'the interpreter path is 5001 characters long; the limit is 4096',
    )
    await expect(checkInterpreterPath(join(dir, 'missing'))).rejects.toThrow(`${join(dir, 'missing')} does not exist`)
    await expect(checkInterpreterPath(dir)).rejects.toThrow(`${dir} is not a program: it is a folder`)
    const plain = join(dir, 'notes.txt')
    writeFileSync(plain, 'print(1)\n')
    chmodSync(plain, 0o644)
    await expect(checkInterpreterPath(plain)).rejects.toThrow(`${plain} is not executable`)
    await expect(checkInterpreterPath('/bin/true')).rejects.toThrow(
      '/bin/true is not a working Python interpreter (it did not answer a version probe)',
    )
  })

  it('reads a damaged or foreign list as empty, never failing the lab', async () => {
    const file = join(dir, '.interpreters.json')
    expect(await loadAddedInterpreters(file)).toEqual([])
    writeFileSync(file, '{"version": 1, "paths": [1, 2]}')
    expect(await loadAddedInterpreters(file)).toEqual([])
    writeFileSync(file, 'not json')
    expect(await loadAddedInterpreters(file)).toEqual([])
    writeFileSync(file, JSON.stringify({ version: 1, paths: ['relative/python', '/opt/py/bin/python3'] }))
    expect(await loadAddedInterpreters(file)).toEqual(['/opt/py/bin/python3'])
  })
})

describe.skipIf(noPython)(`adding an interpreter to the lab${noPython ? ` (skipped: ${noPython})` : ''}`, () => {
  let dir: string
  let wrapper: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lab-interp-'))
    // A Python at a path the lab does not search (a wrapper script: its own path is not the
    // real executable of anything the lab finds, as a conda or custom build would be).
    wrapper = join(dir, 'my-python')
    writeFileSync(wrapper, `#!/bin/sh\nexec ${python3} "$@"\n`)
    chmodSync(wrapper, 0o755)
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  const hostOn = (library: string): LabHost =>
    new LabHost({
      entries: builtEntries,
      launcher: new NodeProcessLauncher(),
      sessionsDir: library,
      interpretersFromCatalogOnly: true,
    })

  const tinyRun = {
    workload: 'noop',
    params: { tasks: 4 },
    strategies: ['py-sequential'],
    workers: [1],
    repetitions: 1,
    warmups: 0,
  }

  it('refuses a run on a path it was not given, accepts it once added, and keeps it for the next lab', async () => {
    const library = join(dir, 'library')
    const host = hostOn(library)
    const events: LabEvent[] = []
    host.onEvent((e) => events.push(e))
    try {
      await expect(host.startRun({ ...tinyRun, python: wrapper })).rejects.toThrow(
        `is not an interpreter this lab found`,
      )
      const info = await host.addInterpreter(wrapper)
      expect(info.kind).toBe('python')
      expect(events).toContainEqual(
        expect.objectContaining({ type: 'catalog-changed', message: expect.stringContaining(wrapper) }),
      )
      const run = await host.waitForRun(await host.startRun({ ...tinyRun, python: wrapper }))
      expect(run.status).toBe('finished')
      expect(run.trials.every((t) => t.error === null)).toBe(true)
      expect(JSON.parse(readFileSync(join(library, '.interpreters.json'), 'utf8'))).toEqual({
        version: 1,
        paths: [wrapper],
      })
    } finally {
      await host.shutdown()
    }
    const next = hostOn(library)
    try {
      const run = await next.waitForRun(await next.startRun({ ...tinyRun, python: wrapper }))
      expect(run.status).toBe('finished')
      // The library lists sessions only, never the interpreters file.
      expect((await next.listSessions()).every((s) => !s.id.includes('interpreters'))).toBe(true)
    } finally {
      await next.shutdown()
    }
  })

  it('adds nothing when the file is not a Python', async () => {
    const library = join(dir, 'library')
    const host = hostOn(library)
    try {
      await expect(host.addInterpreter('/bin/true')).rejects.toThrow('/bin/true is not a working Python interpreter')
      expect(await loadAddedInterpreters(join(library, '.interpreters.json'))).toEqual([])
    } finally {
      await host.shutdown()
    }
  })
})
