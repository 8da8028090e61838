// The options of `concurrency-lab run` as a run configuration: numbers are read by the shared
// rules of src/shared/parse (as the app's fields are), the rest is left to the schema.
import { findWorkload } from '../../shared/catalog'
import { daskSchedulerProblem } from '../../shared/dask'
import { parseList, parseNumber, type NumberField } from '../../shared/parse'
import { LIMITS, type RunConfigInput } from '../../shared/schemas'
import { USER_LIMITS, USER_WORKLOAD, scriptRuntime, type UserInputs } from '../../shared/user-script'

/** A command line the CLI refuses (exit 2); its message names the option. */
export class UsageError extends Error {}

/** A number option by the shared rules (src/shared/parse); a bad one stops the CLI with its reason. */
export function numberOption(text: string, field: NumberField): number {
  const parsed = parseNumber(text, field)
  if (!parsed.ok) throw new UsageError(parsed.error)
  return parsed.value
}

export function collectParam(text: string, previous: Record<string, string>): Record<string, string> {
  const eq = text.indexOf('=')
  if (eq <= 0) throw new UsageError('--param takes name=value, e.g. --param size=2000000')
  return { ...previous, [text.slice(0, eq).trim()]: text.slice(eq + 1) }
}

export interface RunOptions {
  workload?: string
  strategies?: string
  script?: string
  function?: string
  inputs?: string
  range?: string
  workers: string
  repeat: string
  warmup: string
  param: Record<string, string>
  chunk: string
  timeout: string
  samplerHz: string
  python?: string
  switchInterval?: string
  daskScheduler?: string
  json?: boolean
  out?: string
  name?: string
  dataDir: string
  autosave: boolean
  progress: boolean
  allowManyWorkers?: boolean
  heartbeat?: boolean
}

const DEFAULT_STRATEGIES = {
  node: 'sequential,async,threads,processes',
  python: 'py-sequential,py-threads,py-processes,py-asyncio',
}

/**
 * The userScript of --script, --function and --range or --inputs (read by the caller into
 * `inputs`; left out, a stand-in, for checking the command line without touching files).
 */
function userScriptOption(options: RunOptions, inputs?: UserInputs): RunConfigInput['userScript'] {
  const { script } = options
  if (script === undefined) {
    const stray = (['function', 'inputs', 'range'] as const).find((k) => options[k] !== undefined)
    if (stray) throw new UsageError(`--${stray} goes with --script`)
    return undefined
  }
  if (options.workload !== undefined && options.workload !== USER_WORKLOAD)
    throw new UsageError('--workload and --script: give one (--script runs your code)')
  const runtime = scriptRuntime(script)
  if (runtime === null) throw new UsageError('--script must name a .py, .mjs or .js file')
  if (runtime === 'python' && options.function === undefined)
    throw new UsageError('--function is required with a .py script: the name of the function to call')
  if (runtime === 'node' && options.function !== undefined && options.function !== 'default')
    throw new UsageError('--function: a .mjs or .js module runs its default export; leave --function out')
  if ((options.inputs === undefined) === (options.range === undefined))
    throw new UsageError('--script needs one of --inputs FILE (a JSON array or JSON lines) or --range N')
  const taskInputs: UserInputs =
    options.range !== undefined
      ? { range: numberOption(options.range, { field: '--range', min: 1, max: USER_LIMITS.inputs, integer: true }) }
      : (inputs ?? { values: [0], file: options.inputs })
  return { path: script, function: options.function ?? 'default', inputs: taskInputs }
}

/** --dask-scheduler as the config's daskScheduler; a bad address is a UsageError naming the option. */
function daskSchedulerOption(text: string | undefined): { daskScheduler?: string } {
  if (text === undefined) return {}
  const problem = daskSchedulerProblem(text)
  if (problem) throw new UsageError(`--dask-scheduler ${problem}`)
  return { daskScheduler: text }
}

/** The run configuration the options describe; a number that breaks the shared rules is a UsageError. */
export function buildConfig(options: RunOptions, inputs?: UserInputs): RunConfigInput {
  const userScript = userScriptOption(options, inputs)
  if (!userScript && options.workload === undefined)
    throw new UsageError('run needs --workload ID (see `list`) or --script FILE (your own code)')
  const workloadId = userScript ? USER_WORKLOAD : options.workload!
  const runtime = userScript ? scriptRuntime(userScript.path)! : 'node'
  const workload = findWorkload(workloadId)
  // Parameters the workload has are read by its own ranges; the schema names the rest.
  const params = Object.fromEntries(
    Object.entries(options.param).map(([name, text]) => {
      const spec = workload?.params.find((p) => p.name === name)
      if (!spec) return [name, text]
      return [
        name,
        numberOption(text, { field: `--param ${name}`, min: spec.min, max: spec.max, unit: spec.unit, integer: true }),
      ]
    }),
  )
  const workers = parseList(options.workers, { field: '--workers', ...LIMITS.workers, integer: true })
  if (!workers.ok) throw new UsageError(workers.error)
  return {
    workload: workloadId,
    ...(userScript ? { userScript } : {}),
    strategies: (options.strategies ?? DEFAULT_STRATEGIES[runtime])
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    workers: workers.value,
    repetitions: numberOption(options.repeat, { field: '--repeat', ...LIMITS.repetitions, integer: true }),
    warmups: numberOption(options.warmup, { field: '--warmup', ...LIMITS.warmups, integer: true }),
    chunkSize: numberOption(options.chunk, { field: '--chunk', ...LIMITS.chunkSize, integer: true }),
    timeoutMs: numberOption(options.timeout, { field: '--timeout', ...LIMITS.timeoutMs, integer: true, unit: 'ms' }),
    samplerHz: numberOption(options.samplerHz, { field: '--sampler-hz', ...LIMITS.samplerHz }),
    params,
    ...(options.allowManyWorkers ? { allowManyWorkers: true } : {}),
    ...(options.heartbeat ? { heartbeat: true } : {}),
    ...(options.python !== undefined ? { python: options.python } : {}),
    ...daskSchedulerOption(options.daskScheduler),
    ...(options.switchInterval !== undefined
      ? {
          switchIntervalMs: numberOption(options.switchInterval, {
            field: '--switch-interval',
            ...LIMITS.switchIntervalMs,
            unit: 'ms',
          }),
        }
      : {}),
  }
}
