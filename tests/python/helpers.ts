// Helpers for the Python runtime tests: whether a usable python3 is here, and a way to find
// every process a test started (runner, pool processes, multiprocessing's resource tracker)
// even after it was re-parented: each test marks the environment its children inherit.
import { spawnSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { root } from '../helpers'

const probe = spawnSync(
  'python3',
  ['-c', 'import sys; print("%d.%d.%d" % sys.version_info[:3]); sys.exit(0 if sys.version_info >= (3, 8) else 1)'],
  {
    encoding: 'utf8',
  },
)

/** Why the Python tests cannot run here, or null when python3 ≥ 3.8 is on PATH. */
export const noPython: string | null =
  probe.error || probe.status === null
    ? 'no python3 on PATH'
    : probe.status !== 0
      ? `python3 is ${probe.stdout.trim()}, older than 3.8`
      : null

export const pythonFixture = (name: string): string => join(root, 'tests/python/fixtures', `${name}.py`)

const MARK = 'CONCURRENCY_LAB_TEST_MARK'

/** Marks every process started from now on with a fresh id; returns it. */
export function markChildren(): string {
  const mark = randomUUID()
  process.env[MARK] = mark
  return mark
}

/** Live processes (not zombies) whose environment carries `mark`, with their command lines. */
export function markedProcesses(mark: string): string[] {
  const needle = `${MARK}=${mark}`
  const out: string[] = []
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1')
      const state = stat.slice(stat.lastIndexOf(')') + 2)[0]
      if (state === 'Z' || state === 'X') continue
      if (!readFileSync(`/proc/${name}/environ`, 'latin1').split('\0').includes(needle)) continue
      out.push(`${name}: ${readFileSync(`/proc/${name}/cmdline`, 'latin1').replace(/\0/g, ' ').trim()}`)
    } catch {
      // Ended while we looked, or not ours to read.
    }
  }
  return out
}

/** Debian's interpreter, the one that can import Debian's python3-* framework packages (see ENVIRONMENT.md). */
export const DEBIAN_PYTHON = '/usr/bin/python3'

/**
 * Why `python` cannot import `module`, or null when it can. It really imports it: a module can be
 * found and still fail to load (gevent 22.10 on Python 3.13).
 */
export function cannotImport(module: string, python = DEBIAN_PYTHON): string | null {
  const result = spawnSync(python, ['-c', `import ${module}`], { encoding: 'utf8' })
  if (result.error) return `there is no ${python}`
  return result.status === 0 ? null : `${python} cannot import ${module}`
}
