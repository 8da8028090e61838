// The `user` workload: the user's own function, named by a script's path and a function name,
// run on task inputs the run carries (a range 0 … N−1, or JSON values read from a file). A run
// stores the path, the function name and the SHA-256 of the script's content — never its code.
import { z } from 'zod'
import type { StrategySpec, TaskInput } from './catalog'

/** The workload id of the user's own code. */
export const USER_WORKLOAD = 'user'

/** Bounds on what a run carries of the user's script and inputs. */
export const USER_LIMITS = {
  /** The largest script the lab reads and hashes. */
  scriptBytes: 4 * 1024 * 1024,
  pathLength: 4096,
  functionLength: 200,
  /** Most task inputs, from --range or a file. */
  inputs: 10_000,
  /** The largest inputs file, and the most its values may take as JSON in a run. */
  inputsBytes: 512 * 1024,
  /** Deepest nesting of one input value. */
  inputDepth: 32,
} as const

/** The script kinds the lab runs, by the end of the file's name. */
export const SCRIPT_RUNTIMES: Record<string, 'python' | 'node'> = { '.py': 'python', '.mjs': 'node', '.js': 'node' }

/** The names of inputs files a page may have the lab read (LabApi readInputs): JSON, or JSON lines. */
export const INPUTS_FILE_EXTENSIONS = ['.json', '.jsonl', '.ndjson'] as const

/** Python or Node, from the script's name; null for any other name. */
export function scriptRuntime(path: string): 'python' | 'node' | null {
  const dot = path.lastIndexOf('.')
  return dot < 0 ? null : (SCRIPT_RUNTIMES[path.slice(dot).toLowerCase()] ?? null)
}

const functionName = z
  .string()
  .max(USER_LIMITS.functionLength, { error: `must be at most ${USER_LIMITS.functionLength} characters` })
  .regex(/^[A-Za-z_$][A-Za-z0-9_$]*$/, { error: 'must be a function name (letters, digits, _), e.g. fetch_one' })

export const userInputsSchema = z.union([
  z
    .object({
      range: z
        .number()
        .int()
        .min(1, { error: `must be an integer from 1 to ${USER_LIMITS.inputs}` })
        .max(USER_LIMITS.inputs, { error: `must be an integer from 1 to ${USER_LIMITS.inputs}` }),
    })
    .strict(),
  z
    .object({
      values: z
        .array(z.unknown())
        .min(1, { error: 'must hold at least one input' })
        .max(USER_LIMITS.inputs, { error: `must hold at most ${USER_LIMITS.inputs} inputs` }),
      /** Where the values were read from, for the record (they are never re-read from it). */
      file: z.string().max(USER_LIMITS.pathLength).optional(),
    })
    .strict(),
])
export type UserInputs = z.infer<typeof userInputsSchema>

/** The user's script in a run configuration: where it is, what to call, what it was, what to call it on. */
export const userScriptSchema = z
  .object({
    path: z
      .string()
      .min(1, { error: 'must name a .py, .mjs or .js file' })
      .max(USER_LIMITS.pathLength, { error: `must be at most ${USER_LIMITS.pathLength} characters` }),
    /** Python: the function's name; Node: `default` (the module's default export). */
    function: functionName,
    /** SHA-256 of the content the run ran (hex); set by the lab when the run starts. */
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, { error: 'must be 64 hex digits' })
      .optional(),
    inputs: userInputsSchema,
  })
  .strict()
export type UserScript = z.infer<typeof userScriptSchema>

/** The task inputs of a user run, in dispatch order. */
export function userTasks(inputs: UserInputs): TaskInput[] {
  if ('range' in inputs)
    return Array.from({ length: inputs.range }, (_, index) => ({ kind: 'user', index, value: index }))
  return inputs.values.map((value, index) => ({ kind: 'user', index, value }))
}

/** Why `strategy` cannot run `script`, or null when it can (Python scripts on py-*, modules on Node). */
export function scriptStrategyProblem(script: { path: string }, strategy: StrategySpec): string | null {
  const runtime = scriptRuntime(script.path)
  if (runtime === null) return 'must name a .py, .mjs or .js file'
  if (runtime === strategy.runtime) return null
  return runtime === 'python'
    ? `${strategy.id} runs Node; a .py script runs under the py-* strategies`
    : `${strategy.id} runs Python; a .mjs or .js module runs under sequential, async, threads, processes`
}

/** One line naming a run's script: `fetch.py · fetch_one · 40 inputs from seeds.json · SHA-256 3f2a…`. */
export function describeUserScript(script: UserScript): string {
  const name = (p: string): string => p.slice(Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\')) + 1)
  const inputs =
    'range' in script.inputs
      ? `inputs 0 … ${script.inputs.range - 1}`
      : `${script.inputs.values.length} input${script.inputs.values.length === 1 ? '' : 's'}${script.inputs.file ? ` from ${name(script.inputs.file)}` : ''}`
  const hash = script.sha256 ? ` · SHA-256 ${script.sha256.slice(0, 12)}…` : ''
  return `your code: ${name(script.path)} · ${script.function === 'default' ? 'default export' : script.function} · ${inputs}${hash}`
}

/** The functions a script offers (Python: top-level, read with `ast`; a module: its default export). */
export const scriptFunctionsSchema = z
  .array(z.object({ name: z.string().max(USER_LIMITS.functionLength), async: z.boolean() }))
  .max(10_000)

/** What the lab read from a script without running it (LabApi inspectScript). */
export interface ScriptInfo {
  path: string
  runtime: 'python' | 'node'
  sha256: string
  functions: z.infer<typeof scriptFunctionsSchema>
}
