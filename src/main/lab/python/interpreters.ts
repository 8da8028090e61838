// Finds the Python interpreters on this machine: `python3` and `python3.X` on PATH, pyenv's
// versions, and paths the user adds. Each candidate is asked (by running it) for its version,
// its real executable, whether it is a free-threaded build and which optional modules of
// CAPABILITIES it can import; answers are cached per path.
import { execFile } from 'node:child_process'
import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs'
import { homedir } from 'node:os'
import { delimiter, join } from 'node:path'
import type { RuntimeInfo } from '../../../shared/api'
import type { Capability } from '../../../shared/catalog'
import { PROBED_MODULES } from './capabilities'

/** The oldest Python the runner supports. */
export const MIN_PYTHON: readonly [number, number] = [3, 8]
const MIN_TEXT = MIN_PYTHON.join('.')
const PROBE_TIMEOUT_MS = 10_000
const PROBE_CONCURRENCY = 4

// Runs on Python 2.7 too, so that an old interpreter is reported as old rather than broken.
// find_spec locates a module without importing it, so asking costs no extra process or import.
const PROBE = [
  'import sys, json, sysconfig',
  'try:',
  '    from importlib.util import find_spec',
  'except ImportError:',
  '    find_spec = None',
  'def importable(name):',
  '    try:',
  '        return find_spec is not None and find_spec(name) is not None',
  '    except Exception:',
  '        return False',
  "check = getattr(sys, '_is_gil_enabled', None)",
  'print(json.dumps({',
  "  'version': list(sys.version_info[:3]),",
  "  'executable': sys.executable,",
  "  'implementation': getattr(getattr(sys, 'implementation', None), 'name', 'cpython'),",
  "  'freeThreaded': bool(sysconfig.get_config_var('Py_GIL_DISABLED')),",
  "  'gil': bool(check()) if check else True,",
  `  'modules': [m for m in ${JSON.stringify(PROBED_MODULES.map((m) => m.module))} if importable(m)],`,
  '}))',
].join('\n')

export interface PythonInterpreter {
  id: string
  /** The interpreter's own sys.executable (a pyenv shim resolves to the real binary). */
  executable: string
  version: string
  versionInfo: [number, number, number]
  implementation: string
  freeThreaded: boolean
  /** Whether the GIL is on when the interpreter starts with default settings. */
  gil: boolean
  /** What it offers of what strategies may need (StrategySpec.needs): a free-threaded build, importable modules. */
  capabilities: Capability[]
  /** Where it was found: on PATH, under pyenv, or given by the user. */
  source: 'path' | 'pyenv' | 'user'
  /** Why the lab cannot use it (too old, not CPython 3); absent when it can. */
  unavailable?: string
}

interface Probe {
  version: [number, number, number]
  executable: string
  implementation: string
  freeThreaded: boolean
  gil: boolean
  /** The probed modules it can import (absent from a probe that predates them). */
  modules?: string[]
}

const probes = new Map<string, Promise<Probe | null>>()

/** Runs `command` with the probe script; null when it is not a working Python. */
function probe(command: string): Promise<Probe | null> {
  let cached = probes.get(command)
  if (!cached) {
    cached = new Promise((resolve) => {
      execFile(command, ['-c', PROBE], { timeout: PROBE_TIMEOUT_MS, windowsHide: true }, (error, stdout) => {
        if (error) return resolve(null)
        try {
          const answer = JSON.parse(stdout.trim().split('\n').pop() ?? '') as Probe
          resolve(Array.isArray(answer.version) && answer.version.length === 3 ? answer : null)
        } catch {
          resolve(null)
        }
      })
    })
    probes.set(command, cached)
  }
  return cached
}

/** Forgets what earlier probes found, so that newly installed interpreters show up. */
export function forgetProbes(): void {
  probes.clear()
}

const isFile = (path: string): boolean => {
  try {
    return statSync(path).isFile()
  } catch {
    return false
  }
}

const listDir = (dir: string): string[] => {
  try {
    return readdirSync(dir)
  } catch {
    return []
  }
}

/** The first `python3` on PATH, or null. */
export function pythonOnPath(env: NodeJS.ProcessEnv = process.env): string | null {
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const path = join(dir, process.platform === 'win32' ? 'python3.exe' : 'python3')
    if (isFile(path)) return path
  }
  return null
}

/** Candidate paths in the order they are preferred, each with where it came from. */
export function candidates(
  extra: readonly string[] = [],
  env: NodeJS.ProcessEnv = process.env,
): Array<{ path: string; source: PythonInterpreter['source'] }> {
  const out: Array<{ path: string; source: PythonInterpreter['source'] }> = extra.map((path) => ({
    path,
    source: 'user',
  }))
  const first = pythonOnPath(env)
  if (first) out.push({ path: first, source: 'path' })
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    // Version managers' shim folders hold a script per version that only works for the active
    // one; their versions are found below from the manager's own folder instead.
    if (/[\\/]shims$/.test(dir)) continue
    for (const name of listDir(dir).sort()) {
      if (/^python3(\.\d+t?)?$/.test(name)) out.push({ path: join(dir, name), source: 'path' })
    }
  }
  const pyenvRoot = env.PYENV_ROOT || join(homedir(), '.pyenv')
  for (const version of listDir(join(pyenvRoot, 'versions')).sort()) {
    const path = join(pyenvRoot, 'versions', version, 'bin', 'python3')
    if (isFile(path)) out.push({ path, source: 'pyenv' })
  }
  return out
}

const realpath = (path: string): string => {
  try {
    return realpathSync(path)
  } catch {
    return path
  }
}

function describe(command: string, answer: Probe, source: PythonInterpreter['source'], id: string): PythonInterpreter {
  const [major, minor] = answer.version
  const version = answer.version.join('.')
  let unavailable: string | undefined
  if (answer.implementation !== 'cpython') {
    unavailable = `${answer.implementation} ${version} is not CPython, which the lab's Python strategies are about`
  } else if (major !== MIN_PYTHON[0] || minor! < MIN_PYTHON[1]) {
    unavailable = `Python ${version} is too old: the lab needs Python ${MIN_TEXT} or newer`
  }
  return {
    id,
    executable: answer.executable || command,
    version,
    versionInfo: answer.version,
    implementation: answer.implementation,
    freeThreaded: answer.freeThreaded,
    gil: answer.gil,
    capabilities: [
      ...(answer.freeThreaded ? (['free-threaded'] as const) : []),
      ...PROBED_MODULES.filter((m) => answer.modules?.includes(m.module)).map((m) => m.capability),
    ],
    source,
    ...(unavailable ? { unavailable } : {}),
  }
}

async function inBatches<T, R>(items: readonly T[], size: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = []
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(fn))))
  return out
}

/** Every interpreter found, each once (by real executable), the default first, then newest first. */
export async function discoverInterpreters(extra: readonly string[] = []): Promise<PythonInterpreter[]> {
  const seenPaths = new Set<string>()
  const unique = candidates(extra).filter(({ path }) => {
    const key = realpath(path)
    if (seenPaths.has(key)) return false
    seenPaths.add(key)
    return true
  })
  const answers = await inBatches(unique, PROBE_CONCURRENCY, ({ path }) => probe(path))
  const found: PythonInterpreter[] = []
  const seenExecutables = new Set<string>()
  const ids = new Set<string>()
  unique.forEach(({ path, source }, i) => {
    const answer = answers[i]
    if (!answer) return
    const key = realpath(answer.executable || path)
    if (seenExecutables.has(key)) return
    seenExecutables.add(key)
    const base = `python${answer.version.join('.')}${answer.freeThreaded ? 't' : ''}`
    let id = base
    for (let n = 2; ids.has(id); n++) id = `${base}-${n}`
    ids.add(id)
    found.push(describe(path, answer, source, id))
  })
  const [first, ...rest] = found
  const newestFirst = (a: PythonInterpreter, b: PythonInterpreter): number =>
    b.versionInfo[0] - a.versionInfo[0] || b.versionInfo[1] - a.versionInfo[1] || b.versionInfo[2] - a.versionInfo[2]
  // The user's own paths and `python3` keep their places; the rest newest first.
  const leading = found.filter((p) => p.source === 'user' || p === first)
  return [...leading, ...rest.filter((p) => !leading.includes(p)).sort(newestFirst)]
}

/**
 * Whether `choice` (an id or a path, as a run config names it) is one of the interpreters `found`
 * lists: by id, or by a path that resolves to the same executable as one of them. Never runs it.
 */
export function isCatalogInterpreter(choice: string, found: readonly PythonInterpreter[]): boolean {
  if (!/[\\/]/.test(choice)) return found.some((p) => p.id === choice)
  const target = realpath(choice)
  return found.some((p) => realpath(p.executable) === target)
}

/** What catalog().runtimes says about an interpreter. */
export function runtimeInfo(p: PythonInterpreter, isDefault: boolean): RuntimeInfo {
  return {
    id: p.id,
    kind: 'python',
    version: p.version,
    executable: p.executable,
    gil: p.gil,
    freeThreaded: p.freeThreaded,
    capabilities: p.capabilities,
    ...(isDefault ? { default: true } : {}),
    ...(p.unavailable ? { unavailable: p.unavailable } : {}),
  }
}

/**
 * The interpreter a run uses: the one it names (id or path), else the first usable one found
 * that has every capability in `needs`.
 */
export async function chooseInterpreter(
  choice: string | undefined,
  options: { extra?: readonly string[]; needs?: readonly Capability[] } = {},
): Promise<PythonInterpreter> {
  const extra = options.extra ?? []
  if (choice !== undefined) {
    const looksLikePath = /[\\/]/.test(choice)
    if (looksLikePath) {
      if (!existsSync(choice)) throw new Error(`Python interpreter ${choice} does not exist`)
      const answer = await probe(choice)
      if (!answer) throw new Error(`${choice} is not a working Python interpreter (it did not answer a version probe)`)
      const chosen = describe(choice, answer, 'user', `python${answer.version.join('.')}`)
      if (chosen.unavailable) throw new Error(`${chosen.unavailable} (${choice})`)
      return chosen
    }
    const found = await discoverInterpreters(extra)
    const chosen = found.find((p) => p.id === choice)
    if (!chosen) {
      const ids = found.map((p) => p.id).join(', ') || 'none'
      throw new Error(
        `no Python interpreter has the id ${JSON.stringify(choice)} (found: ${ids}); give an id or a path`,
      )
    }
    if (chosen.unavailable) throw new Error(`${chosen.unavailable} (${chosen.executable})`)
    return chosen
  }
  // The usual case first, without probing every interpreter: the user's paths, then python3.
  const needs = options.needs ?? []
  const fits = (p: PythonInterpreter): boolean => !p.unavailable && needs.every((n) => p.capabilities.includes(n))
  const first = pythonOnPath()
  for (const [path, source] of [
    ...extra.map((p) => [p, 'user'] as const),
    ...(first ? [[first, 'path'] as const] : []),
  ]) {
    const answer = await probe(path)
    if (!answer) continue
    const quick = describe(path, answer, source, `python${answer.version.join('.')}${answer.freeThreaded ? 't' : ''}`)
    if (fits(quick)) return quick
  }
  const found = await discoverInterpreters(extra)
  const usable = found.filter(fits)
  if (usable[0]) return usable[0]
  throw new Error(noInterpreterReason(found, needs))
}

/** Why no interpreter fits, naming what was found. */
export function noInterpreterReason(found: readonly PythonInterpreter[], needs: readonly Capability[] = []): string {
  const seen = found.length > 0 ? ` (found ${found.map((p) => `${p.version} at ${p.executable}`).join(', ')})` : ''
  if (needs.length > 0 && found.some((p) => !p.unavailable)) {
    return `no Python with ${needs.join(' and ')} was found${seen}`
  }
  return `no Python ${MIN_TEXT} or newer was found on PATH or under pyenv${seen}; install one or name its path`
}
