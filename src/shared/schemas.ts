// Schemas for everything that crosses a boundary (CLI arguments, IPC, WebSocket, files).
// One library (zod) validates at every boundary; errors name the field and the allowed range.
import { z } from 'zod'
import { STRATEGIES, WORKLOADS, findStrategy, findWorkload } from './catalog'
import { daskSchedulerSchema } from './dask'
import { heartbeatSummarySchema } from './heartbeat'
import { formatLimit } from './parse'
import { USER_WORKLOAD, scriptStrategyProblem, userScriptSchema } from './user-script'

const SHOWN_CHARACTERS = 40

/**
 * What an error message says a field held: a number, a boolean or the start of a text, and for a
 * list or an object only its kind. Never the whole input (it may be huge) and never recursive.
 */
export const show = (value: unknown): string => {
  if (typeof value === 'string') {
    return value.length > SHOWN_CHARACTERS
      ? `${JSON.stringify(value.slice(0, SHOWN_CHARACTERS))}… (${value.length} characters)`
      : JSON.stringify(value)
  }
  if (value === undefined) return 'nothing'
  if (value === null) return 'null'
  if (Array.isArray(value)) return `a list of ${value.length}`
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return typeof value === 'object' ? 'an object' : typeof value
}

/** A field name as an error message shows it: short, on one line. */
const showKey = (key: PropertyKey): string => {
  const text = String(key).replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '?')
  return text.length > SHOWN_CHARACTERS ? `${text.slice(0, SHOWN_CHARACTERS)}…` : text
}

/**
 * "must be <what>, got 0", or "must be <what>; it is empty" for an empty text: quoting `""` back
 * tells a person nothing (the same words as src/shared/parse).
 */
export const mustBe = (what: string, value: unknown): string =>
  typeof value === 'string' && value.trim() === ''
    ? `must be ${what}; it is empty`
    : `must be ${what}, got ${show(value)}`

/** "from 10 to 100,000,000 numbers": limits with thousands separators, then the unit. */
export const rangeText = (min: number, max: number, unit?: string): string =>
  `from ${formatLimit(min)} to ${formatLimit(max)}${unit ? ` ${unit}` : ''}`

/** An integer field from min to max whose error says so and shows what it got. */
export const intIn = ({ min, max, unit }: { min: number; max: number; unit?: string }) => {
  const message = (iss: { input?: unknown }) => mustBe(`an integer ${rangeText(min, max, unit)}`, iss.input)
  return z.number({ error: message }).int({ error: message }).min(min, { error: message }).max(max, { error: message })
}

const numberIn = ({ min, max, unit }: { min: number; max: number; unit?: string }) => {
  const message = (iss: { input?: unknown }) => mustBe(`a number ${rangeText(min, max, unit)}`, iss.input)
  return z.number({ error: message }).min(min, { error: message }).max(max, { error: message })
}

/** A workload parameter as a number: a number, or numeric text ("2000"); anything else is NaN. */
const paramNumber = (value: unknown): number =>
  typeof value === 'number'
    ? value
    : typeof value === 'string' && /^\s*[+-]?\d+(\.\d*)?(e[+-]?\d+)?\s*$/i.test(value)
      ? Number(value)
      : NaN

const isIntegerIn = (value: number, min: number, max: number): boolean =>
  Number.isInteger(value) && value >= min && value <= max

/** Each field's range and, where it has one, the unit its messages name after the range. */
export const LIMITS = {
  workers: { min: 1, max: 256 },
  repetitions: { min: 1, max: 1000 },
  warmups: { min: 0, max: 100 },
  chunkSize: { min: 1, max: 100_000, unit: 'tasks' },
  timeoutMs: { min: 100, max: 24 * 3600 * 1000, unit: 'ms' },
  samplerHz: { min: 1, max: 100, unit: 'samples a second' },
  switchIntervalMs: { min: 0.001, max: 1000, unit: 'ms' },
} as const

const workloadIds = WORKLOADS.map((w) => w.id)
const strategyIds = STRATEGIES.map((s) => s.id)

export const runConfigSchema = z
  .object(
    {
      workload: z.string({ error: (iss) => mustBe(`one of ${workloadIds.join(', ')}`, iss.input) }),
      // Checked against the workload's own parameter specs below, so the message can name its range;
      // numbers or numeric text (a page's input field), which come out as numbers.
      params: z.record(z.string(), z.unknown()).default({}),
      strategies: z
        .array(z.string({ error: (iss) => mustBe('a strategy name', iss.input) }), {
          error: (iss) => mustBe('a list of strategies', iss.input),
        })
        .min(1, { error: 'must name at least one strategy' }),
      workers: z
        .array(intIn(LIMITS.workers), {
          error: (iss) => mustBe('a list of worker counts', iss.input),
        })
        .min(1, { error: 'must hold at least one worker count' })
        .default([1]),
      repetitions: intIn(LIMITS.repetitions).default(3),
      warmups: intIn(LIMITS.warmups).default(1),
      chunkSize: intIn(LIMITS.chunkSize).default(1),
      timeoutMs: intIn(LIMITS.timeoutMs).default(120_000),
      samplerHz: numberIn(LIMITS.samplerHz).default(10),
      /** Python interpreter for the py-* strategies: an id from catalog().runtimes or a path. */
      python: z
        .string({ error: (iss) => mustBe('a Python interpreter id or path', iss.input) })
        .min(1, { error: (iss) => mustBe('a Python interpreter id or path', iss.input) })
        .optional(),
      /** sys.setswitchinterval for the py-* strategies, in ms; left out, the interpreter's default. */
      switchIntervalMs: numberIn(LIMITS.switchIntervalMs).optional(),
      /** py-dask: the user's Dask scheduler (tcp://HOST:PORT); left out, py-dask starts a local cluster. */
      daskScheduler: daskSchedulerSchema.optional(),
      /** The user confirmed worker counts over MANY_WORKERS_PER_CORE × the logical cores (see manyWorkersProblem). */
      allowManyWorkers: z.boolean({ error: (iss) => mustBe('true or false', iss.input) }).optional(),
      /** The user's script, for workload `user` (and only for it). */
      userScript: userScriptSchema.optional(),
      /**
       * Measure the heartbeat (src/shared/heartbeat.ts) in every trial. Off unless asked: its
       * 100 wake-ups a second (and, under the GIL, its turns) would nudge the times of a speed race.
       */
      heartbeat: z.boolean({ error: (iss) => mustBe('true or false', iss.input) }).optional(),
    },
    { error: (iss) => `a run configuration ${mustBe('an object', iss.input)}` },
  )
  .strict()
  .superRefine((config, ctx) => {
    const workload = findWorkload(config.workload)
    if (!workload) {
      ctx.addIssue({
        code: 'custom',
        path: ['workload'],
        message: mustBe(`one of ${workloadIds.join(', ')}`, config.workload),
      })
    } else {
      for (const [name, value] of Object.entries(config.params)) {
        const spec = workload.params.find((p) => p.name === name)
        if (!spec) {
          ctx.addIssue({
            code: 'custom',
            path: ['params', name],
            message: `is not a parameter of ${workload.id} (it has ${workload.params.map((p) => p.name).join(', ')})`,
          })
        } else if (!isIntegerIn(paramNumber(value), spec.min, spec.max)) {
          ctx.addIssue({
            code: 'custom',
            path: ['params', name],
            message: mustBe(`an integer ${rangeText(spec.min, spec.max, spec.unit)}`, value),
          })
        }
      }
    }
    if (config.workload === USER_WORKLOAD && !config.userScript) {
      ctx.addIssue({ code: 'custom', path: ['userScript'], message: 'must name your script for workload user' })
    } else if (config.workload !== USER_WORKLOAD && config.userScript) {
      ctx.addIssue({ code: 'custom', path: ['userScript'], message: 'is only for workload user' })
    }
    config.strategies.forEach((id, i) => {
      const spec = findStrategy(id)
      const problem = spec && config.userScript ? scriptStrategyProblem(config.userScript, spec) : null
      if (problem) ctx.addIssue({ code: 'custom', path: ['strategies', i], message: problem })
      if (!spec) {
        ctx.addIssue({
          code: 'custom',
          path: ['strategies', i],
          message: mustBe(`one of ${strategyIds.join(', ')}`, id),
        })
      } else if (config.strategies.indexOf(id) !== i) {
        ctx.addIssue({ code: 'custom', path: ['strategies', i], message: `names ${id} twice` })
      }
    })
    if (
      config.daskScheduler !== undefined &&
      !config.strategies.some((id) => findStrategy(id)?.python?.mode === 'dask')
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['daskScheduler'],
        message: 'is only for py-dask, which this run does not include',
      })
    }
    config.workers.forEach((w, i) => {
      if (config.workers.indexOf(w) !== i) {
        ctx.addIssue({ code: 'custom', path: ['workers', i], message: `names ${w} twice` })
      }
    })
  })
  .transform((config) => ({
    ...config,
    params: Object.fromEntries(Object.entries(config.params).map(([name, value]) => [name, paramNumber(value)])),
  }))

/** Worker counts above this many per logical core need the user's confirmation (allowManyWorkers). */
export const MANY_WORKERS_PER_CORE = 4
const MANY_WORKERS_FLAG = '--allow-many-workers'

/**
 * Why a run must be confirmed before it starts: a worker count over MANY_WORKERS_PER_CORE ×
 * `logicalCores` for a strategy whose workers are threads or processes (it takes the worker
 * counts and its lanes are workers); null when it may start.
 */
export function manyWorkersProblem(
  config: { workers: readonly number[]; strategies: readonly string[]; allowManyWorkers?: boolean },
  logicalCores: number,
): string | null {
  if (config.allowManyWorkers) return null
  const bound = MANY_WORKERS_PER_CORE * Math.max(1, logicalCores)
  if (!config.workers.some((w) => w > bound)) return null
  // Named by their titles, as the screen shows them.
  const affected = config.strategies
    .map((id) => findStrategy(id))
    .filter((spec) => spec !== undefined && spec.takesWorkers && spec.lanes === 'workers')
    .map((spec) => spec!.title)
  if (affected.length === 0) return null
  const cores = `${logicalCores} logical core${logicalCores === 1 ? '' : 's'}`
  return `workers over ${bound} (${MANY_WORKERS_PER_CORE} × this machine's ${cores}) need confirmation for ${affected.join(', ')}: so many threads or processes can stall the machine; to run anyway set allowManyWorkers (CLI: ${MANY_WORKERS_FLAG})`
}

/** Whether an error message (as any transport passes it on) is manyWorkersProblem's refusal. */
export const isManyWorkersRefusal = (message: string): boolean =>
  message.includes('set allowManyWorkers (CLI: --allow-many-workers)')

/** What a caller may pass (defaults still missing). */
export type RunConfigInput = z.input<typeof runConfigSchema>
/** A validated configuration with every default filled in and every parameter a number. */
export type RunConfig = z.output<typeof runConfigSchema>

/** Raised for input the lab refuses; its message names the field and what is allowed. */
/** A ValidationError's message stops adding issues past this length (one line, under ~300 characters). */
const MESSAGE_BUDGET = 240

export class ValidationError extends Error {
  override name = 'ValidationError'
  constructor(readonly issues: string[]) {
    super(summariseIssues(issues))
  }
}

/** The first issues that fit MESSAGE_BUDGET, and how many more there are. */
function summariseIssues(issues: string[]): string {
  let message = ''
  let shown = 0
  for (const issue of issues) {
    const next = message ? `${message}; ${issue}` : issue
    if (shown > 0 && next.length > MESSAGE_BUDGET) break
    message = next.length > MESSAGE_BUDGET ? `${next.slice(0, MESSAGE_BUDGET - 1)}…` : next
    shown++
  }
  const more = issues.length - shown
  return more > 0 ? `${message} (and ${more} more problem${more === 1 ? '' : 's'})` : message
}

// Keys come from the input (a params record, unknown fields): a long or odd one is named by its length.
const formatPath = (path: ReadonlyArray<PropertyKey>): string =>
  path.reduce<string>(
    (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${showKey(key)}` : showKey(key)),
    '',
  )

const MAX_ISSUES_SHOWN = 5

/** Turns zod's issues into "field must be …" sentences; `under` names where the checked value sits. */
export function describeIssues(error: z.ZodError, under: ReadonlyArray<PropertyKey> = []): string[] {
  const shown = error.issues.slice(0, MAX_ISSUES_SHOWN).map((issue) => {
    const where = formatPath([...under, ...issue.path])
    if (issue.code === 'unrecognized_keys') {
      const more = issue.keys.length > 3 ? ` and ${issue.keys.length - 3} more` : ''
      const keys = issue.keys.slice(0, 3).map(showKey).join(', ') + more
      return `${where ? `${where}: ` : ''}unknown field${issue.keys.length > 1 ? 's' : ''} ${keys}`
    }
    return where ? `${where} ${issue.message}` : issue.message
  })
  const hidden = error.issues.length - shown.length
  return hidden > 0 ? [...shown, `and ${hidden} more problem${hidden > 1 ? 's' : ''}`] : shown
}

/** Where a value breaks its bounds, as an issue sentence ("args[0].params.size is nested deeper than 64 levels"). */
export function describeViolation(path: ReadonlyArray<PropertyKey>, problem: string): string {
  const where = formatPath(path)
  return where ? `${where} ${problem}` : problem
}

/** Validates with `schema`, throwing a ValidationError whose message names each bad field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value)
  if (!result.success) throw new ValidationError(describeIssues(result.error))
  return result.data
}

export function parseRunConfig(value: unknown): RunConfig {
  return parseOrThrow(runConfigSchema, value)
}

// ---- Run data model ----------------------------------------------------------------------

/** Most CPU µs one timeline slice may carry: a day, far beyond any task the limits allow. */
export const MAX_SLICE_CPU_US = 86_400e6

export const timelineSliceSchema = z.object({
  task: z.number().int(),
  /** Worker index (thread or process) that ran the task. */
  worker: z.number().int(),
  /** Row in the timeline: the worker for one-at-a-time strategies, a concurrency slot for async. */
  lane: z.number().int(),
  start: z.number(),
  end: z.number(),
  /**
   * µs of CPU the task's own thread spent between start and end (Python: time.thread_time), at
   * most end − start; the rest of the bar it waited (for the GIL, the OS or I/O). Absent where the
   * runtime cannot tell (Node, asyncio, Dask) and in runs recorded before it was measured.
   */
  cpu: z.number().min(0).max(MAX_SLICE_CPU_US).optional(),
})
export type TimelineSlice = z.infer<typeof timelineSliceSchema>

export const sampleSchema = z.object({
  /** µs since the run's clock origin. */
  t: z.number(),
  /** Utilisation of each logical core in percent, 0–100. */
  cores: z.array(z.number()),
  /** Memory resident in the lab and its children, bytes. */
  rss: z.number(),
})
export type Sample = z.infer<typeof sampleSchema>

export const trialSchema = z.object({
  strategy: z.string(),
  workers: z.number().int(),
  repetition: z.number().int(),
  warmup: z.boolean(),
  /** µs since the run's clock origin. */
  start: z.number(),
  wallMs: z.number(),
  /** null: not measured (a user's Dask cluster runs the tasks in processes the lab cannot read). */
  cpuMs: z.number().nullable(),
  peakRssBytes: z.number().nullable(),
  /**
   * CPU the rest of the machine used during the trial (every core's busy time less the lab's own
   * CPU), in core-ms: load from other programs that competes with the workers. Absent in old files.
   */
  otherCpuMs: z.number().nullable().optional(),
  checksum: z.number().nullable(),
  timeline: z.array(timelineSliceSchema),
  /** Index range [from, to) into the run's samples that fell inside this trial. */
  samples: z.tuple([z.number().int(), z.number().int()]),
  error: z.string().nullable(),
  /** How late the heartbeat's ticks fired (runs with `heartbeat` on; absent in older files). */
  heartbeat: heartbeatSummarySchema.optional(),
})
export type Trial = z.infer<typeof trialSchema>

export const groupStatsSchema = z.object({
  strategy: z.string(),
  workers: z.number().int(),
  n: z.number().int(),
  meanMs: z.number(),
  medianMs: z.number(),
  stdevMs: z.number(),
  minMs: z.number(),
  maxMs: z.number(),
  ci95Ms: z.tuple([z.number(), z.number()]),
  /** null: not measured for some trial of the group (a user's Dask cluster). */
  cpuMs: z.number().nullable(),
  /** CPU time / (wall time × logical cores), 0–1; null when cpuMs is. */
  cpuUtilisation: z.number().nullable(),
  speedup: z.number().nullable(),
  efficiency: z.number().nullable(),
  noisy: z.boolean(),
  /** Cores that other programs kept busy while this group ran, on average (null: not measured). */
  otherCores: z.number().nullable().optional(),
  checksumOk: z.boolean(),
})
export type GroupStats = z.infer<typeof groupStatsSchema>

export const clusterSchema = z.object({
  kind: z.enum(['local', 'remote']),
  /** The scheduler's address, for a cluster the lab did not start. */
  address: z.string().max(200).optional(),
  workers: z.number().int().min(0).max(100_000),
  threads: z.number().int().min(0).max(10_000_000),
  /** Package versions as the client reports them (python, dask, distributed…). */
  versions: z.record(z.string().max(40), z.string().max(60)).refine((v) => Object.keys(v).length <= 20),
})
export type ClusterInfo = z.infer<typeof clusterSchema>

export const machineSchema = z.object({
  cpuModel: z.string(),
  logicalCores: z.number().int(),
  physicalCores: z.number().int().nullable(),
  memoryBytes: z.number(),
  os: z.string(),
  node: z.string(),
  // Fingerprint fields added with sessions; optional so that runs recorded before them still parse.
  /** process.platform and process.arch, e.g. linux and x64. */
  platform: z.string().optional(),
  arch: z.string().optional(),
  /** Kernel release (uname -r). */
  kernel: z.string().optional(),
  /** The distribution or OS product name where the OS says it (/etc/os-release), else null. */
  osName: z.string().nullable().optional(),
  electron: z.string().nullable().optional(),
  /** Version of the Python the py-* strategies use by default, where one was found. */
  python: z.string().nullable().optional(),
  /** CPU frequency governor or power setting, where the OS tells it (Linux cpufreq). */
  cpuGovernor: z.string().nullable().optional(),
  /** The Dask cluster a py-dask run used (issue 14): the lab's own LocalCluster, its size and versions. */
  cluster: clusterSchema.nullable().optional(),
})
export type MachineInfo = z.infer<typeof machineSchema>

/**
 * `running` in a file is a checkpoint of a run in progress; read back where no live lab owns that
 * run, it is `interrupted`: the lab ended (closed, crashed, killed) before the run did.
 */
export const runStatusSchema = z.enum(['running', 'finished', 'stopped', 'failed', 'interrupted'])
export type RunStatus = z.infer<typeof runStatusSchema>

export const runSchema = z.object({
  id: z.string(),
  config: runConfigSchema,
  status: runStatusSchema,
  /** Epoch µs every time in the run counts from. */
  clockOrigin: z.number(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  machine: machineSchema,
  trials: z.array(trialSchema),
  samples: z.array(sampleSchema),
  stats: z.array(groupStatsSchema),
  /** The checksum every strategy must produce, and a message when one did not. */
  checksum: z.number().nullable(),
  errors: z.array(z.string()),
  /**
   * Set when the run alone was too large for a session file and its timelines were thinned to
   * fit: every `keepEvery`-th slice of each trial was kept, `kept` of `slices`. Statistics, CPU
   * and samples are whole. Absent: the timelines are complete.
   */
  timelineThinned: z
    .object({ keepEvery: z.number().int().min(2), slices: z.number().int().min(0), kept: z.number().int().min(0) })
    .strict()
    .optional(),
  /** The interpreter the py-* strategies ran on, as it described itself. */
  python: z
    .object({
      executable: z.string(),
      version: z.string(),
      freeThreaded: z.boolean(),
      gil: z.boolean(),
      switchIntervalMs: z.number(),
    })
    .nullable()
    .optional(),
})
export type Run = z.infer<typeof runSchema>
