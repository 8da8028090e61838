// The user's own module as a workload (workload `user`): loaded once per worker from the bytes
// whose SHA-256 the lab hashed when the run started; each task calls its default export (sync or
// async) on one JSON input and hashes the result as canonical JSON into a uint32 checksum.
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { basename } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Fixtures } from '../shared/protocol'

type UserFunction = (input: unknown) => unknown
const MAX_DEPTH = 64

let loaded: { fn: UserFunction; path: string } | null = null

/** Thrown by the process.exit the user's code sees: a task that calls it fails instead of ending the worker. */
class UserExit extends Error {}

/** The user's frames of an error's stack, `work.mjs line 3 → line 9`, outermost first. */
function userFrames(error: unknown, path: string): string {
  const stack = error instanceof Error && typeof error.stack === 'string' ? error.stack : ''
  const url = pathToFileURL(path).href
  const lines = stack
    .split('\n')
    .filter((l) => l.includes(url) || l.includes(path))
    .map((l) => /:(\d+)(?::\d+\)?)?\s*$/.exec(l)?.[1])
    .filter((n): n is string => n !== undefined)
    .slice(0, 6)
    .reverse()
  return lines.length > 0 ? ` (${basename(path)} line ${lines.join(' → line ')})` : ''
}

function describe(error: unknown, path: string): string {
  if (error instanceof UserExit) return `${error.message}${userFrames(error, path)}`
  if (error instanceof Error) return `${error.name}: ${error.message}${userFrames(error, path)}`
  return `your code threw ${typeof error === 'string' ? error.slice(0, 200) : typeof error}`
}

/** Loads the script of `fixtures.user`, once; rejects with a one-line reason the trial shows. */
export async function loadUserModule(fixtures: Fixtures): Promise<void> {
  const spec = fixtures.user
  if (!spec || loaded) return
  if (fixtures.httpUrl) process.env.CONCURRENCY_LAB_HTTP_URL = fixtures.httpUrl
  const name = basename(spec.path)
  const source = await readFile(spec.path).catch((error: NodeJS.ErrnoException) => {
    throw new Error(`cannot read ${spec.path}: ${error.code ?? error.message}`)
  })
  const digest = createHash('sha256').update(source).digest('hex')
  if (digest !== spec.sha256)
    throw new Error(
      `${name} changed since the run started (SHA-256 ${digest.slice(0, 12)}…, the run started with ${spec.sha256.slice(0, 12)}…)`,
    )
  // The user's code must not end the worker from inside a task: its process.exit throws instead.
  process.exit = ((code?: number) => {
    throw new UserExit(`your code called process.exit(${code ?? ''})`)
  }) as typeof process.exit
  let module: { default?: unknown }
  try {
    // The hash in the URL makes the module the bytes just checked (and a fresh instance per content).
    module = (await import(`${pathToFileURL(spec.path).href}?sha256=${digest}`)) as { default?: unknown }
  } catch (error) {
    throw new Error(`loading ${name} failed: ${describe(error, spec.path)}`)
  }
  if (typeof module.default !== 'function')
    throw new Error(`${name} has no default export that is a function (export default function (input) { … })`)
  loaded = { fn: module.default as UserFunction, path: spec.path }
}

/** JSON with sorted keys and no spaces; throws on what JSON cannot say (undefined, functions, NaN, cycles). */
export function canonicalJson(value: unknown, depth = 0): string {
  if (depth > MAX_DEPTH) throw new Error(`nested deeper than ${MAX_DEPTH} levels`)
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`${value} is not a JSON number`)
    return JSON.stringify(value)
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v, depth + 1)).join(',')}]`
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value) as unknown
    if (proto !== Object.prototype && proto !== null) throw new Error(`a ${value.constructor.name} is not plain JSON`)
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k], depth + 1)}`)
    return `{${entries.join(',')}}`
  }
  throw new Error(`a ${typeof value} is not JSON`)
}

function checksumOf(value: unknown, path: string): number {
  let text: string
  try {
    text = canonicalJson(value)
  } catch (error) {
    throw new Error(
      `${basename(path)} returned a value that is not JSON: ${error instanceof Error ? error.message : String(error)}`,
    )
  }
  return createHash('sha256').update(text).digest().readUInt32BE(0)
}

/** Runs one task's input through the user's function: its checksum, now or once it settles. */
export function runUserTask(value: unknown): number | Promise<number> {
  if (!loaded) throw new Error('the user module was not loaded before its tasks')
  const { fn, path } = loaded
  let result: unknown
  try {
    result = fn(value)
  } catch (error) {
    throw new Error(describe(error, path))
  }
  if (result instanceof Promise)
    return result.then(
      (v) => checksumOf(v, path),
      (error: unknown) => {
        throw new Error(describe(error, path))
      },
    )
  return checksumOf(result, path)
}
