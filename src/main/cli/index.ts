// concurrency-lab: the headless CLI over LabHost.
// Exit codes: 0 success; 1 a trial failed or checksums disagree; 2 invalid arguments; 130 Ctrl-C.
import { writeFile, rename } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { Command, CommanderError, Option } from 'commander'
import { ValidationError, type Run, type RunConfigInput } from '../../shared/schemas'
import { LabHost } from '../lab/host'
import { NodeProcessLauncher } from '../lab/launcher'
import { Sampler } from '../lab/sampler'
import { formatCatalog, formatRun } from './format'
import { ProgressBar } from './progress'

class UsageError extends Error {}

/** Keeps what is not a plain number as text, so the schema's message can show it. */
function numberOrText(text: string): number | string {
  return /^[-+]?\d+(\.\d+)?(e\d+)?$/i.test(text.trim()) ? Number(text) : text
}

function list(text: string): Array<number | string> {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(numberOrText)
}

function collectParam(text: string, previous: Record<string, number | string>): Record<string, number | string> {
  const eq = text.indexOf('=')
  if (eq <= 0) throw new UsageError(`--param takes name=value, got ${JSON.stringify(text)}`)
  return { ...previous, [text.slice(0, eq).trim()]: numberOrText(text.slice(eq + 1)) }
}

async function writeAtomically(path: string, text: string): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`
  await writeFile(temp, text)
  await rename(temp, path)
}

interface RunOptions {
  workload: string
  strategies: string
  workers: string
  repeat: string
  warmup: string
  param: Record<string, number | string>
  chunk: string
  timeout: string
  samplerHz: string
  json?: boolean
  out?: string
  progress: boolean
}

export function buildConfig(options: RunOptions): RunConfigInput {
  return {
    workload: options.workload,
    strategies: list(options.strategies).map(String),
    workers: list(options.workers),
    repetitions: numberOrText(options.repeat),
    warmups: numberOrText(options.warmup),
    chunkSize: numberOrText(options.chunk),
    timeoutMs: numberOrText(options.timeout),
    samplerHz: numberOrText(options.samplerHz),
    params: options.param,
  } as RunConfigInput
}

function workerEntries() {
  return {
    thread: fileURLToPath(new URL('./thread-entry.js', import.meta.url)),
    process: fileURLToPath(new URL('./process-entry.js', import.meta.url)),
  }
}

async function runCommand(options: RunOptions): Promise<number> {
  const host = new LabHost({ entries: workerEntries(), launcher: new NodeProcessLauncher() })
  const bar = new ProgressBar()
  let lastWall: number | null = null
  host.onEvent((event) => {
    if (event.type === 'trial-end') lastWall = event.trial.error ? null : event.trial.wallMs
    if (event.type === 'progress' && options.progress) bar.update(event, lastWall)
  })
  const runId = await host.startRun(buildConfig(options))
  let interrupted = false
  const onSigint = (): void => {
    if (interrupted) return
    interrupted = true
    bar.clear()
    process.stderr.write('Stopping: ending every worker…\n')
    void host.stopRun(runId)
  }
  process.on('SIGINT', onSigint)
  process.on('SIGTERM', onSigint)
  let run: Run
  try {
    run = await host.waitForRun(runId)
  } finally {
    process.off('SIGINT', onSigint)
    process.off('SIGTERM', onSigint)
    bar.clear()
    await host.shutdown()
  }
  const json = JSON.stringify(run, null, 2)
  if (options.out) await writeAtomically(options.out, json + '\n')
  process.stdout.write(options.json ? json + '\n' : formatRun(run) + '\n')
  if (interrupted) return 130
  if (run.errors.length > 0) {
    const more = run.errors.length > 1 ? ` (and ${run.errors.length - 1} more)` : ''
    process.stderr.write(`error: ${run.errors[0]}${more}\n`)
    return 1
  }
  return 0
}

interface SampleOptions {
  hz: string
  seconds?: string
  summary?: boolean
  json?: boolean
}

/** Watches every core like `mpstat -P ALL`: a line per sample, or only the averages at the end. */
async function sampleCommand(options: SampleOptions): Promise<number> {
  const hz = Number(options.hz)
  const seconds = options.seconds === undefined ? Number.POSITIVE_INFINITY : Number(options.seconds)
  if (!Number.isFinite(hz) || hz < 1 || hz > 100) throw new UsageError(`--hz must be a number from 1 to 100, got ${JSON.stringify(options.hz)}`)
  if (!(seconds > 0)) throw new UsageError(`--seconds must be a positive number, got ${JSON.stringify(options.seconds)}`)
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
      else process.stdout.write(`${(sample.t / 1e6).toFixed(1).padStart(7)} s  ${sample.cores.map((c) => `${c.toFixed(0).padStart(3)}%`).join(' ')}\n`)
    },
  })
  sampler.start()
  await new Promise<void>((resolve) => {
    const done = (): void => resolve()
    process.once('SIGINT', done)
    if (Number.isFinite(seconds)) setTimeout(done, seconds * 1000)
  })
  sampler.stop()
  const means = sums.map((s) => s / Math.max(count, 1))
  if (options.json) {
    if (options.summary) process.stdout.write(`${JSON.stringify({ samples: count, meanPercent: means })}\n`)
  } else {
    process.stdout.write(`${count} samples · mean per core: ${means.map((m, i) => `cpu${i} ${m.toFixed(1)}%`).join(', ')}\n`)
  }
  return 0
}

export function makeProgram(): Command {
  const program = new Command('concurrency-lab')
    .description('Run real workloads under real concurrency strategies and measure them.')
    .exitOverride()
    .showHelpAfterError()
  program
    .command('list')
    .description('list workloads (with parameters and defaults) and strategies')
    .option('--json', 'print the catalog as JSON')
    .action(async (options: { json?: boolean }) => {
      if (options.json) {
        const host = new LabHost({ entries: workerEntries(), launcher: new NodeProcessLauncher() })
        process.stdout.write(JSON.stringify(await host.catalog(), null, 2) + '\n')
      } else {
        process.stdout.write(formatCatalog() + '\n')
      }
    })
  program
    .command('sample')
    .description('watch the utilisation of every core (like mpstat -P ALL) until Ctrl-C or --seconds')
    .option('--hz <hz>', 'samples per second', '10')
    .option('--seconds <s>', 'stop after this many seconds')
    .option('--summary', 'print only the mean per core at the end')
    .option('--json', 'print JSON lines')
    .action(async (options: SampleOptions) => {
      process.exitCode = await sampleCommand(options)
    })
  program
    .command('run')
    .description('run a workload under each strategy and print the results')
    .requiredOption('-w, --workload <id>', 'workload to run (see `list`)')
    .option('-s, --strategies <list>', 'comma-separated strategies', 'sequential,async,threads,processes')
    .option('-n, --workers <list>', 'comma-separated worker counts (a sweep)', '1,2')
    .option('-r, --repeat <n>', 'measured repetitions per strategy and worker count', '3')
    .option('--warmup <n>', 'warm-up repetitions, run first and left out of the statistics', '1')
    .option('-p, --param <name=value>', 'a workload parameter (repeatable)', collectParam, {})
    .option('--chunk <n>', 'tasks sent to a worker per message', '1')
    .option('--timeout <ms>', 'per-trial timeout in milliseconds', '120000')
    .option('--sampler-hz <hz>', 'CPU samples per second', '10')
    .option('--json', 'print the whole run (config, trials, stats, samples) as JSON')
    .option('-o, --out <file>', 'also write the run as JSON to this file')
    .addOption(new Option('--no-progress', 'do not draw the progress bar on stderr'))
    .action(async (options: RunOptions) => {
      process.exitCode = await runCommand(options)
    })
  return program
}

export async function main(argv: string[]): Promise<number> {
  try {
    await makeProgram().parseAsync(argv, { from: 'user' })
    return Number(process.exitCode ?? 0)
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.exitCode === 0 ? 0 : 2
    }
    if (error instanceof ValidationError || error instanceof UsageError) {
      process.stderr.write(`error: ${error.message}\n`)
      return 2
    }
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`)
    return 1
  }
}

process.exitCode = await main(process.argv.slice(2))
