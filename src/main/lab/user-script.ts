// The lab's side of the `user` workload: it checks the script a run names (a regular, readable
// .py/.mjs/.js file within its size), hashes its content, and reads task inputs from a file. It
// never loads or runs the script: only the children do (src/workers/user-code.ts, user_code.py).
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { open } from 'node:fs/promises'
import { basename, resolve } from 'node:path'
import { checkBounds } from '../../shared/bounds'
import { ValidationError, type RunConfig } from '../../shared/schemas'
import { oneLine } from '../../shared/session'
import {
  USER_LIMITS,
  scriptFunctionsSchema,
  scriptRuntime,
  type ScriptInfo,
  type UserInputs,
} from '../../shared/user-script'

/** Reads a regular file of at most `maxBytes`; throws a one-line ValidationError naming `what`. */
async function readBounded(path: string, maxBytes: number, what: string): Promise<Buffer> {
  let handle
  try {
    handle = await open(path, 'r')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const why = code === 'ENOENT' ? 'there is no such file' : code === 'EACCES' ? 'it cannot be read' : `${code}`
    throw new ValidationError([`${what} ${basename(path)}: ${why}`])
  }
  try {
    const info = await handle.stat()
    if (!info.isFile()) throw new ValidationError([`${what} ${basename(path)} must be a regular file`])
    if (info.size > maxBytes)
      throw new ValidationError([
        `${what} ${basename(path)} is larger than ${maxBytes.toLocaleString('en-US')} bytes (${info.size.toLocaleString('en-US')})`,
      ])
    // Read at most one byte past the bound, in case the file grows while we read it.
    const buffer = Buffer.alloc(Math.min(info.size, maxBytes) + 1)
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0)
    if (bytesRead > maxBytes)
      throw new ValidationError([`${what} ${basename(path)} is larger than ${maxBytes.toLocaleString('en-US')} bytes`])
    return buffer.subarray(0, bytesRead)
  } finally {
    await handle.close()
  }
}

/** The absolute path and the SHA-256 of a script the lab may run; refuses any other file with the reason. */
export async function hashScript(path: string): Promise<{ path: string; sha256: string }> {
  const absolute = resolve(path)
  if (scriptRuntime(absolute) === null)
    throw new ValidationError([`script ${basename(absolute)} must be a .py, .mjs or .js file`])
  const content = await readBounded(absolute, USER_LIMITS.scriptBytes, 'script')
  return { path: absolute, sha256: createHash('sha256').update(content).digest('hex') }
}

/**
 * The config with its script's absolute path and current SHA-256, and a notice when the config
 * carried another hash (a saved run re-run after its script changed). Configs of other workloads pass.
 */
export async function prepareUserScript(config: RunConfig): Promise<{ config: RunConfig; notice: string | null }> {
  const script = config.userScript
  if (!script) return { config, notice: null }
  const { path, sha256 } = await hashScript(script.path)
  const notice =
    script.sha256 !== undefined && script.sha256 !== sha256
      ? `${basename(path)} changed since the run it repeats (SHA-256 ${script.sha256.slice(0, 12)}… then, ${sha256.slice(0, 12)}… now): this run runs it as it is now`
      : null
  return { config: { ...config, userScript: { ...script, path, sha256 } }, notice }
}

/** Task inputs from a file: a JSON array, or JSON lines (one value a line); bounded in bytes, count and depth. */
export async function readInputsFile(path: string): Promise<UserInputs> {
  const absolute = resolve(path)
  const text = (await readBounded(absolute, USER_LIMITS.inputsBytes, 'inputs file')).toString('utf8')
  const name = basename(absolute)
  let values: unknown[]
  if (text.trimStart().startsWith('[')) {
    try {
      values = JSON.parse(text) as unknown[]
    } catch (error) {
      throw new ValidationError([`inputs file ${name} is not a JSON array: ${(error as Error).message}`])
    }
  } else {
    values = []
    const lines = text.split('\n')
    for (const [i, line] of lines.entries()) {
      if (line.trim() === '') continue
      try {
        values.push(JSON.parse(line))
      } catch {
        throw new ValidationError([
          `inputs file ${name} line ${i + 1} is not JSON (use a JSON array or one value a line)`,
        ])
      }
    }
  }
  if (values.length === 0) throw new ValidationError([`inputs file ${name} holds no inputs`])
  if (values.length > USER_LIMITS.inputs)
    throw new ValidationError([
      `inputs file ${name} holds more than ${USER_LIMITS.inputs.toLocaleString('en-US')} inputs`,
    ])
  try {
    checkBounds(
      values,
      { maxDepth: USER_LIMITS.inputDepth + 1, maxBytes: USER_LIMITS.inputsBytes * 2 },
      `inputs file ${name}`,
    )
  } catch (error) {
    throw new ValidationError([(error as Error).message])
  }
  return { values, file: absolute }
}

// Lists a Python file's top-level functions with `ast`, from the bytes given on stdin: it parses, never runs.
const LIST_FUNCTIONS = `
import ast, json, sys
tree = ast.parse(sys.stdin.buffer.read())
print(json.dumps([{'name': n.name, 'async': isinstance(n, ast.AsyncFunctionDef)}
                  for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]))
`
const LIST_TIMEOUT_MS = 10_000

/**
 * What the app shows before a run of a script: its runtime, hash and the functions it can call —
 * Python's top-level functions read with `ast` (parsed, not run), a module's default export. The
 * script is never executed here.
 */
export async function inspectScript(path: string, python: () => Promise<string>): Promise<ScriptInfo> {
  const { path: absolute, sha256 } = await hashScript(path)
  const runtime = scriptRuntime(absolute)!
  const source = await readBounded(absolute, USER_LIMITS.scriptBytes, 'script')
  if (runtime === 'node') {
    const exported = /\bexport\s+default\b|\bmodule\.exports\s*=/.test(source.toString('utf8'))
    return { path: absolute, runtime, sha256, functions: exported ? [{ name: 'default', async: false }] : [] }
  }
  const executable = await python()
  const functions = await new Promise<ScriptInfo['functions']>((resolvePromise, reject) => {
    const child = execFile(
      executable,
      ['-I', '-c', LIST_FUNCTIONS],
      { timeout: LIST_TIMEOUT_MS, maxBuffer: 1024 * 1024, windowsHide: true },
      (error, stdout, stderr) => {
        if (error) {
          const last = stderr.trim().split('\n').pop() ?? ''
          return reject(new ValidationError([`script ${basename(absolute)} cannot be parsed: ${oneLine(last, 200)}`]))
        }
        try {
          resolvePromise(scriptFunctionsSchema.parse(JSON.parse(stdout)))
        } catch {
          reject(new Error('the function list of the script could not be read'))
        }
      },
    )
    child.stdin?.end(source)
  })
  return { path: absolute, runtime, sha256, functions }
}
