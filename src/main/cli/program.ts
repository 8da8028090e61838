// concurrency-lab: the headless CLI over LabHost — its commands, their options and exit codes.
// Exit codes: 0 success; 1 a trial failed, checksums disagree or a file could not be written;
// 2 invalid arguments or a session file that cannot be read; 130 Ctrl-C.
// Every option is checked by the same functions whether the command then runs (main) or only the
// command line is checked (parseCommandLine, which the fuzz test calls in process).
import { randomUUID } from 'node:crypto'
import { existsSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { Command, CommanderError, Option } from 'commander'
import { compareRuns } from '../../shared/compare'
import { EXPORT_FORMATS, exportRun, type ExportFormat } from '../../shared/export'
import { LIMITS, ValidationError, parseRunConfig, type Run } from '../../shared/schemas'
import { SessionError, newSession, oneLine, sessionIdSchema, withRun, type Session } from '../../shared/session'
import { defaultDataDir } from '../lab/data-dir'
import { LabHost } from '../lab/host'
import { NodeProcessLauncher } from '../lab/launcher'
import { machineInfo } from '../lab/machine'
import { Sampler } from '../lab/sampler'
import { SessionStore, readSessionFile, writeSessionFile } from '../lab/sessions'
import { readInputsFile } from '../lab/user-script'
import type { UserInputs } from '../../shared/user-script'
import { formatCatalog, formatComparison, formatRun, formatSession, formatSessionList } from './format'
import { buildConfig, collectParam, numberOption, UsageError, type RunOptions } from './config'
import { ProgressBar } from './progress'
import {
  addC10kCommands,
  c10kCommand,
  c10kSweep,
  serveModelCommand,
  serveSettings,
  type C10kOptions,
  type ServeModelOptions,
} from './c10k'
import { formatTune, tune, tuneBounds, type TuneOptions } from './tune'
import {
  addExperimentCommand,
  experimentCommand,
  experimentSettings,
  presetRunOptions,
  type ExperimentOptions,
} from './experiment'
import { onStopSignals } from './signals'

function workerEntries() {
  return {
    thread: fileURLToPath(new URL('./thread-entry.js', import.meta.url)),
    process: fileURLToPath(new URL('./process-entry.js', import.meta.url)),
  }
}

/** The run configuration of `run`'s options, checked by the schema too: what runCommand starts. */
function runConfig(options: RunOptions, inputs?: UserInputs) {
  if (options.name !== undefined && options.name.length > 200)
    throw new UsageError('--name must be at most 200 characters')
  return parseRunConfig(buildConfig(options, inputs))
}

async function runCommand(options: RunOptions): Promise<number> {
  // Options are read before anything starts, so a bad one leaves nothing to clean up.
  runConfig(options)
  const config = runConfig(options, options.inputs !== undefined ? await readInputsFile(options.inputs) : undefined)
  const host = new LabHost({
    entries: workerEntries(),
    launcher: new NodeProcessLauncher(),
    ...(options.autosave ? { sessionsDir: options.dataDir } : {}),
  })
  if (options.autosave && options.name !== undefined) await host.newSession(options.name)
  const bar = new ProgressBar()
  let lastWall: number | null = null
  host.onEvent((event) => {
    if (event.type === 'trial-end') lastWall = event.trial.error ? null : event.trial.wallMs
    if (event.type === 'progress' && options.progress) bar.update(event, lastWall)
    if (event.type === 'notice') {
      bar.clear()
      process.stderr.write(`note: ${event.message}\n`)
    }
  })
  // Listening before the run starts: its workers may exist before startRun resolves, and a
  // Ctrl-C then must stop them rather than kill the CLI and leave them behind.
  let runId: string | undefined
  let interrupted = false
  const onSigint = (): void => {
    if (interrupted) return
    interrupted = true
    bar.clear()
    process.stderr.write('Stopping: ending every worker…\n')
    if (runId !== undefined) void host.stopRun(runId)
  }
  const stopListening = onStopSignals(onSigint)
  let run: Run
  let session: Session | null
  let saveProblem: string | null = null
  try {
    runId = await host.startRun(config)
    if (interrupted) void host.stopRun(runId)
    run = await host.waitForRun(runId)
    const autosave = await host.autosaved(runId)
    if (options.autosave && !autosave.saved) saveProblem = autosave.reason
    session = await host.currentSession()
  } finally {
    stopListening()
    bar.clear()
    await host.shutdown()
  }
  if (options.out) {
    // The same session the run autosaved into, or (autosave off) a session holding just this run.
    const toWrite =
      session ??
      withRun(
        newSession({ id: randomUUID(), name: options.name ?? `${run.config.workload} run`, machine: machineInfo() }),
        run,
      )
    try {
      await writeSessionFile(options.out, toWrite)
    } catch (error) {
      saveProblem = error instanceof Error ? error.message : String(error)
    }
  }
  process.stdout.write(options.json ? JSON.stringify(run, null, 2) + '\n' : formatRun(run) + '\n')
  if (saveProblem) process.stderr.write(`error: ${saveProblem}\n`)
  if (interrupted) return 130
  if (saveProblem) return 1
  if (run.errors.length > 0) {
    const more = run.errors.length > 1 ? ` (and ${run.errors.length - 1} more)` : ''
    process.stderr.write(`error: ${run.errors[0]}${more}\n`)
    return 1
  }
  return 0
}

type TuneCommandOptions = RunOptions & TuneOptions

/** `tune`'s run configuration (workers come from the search) and its bounds; nothing is read or started. */
function tuneSettings(options: TuneCommandOptions, inputs?: UserInputs) {
  const config = runConfig({ ...options, workers: '1' }, inputs)
  return { config, bounds: tuneBounds(config, options) }
}

async function tuneCommand(options: TuneCommandOptions): Promise<number> {
  tuneSettings(options)
  const inputs = options.inputs !== undefined ? await readInputsFile(options.inputs) : undefined
  const { config, bounds } = tuneSettings(options, inputs)
  const entries = workerEntries()
  const search = new LabHost({ entries, launcher: new NodeProcessLauncher() })
  const host = new LabHost({
    entries,
    launcher: new NodeProcessLauncher(),
    ...(options.autosave ? { sessionsDir: options.dataDir } : {}),
  })
  let stopping = false
  const onSigint = (): void => {
    stopping = true
    process.stderr.write('Stopping: the search keeps what it learnt…\n')
  }
  const stopListening = onStopSignals(onSigint)
  try {
    const report = await tune(
      config,
      { ...bounds, budgetMs: bounds.budgetMs },
      search,
      host,
      (line) => {
        if (options.progress) process.stderr.write(`${line}\n`)
      },
      () => stopping,
    )
    process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatTune(report)}\n`)
    return report.winner === null ? 1 : 0
  } finally {
    stopListening()
    await search.shutdown()
    await host.shutdown()
  }
}

/** Opens a session file, or a library session by id when no such file exists. */
async function openSessionArg(arg: string, dataDir: string): Promise<{ session: Session; source: string }> {
  if (!existsSync(arg) && sessionIdSchema.safeParse(arg).success) {
    const store = new SessionStore(dataDir)
    if (existsSync(store.pathOf(arg))) return { session: await store.open(arg), source: store.pathOf(arg) }
  }
  return { session: (await readSessionFile(arg)).session, source: arg }
}

/** Largest run number --run, --run-a and --run-b take (a session file within its limit holds fewer). */
export const MAX_RUN_NUMBER = 100_000
/** Longest `sample --seconds`: a week. */
export const MAX_SAMPLE_SECONDS = 7 * 24 * 3600

/** A run number option (1-based) by the shared rules, or undefined when it was not given. */
function runNumberOption(text: string | undefined, option: string): number | undefined {
  if (text === undefined) return undefined
  return numberOption(text, { field: option, min: 1, max: MAX_RUN_NUMBER, integer: true })
}

/** The run `index` (1-based, already read by runNumberOption) of a session, or its last run. */
function pickRun(session: Session, source: string, index: number | undefined, option: string): Run {
  const count = session.runs.length
  if (count === 0) throw new UsageError(`${source} holds no runs`)
  if (index === undefined) return session.runs[count - 1]!
  if (index > count) {
    throw new UsageError(
      `${option} must be a run number from 1 to ${count} (${source} holds ${count} run${count === 1 ? '' : 's'})`,
    )
  }
  return session.runs[index - 1]!
}

function formatOption(text: string): ExportFormat {
  if (!EXPORT_FORMATS.includes(text as ExportFormat))
    throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(', ')}`)
  return text as ExportFormat
}

interface FileOptions {
  dataDir: string
}

async function showCommand(file: string, options: FileOptions & { json?: boolean }): Promise<number> {
  const { session, source } = await openSessionArg(file, options.dataDir)
  process.stdout.write(options.json ? `${JSON.stringify(session, null, 2)}\n` : `${formatSession(session, source)}\n`)
  return 0
}

async function compareCommand(
  fileA: string,
  fileB: string,
  options: FileOptions & { runA?: string; runB?: string; json?: boolean },
): Promise<number> {
  const numberA = runNumberOption(options.runA, '--run-a')
  const numberB = runNumberOption(options.runB, '--run-b')
  const a = await openSessionArg(fileA, options.dataDir)
  const b = await openSessionArg(fileB, options.dataDir)
  const runA = pickRun(a.session, a.source, numberA, '--run-a')
  const runB = pickRun(b.session, b.source, numberB, '--run-b')
  const comparison = compareRuns(runA, runB)
  process.stdout.write(
    options.json
      ? `${JSON.stringify(comparison, null, 2)}\n`
      : `${formatComparison(comparison, { source: a.source, run: runA }, { source: b.source, run: runB })}\n`,
  )
  return 0
}

async function exportCommand(
  file: string,
  options: FileOptions & { format: string; run?: string; out?: string },
): Promise<number> {
  const format = formatOption(options.format)
  const number = runNumberOption(options.run, '--run')
  const { session, source } = await openSessionArg(file, options.dataDir)
  const text = exportRun(pickRun(session, source, number, '--run'), format, session)
  if (options.out) await writeFile(options.out, text)
  else process.stdout.write(text)
  return 0
}

async function sessionsCommand(options: FileOptions & { json?: boolean }): Promise<number> {
  const list = await new SessionStore(options.dataDir).list()
  process.stdout.write(
    options.json ? `${JSON.stringify(list, null, 2)}\n` : `${formatSessionList(list, options.dataDir)}\n`,
  )
  return 0
}

interface SampleOptions {
  hz: string
  seconds?: string
  summary?: boolean
  json?: boolean
}

/** `sample`'s rate, and how long it samples (null: until Ctrl-C). */
function sampleSettings(options: SampleOptions): { hz: number; seconds: number | null } {
  return {
    hz: numberOption(options.hz, { field: '--hz', ...LIMITS.samplerHz }),
    seconds:
      options.seconds === undefined
        ? null
        : numberOption(options.seconds, { field: '--seconds', min: 0.001, max: MAX_SAMPLE_SECONDS, unit: 's' }),
  }
}

/** Watches every core like `mpstat -P ALL`: a line per sample, or only the averages at the end. */
async function sampleCommand(options: SampleOptions): Promise<number> {
  const { hz, seconds } = sampleSettings(options)
  const sums: number[] = []
  let count = 0
  const sampler = new Sampler({
    hz,
    clockOrigin: Math.round(Date.now() * 1000),
    onSample: (sample) => {
      count++
      sample.cores.forEach((c, i) => (sums[i] = (sums[i] ?? 0) + c))
      if (options.summary) return
      if (options.json) process.stdout.write(`${JSON.stringify(sample)}\n`)
      else
        process.stdout.write(
          `${(sample.t / 1e6).toFixed(1).padStart(7)} s  ${sample.cores.map((c) => `${c.toFixed(0).padStart(3)}%`).join(' ')}\n`,
        )
    },
  })
  sampler.start()
  // Until Ctrl-C (or SIGTERM) or the seconds are up, whichever comes first; the other is undone,
  // so neither a listener nor a timer outlives the command.
  let timer: NodeJS.Timeout | undefined
  let stopListening = (): void => undefined
  await new Promise<void>((resolve) => {
    stopListening = onStopSignals(resolve)
    if (seconds !== null) timer = setTimeout(resolve, seconds * 1000)
  })
  stopListening()
  clearTimeout(timer)
  sampler.stop()
  const means = sums.map((s) => s / Math.max(count, 1))
  if (options.json) {
    if (options.summary) process.stdout.write(`${JSON.stringify({ samples: count, meanPercent: means })}\n`)
  } else {
    process.stdout.write(
      `${count} samples · mean per core: ${means.map((m, i) => `cpu${i} ${m.toFixed(1)}%`).join(', ')}\n`,
    )
  }
  return 0
}

type CompareOptions = FileOptions & { runA?: string; runB?: string; json?: boolean }
type ExportOptions = FileOptions & { format: string; run?: string; out?: string }

/** What each command does with its checked arguments: run it (main), or only check them (parseCommandLine). */
export interface CommandHandlers {
  list(options: { json?: boolean }): void | Promise<void>
  sample(options: SampleOptions): void | Promise<void>
  run(options: RunOptions): void | Promise<void>
  tune(options: TuneCommandOptions): void | Promise<void>
  show(file: string, options: FileOptions & { json?: boolean }): void | Promise<void>
  compare(fileA: string, fileB: string, options: CompareOptions): void | Promise<void>
  export(file: string, options: ExportOptions): void | Promise<void>
  sessions(options: FileOptions & { json?: boolean }): void | Promise<void>
  c10k(options: C10kOptions): void | Promise<void>
  serveModel(options: ServeModelOptions): void | Promise<void>
  experiment(name: string | undefined, options: ExperimentOptions): void | Promise<void>
}

/** The checks of each command: the same arguments, and what they make of them. */
type CommandChecks = { [K in keyof CommandHandlers]: (...args: Parameters<CommandHandlers[K]>) => unknown }

const RUN_COMMANDS: CommandHandlers = {
  async list(options) {
    const host = new LabHost({ entries: workerEntries(), launcher: new NodeProcessLauncher() })
    const catalog = await host.catalog()
    process.stdout.write((options.json ? JSON.stringify(catalog, null, 2) : formatCatalog(catalog)) + '\n')
  },
  sample: async (options) => {
    process.exitCode = await sampleCommand(options)
  },
  run: async (options) => {
    process.exitCode = await runCommand(options)
  },
  tune: async (options) => {
    process.exitCode = await tuneCommand(options)
  },
  show: async (file, options) => {
    process.exitCode = await showCommand(file, options)
  },
  compare: async (fileA, fileB, options) => {
    process.exitCode = await compareCommand(fileA, fileB, options)
  },
  export: async (file, options) => {
    process.exitCode = await exportCommand(file, options)
  },
  sessions: async (options) => {
    process.exitCode = await sessionsCommand(options)
  },
  c10k: async (options) => {
    process.exitCode = await c10kCommand(options)
  },
  serveModel: async (options) => {
    process.exitCode = await serveModelCommand(options)
  },
  experiment: async (name, options) => {
    const asRun = presetRunOptions(name, options)
    process.exitCode = asRun ? await runCommand(asRun) : await experimentCommand(name, options)
  },
}

// Checks every option as the command would, and touches nothing: no files, no runs, no output.
const CHECK_ONLY: CommandChecks = {
  list: () => undefined,
  sample: (options) => sampleSettings(options),
  run: (options) => runConfig(options),
  tune: (options) => tuneSettings(options),
  show: () => undefined,
  compare: (_a, _b, options) => [runNumberOption(options.runA, '--run-a'), runNumberOption(options.runB, '--run-b')],
  export: (_file, options) => [formatOption(options.format), runNumberOption(options.run, '--run')],
  sessions: () => undefined,
  c10k: (options) => c10kSweep(options),
  serveModel: (options) => serveSettings(options),
  experiment: (name, options) => {
    const asRun = presetRunOptions(name, options)
    return asRun ? runConfig(asRun) : experimentSettings(name, options)
  },
}

export function makeProgram(
  handlers: CommandHandlers = RUN_COMMANDS,
  output: { writeOut: (text: string) => void } = { writeOut: (text) => process.stdout.write(text) },
): Command {
  const program = new Command('concurrency-lab')
    .description('Run real workloads under real concurrency strategies and measure them.')
    .exitOverride()
    // Errors are written once, on one line, by main (commander would add the whole help).
    .configureOutput({ writeOut: output.writeOut, writeErr: () => undefined, outputError: () => undefined })
  program
    .command('list')
    .description('list workloads (with parameters and defaults) and strategies')
    .option('--json', 'print the catalog as JSON')
    .action((options: { json?: boolean }) => handlers.list(options))
  program
    .command('sample')
    .description('watch the utilisation of every core (like mpstat -P ALL) until Ctrl-C or --seconds')
    .option('--hz <hz>', 'samples per second', '10')
    .option('--seconds <s>', 'stop after this many seconds')
    .option('--summary', 'print only the mean per core at the end')
    .option('--json', 'print JSON lines')
    .action((options: SampleOptions) => handlers.sample(options))
  program
    .command('run')
    .description('run a workload, or your own function, under each strategy and print the results')
    .option('-w, --workload <id>', 'workload to run (see `list`)')
    .option('--script <file>', 'your own code: a .py file, or a .mjs/.js module whose default export takes one input')
    .option('--function <name>', 'the function of a .py script to call once per input')
    .option('--inputs <file>', "your function's inputs: a JSON array, or JSON lines (one value a line)")
    .option('--range <n>', 'call your function on 0 … n−1')
    .option(
      '-s, --strategies <list>',
      'comma-separated strategies (default: sequential,async,threads,processes; for a .py script the py-* ones)',
    )
    .option('-n, --workers <list>', 'comma-separated worker counts (a sweep)', '1,2')
    .option('-r, --repeat <n>', 'measured repetitions per strategy and worker count', '3')
    .option('--warmup <n>', 'warm-up repetitions, run first and left out of the statistics', '1')
    .option('-p, --param <name=value>', 'a workload parameter (repeatable)', collectParam, {})
    .option('--chunk <n>', 'tasks sent to a worker per message', '1')
    .option('--timeout <ms>', 'per-trial timeout in milliseconds', '120000')
    .option('--sampler-hz <hz>', 'CPU samples per second', '10')
    .option('--python <id|path>', 'Python interpreter for the py-* strategies (default: python3 on PATH)')
    .option('--switch-interval <ms>', "Python's thread switch interval (sys.setswitchinterval) for the py-* strategies")
    .option('--heartbeat', 'measure how late a 10 ms timer fires on the scheduler that runs the tasks (p50/p99/max)')
    .option(
      '--dask-scheduler <tcp://host:port>',
      'py-dask: run on your Dask cluster at this scheduler address (default: a local cluster the lab starts and stops; the lab never stops yours)',
    )
    .option(
      '--allow-many-workers',
      'allow worker counts over 4 × the logical cores for threads and processes (they can stall the machine)',
    )
    .option('--json', 'print the whole run (config, trials, stats, samples) as JSON')
    .option('-o, --out <file>', 'also write a session file holding the run (open it with `show`, `compare`, `export`)')
    .option('--name <name>', 'name of the new session the run is saved into')
    .option(
      '--data-dir <dir>',
      'session library the run autosaves into (env CONCURRENCY_LAB_DATA_DIR)',
      defaultDataDir(),
    )
    .option('--no-autosave', 'do not save the run into the session library')
    .addOption(new Option('--no-progress', 'do not draw the progress bar on stderr'))
    .action((options: RunOptions) => handlers.run(options))
  program
    .command('tune')
    .description(
      'find the best worker count of each strategy for a workload or your code, with 95% confidence intervals',
    )
    .option('-w, --workload <id>', 'workload to tune (see `list`)')
    .option('--script <file>', 'your own code: a .py file, or a .mjs/.js module whose default export takes one input')
    .option('--function <name>', 'the function of a .py script to call once per input')
    .option('--inputs <file>', "your function's inputs: a JSON array, or JSON lines")
    .option('--range <n>', 'call your function on 0 … n−1')
    .option('-s, --strategies <list>', 'comma-separated strategies (as for run)')
    .option('-p, --param <name=value>', 'a workload parameter (repeatable)', collectParam, {})
    .option('--max-workers <n>', 'most workers to try (default 4 × the cores; 256 for I/O with --allow-many-workers)')
    .option(
      '--budget <s>',
      'time budget of the search in seconds; the search keeps what it learnt when it runs out',
      '300',
    )
    .option('-r, --repeat <n>', 'measured repetitions at each worker count tried', '3')
    .option('--warmup <n>', 'warm-up repetitions at each worker count tried', '1')
    .option('--chunk <n>', 'tasks sent to a worker per message', '1')
    .option('--timeout <ms>', 'per-trial timeout in milliseconds', '120000')
    .option('--sampler-hz <hz>', 'CPU samples per second', '10')
    .option('--python <id|path>', 'Python interpreter for the py-* strategies')
    .option('--allow-many-workers', 'allow worker counts over 4 × the logical cores')
    .option('--json', 'print the search and the final run as JSON')
    .option('--data-dir <dir>', 'session library the final run autosaves into', defaultDataDir())
    .option('--no-autosave', 'do not save the final run into the session library')
    .addOption(new Option('--no-progress', 'do not report each step of the search on stderr'))
    .action((options: TuneCommandOptions) => handlers.tune(options))
  const dataDir = (): Option =>
    new Option(
      '--data-dir <dir>',
      'session library, for FILE given as a session id (env CONCURRENCY_LAB_DATA_DIR)',
    ).default(defaultDataDir())
  program
    .command('show')
    .description('print the runs of a session file (or a library session id) as tables')
    .argument('<file>', 'session file, or the id of a session in the library')
    .option('--json', 'print the session as JSON (runs as the lab holds them)')
    .addOption(dataDir())
    .action((file: string, options: FileOptions & { json?: boolean }) => handlers.show(file, options))
  program
    .command('compare')
    .description(
      'compare a run of FILE_A with a run of FILE_B: "x ± y times faster", Welch\'s t-test, machine differences',
    )
    .argument('<file-a>', 'session file (or library id) of run A')
    .argument('<file-b>', 'session file (or library id) of run B')
    .option('--run-a <n>', 'run number in FILE_A, from 1 (default: the last run)')
    .option('--run-b <n>', 'run number in FILE_B, from 1 (default: the last run)')
    .option('--json', 'print the comparison as JSON')
    .addOption(dataDir())
    .action((fileA: string, fileB: string, options: CompareOptions) => handlers.compare(fileA, fileB, options))
  program
    .command('export')
    .description('export a run of a session file as JSON, CSV (one row per trial) or a Markdown report')
    .argument('<file>', 'session file, or the id of a session in the library')
    .requiredOption('-f, --format <format>', `one of ${EXPORT_FORMATS.join(', ')}`)
    .option('--run <n>', 'run number, from 1 (default: the last run)')
    .option('-o, --out <file>', 'write to this file instead of stdout')
    .addOption(dataDir())
    .action((file: string, options: ExportOptions) => handlers.export(file, options))
  program
    .command('sessions')
    .description('list the sessions of the library (name, date, machine, number of runs)')
    .option('--json', 'print the list as JSON')
    .addOption(dataDir())
    .action((options: FileOptions & { json?: boolean }) => handlers.sessions(options))
  addC10kCommands(program, handlers)
  addExperimentCommand(program, (name, options) => handlers.experiment(name, options))
  return program
}

// A session that cannot be written is the machine's problem (1); one that cannot be read is bad input (2).
const WRITE_PROBLEMS = new Set(['no-space', 'read-only', 'write-failed'])

/** The exit code of an error thrown by a command, and its one line for stderr (null: nothing to say). */
export function failure(error: unknown): { exitCode: number; error: string | null } {
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.exitCode === 0)
      return { exitCode: 0, error: null }
    // Commander names the unknown option or command; one bounded line, and where to read more.
    return { exitCode: 2, error: `${oneLine(error.message.replace(/^error: /, ''), 200)} (see --help)` }
  }
  const message = oneLine(error instanceof Error ? error.message : String(error), 1000)
  const usage =
    error instanceof ValidationError ||
    error instanceof UsageError ||
    (error instanceof SessionError && !WRITE_PROBLEMS.has(error.problem))
  return { exitCode: usage ? 2 : 1, error: message }
}

/** A command line checked without running it: what `main` would run, or its exit code and one-line error. */
export type CheckedCommandLine =
  { ok: true; command: string; checked: unknown } | { ok: false; exitCode: number; error: string | null }

/** Parses and checks `argv` as main does, in process, without running anything or writing any output. */
export function parseCommandLine(argv: readonly string[]): CheckedCommandLine {
  let command = ''
  let checked: unknown
  const record =
    (name: keyof CommandHandlers) =>
    (...args: unknown[]): void => {
      command = name
      checked = (CHECK_ONLY[name] as (...a: unknown[]) => unknown)(...args)
    }
  const handlers = Object.fromEntries(
    (Object.keys(CHECK_ONLY) as Array<keyof CommandHandlers>).map((name) => [name, record(name)]),
  ) as unknown as CommandHandlers
  try {
    makeProgram(handlers, { writeOut: () => undefined }).parse([...argv], { from: 'user' })
  } catch (error) {
    return { ok: false, ...failure(error) }
  }
  return command === '' ? { ok: false, exitCode: 0, error: null } : { ok: true, command, checked }
}

export async function main(argv: string[]): Promise<number> {
  try {
    await makeProgram().parseAsync(argv, { from: 'user' })
    return Number(process.exitCode ?? 0)
  } catch (error) {
    const { exitCode, error: message } = failure(error)
    if (message !== null) process.stderr.write(`error: ${message}\n`)
    return exitCode
  }
}
