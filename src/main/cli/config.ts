// The options of `concurrency-lab run` as a run configuration: numbers are read by the shared
// rules of src/shared/parse (as the app's fields are), the rest is left to the schema.
import { findWorkload } from '../../shared/catalog'
import { daskSchedulerProblem } from '../../shared/dask'
import { parseList, parseNumber, type NumberField } from '../../shared/parse'
import { LIMITS, type RunConfigInput } from '../../shared/schemas'

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
  workload: string
  strategies: string
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
}

/** --dask-scheduler as the config's daskScheduler; a bad address is a UsageError naming the option. */
function daskSchedulerOption(text: string | undefined): { daskScheduler?: string } {
  if (text === undefined) return {}
  const problem = daskSchedulerProblem(text)
  if (problem) throw new UsageError(`--dask-scheduler ${problem}`)
  return { daskScheduler: text }
}

/** The run configuration the options describe; a number that breaks the shared rules is a UsageError. */
export function buildConfig(options: RunOptions): RunConfigInput {
  const workload = findWorkload(options.workload)
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
    workload: options.workload,
    strategies: options.strategies
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
