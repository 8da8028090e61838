// The C10k lab's commands: `c10k` runs the sweep (each server model × each connection count) and
// prints a table; `serve-model` starts one model, prints its URL for another load generator, and
// ends it on Ctrl-C. Options are read by the shared number rules, then by the sweep's schema.
import { fileURLToPath } from 'node:url'
import type { Command } from 'commander'
import {
  C10K_LIMITS,
  DEFAULT_CONNECTIONS,
  SERVER_MODEL_IDS,
  SERVER_MODELS,
  findServerModel,
  parseSweep,
  type C10kStep,
  type C10kSweepResult,
  type HandlerSettings,
  type Sweep,
} from '../../shared/c10k'
import { c10kVerdict } from '../../shared/analysis/c10k'
import { parseList } from '../../shared/parse'
import { ChildRegistry } from '../lab/children'
import { pythonFor, startServer, type C10kEntries } from '../lab/c10k/servers'
import { runSweep } from '../lab/c10k/sweep'
import { numberOption, UsageError } from './config'
import { table } from './format'
import { onStopSignals } from './signals'

export interface HandlerOptions {
  delay: string
  cpu: string
  payload: string
  workers: string
  stock?: boolean
  python?: string
}

export interface C10kOptions extends HandlerOptions {
  models: string
  connections: string
  seconds: string
  requests: string
  timeout: string
  json?: boolean
}

export interface ServeModelOptions extends HandlerOptions {
  model: string
  port: string
}

/** The built entries beside the CLI (out/main). */
export function c10kEntries(): C10kEntries {
  return {
    nodeServer: fileURLToPath(new URL('./c10k-node-server.js', import.meta.url)),
    load: fileURLToPath(new URL('./c10k-load.js', import.meta.url)),
  }
}

const limit = (name: keyof typeof C10K_LIMITS, field: string) => ({ field, ...C10K_LIMITS[name], integer: true })

function modelList(text: string): string[] {
  if (text.trim() === 'all') return [...SERVER_MODEL_IDS]
  const ids = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  const unknown = ids.find((id) => !findServerModel(id))
  if (unknown !== undefined || ids.length === 0)
    throw new UsageError(`--models must be "all" or a comma-separated list of ${SERVER_MODEL_IDS.join(', ')}`)
  return ids
}

function handlerSettings(options: HandlerOptions): HandlerSettings {
  return {
    delayMs: numberOption(options.delay, limit('delayMs', '--delay')),
    cpuMs: numberOption(options.cpu, limit('cpuMs', '--cpu')),
    payloadBytes: numberOption(options.payload, limit('payloadBytes', '--payload')),
    workers: numberOption(options.workers, limit('workers', '--workers')),
    stock: options.stock === true,
  }
}

/** The sweep `c10k`'s options describe, checked by the schema too. */
export function c10kSweep(options: C10kOptions): Sweep {
  const connections = parseList(options.connections, { ...limit('connections', '--connections'), maxEntries: 16 })
  if (!connections.ok) throw new UsageError(connections.error)
  const sweep = {
    models: modelList(options.models),
    connections: connections.value,
    stepSeconds: numberOption(options.seconds, limit('stepSeconds', '--seconds')),
    stepRequests: numberOption(options.requests, limit('stepRequests', '--requests')),
    timeoutMs: numberOption(options.timeout, limit('timeoutMs', '--timeout')),
    handler: handlerSettings(options),
  }
  if (sweep.timeoutMs >= sweep.stepSeconds * 1000)
    throw new UsageError(
      `--timeout must be shorter than the step (--seconds ${sweep.stepSeconds} = ${sweep.stepSeconds * 1000} ms), so starved connections show up as timeouts`,
    )
  return parseSweep(sweep)
}

/** The model and port `serve-model`'s options describe. */
export function serveSettings(options: ServeModelOptions): { model: string; port: number; handler: HandlerSettings } {
  if (!findServerModel(options.model)) throw new UsageError(`--model must be one of ${SERVER_MODEL_IDS.join(', ')}`)
  return {
    model: options.model,
    port: numberOption(options.port, { field: '--port', min: 0, max: 65535, integer: true }),
    handler: handlerSettings(options),
  }
}

const fixed = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
const mb = (bytes: number): string => fixed(bytes / (1024 * 1024), 1)

/** The sweep as a table, one row per model × connections, with failed steps and notes below. */
export function formatSweep(result: C10kSweepResult): string {
  const header = [
    'model',
    'conns',
    'req/s',
    'p50 ms',
    'p90 ms',
    'p99 ms',
    'max ms',
    'errors',
    'timeouts',
    'non-2xx',
    'bad body',
    'server CPU s',
    'RSS MB',
    'threads',
    'client CPU s',
  ]
  const rows = result.steps.map((s: C10kStep) => {
    const conns = s.connections === s.connectionsAsked ? fixed(s.connections) : `${fixed(s.connections)}*`
    if (!s.load || !s.server) return [s.model, conns, 'failed', ...header.slice(3).map(() => '')]
    const l = s.load
    return [
      s.model,
      conns,
      fixed(l.requestsPerSecond),
      fixed(l.latencyMs.p50),
      fixed(l.latencyMs.p90),
      fixed(l.latencyMs.p99),
      fixed(l.latencyMs.max),
      fixed(l.errors),
      fixed(l.timeouts),
      fixed(l.non2xx),
      fixed(l.mismatches),
      fixed(s.server.cpuMs / 1000, 2),
      mb(s.server.maxRssBytes),
      fixed(s.server.maxThreads),
      fixed(l.clientCpuMs / 1000, 2),
    ]
  })
  const right = new Set(header.map((_, i) => i).filter((i) => i > 0))
  const { sweep, openFiles } = result
  const h = sweep.handler
  const lines = [
    `C10k sweep: ${sweep.stepSeconds} s per step (at most ${fixed(sweep.stepRequests)} requests), per-request timeout ${fixed(sweep.timeoutMs)} ms; ` +
      `each request waits ${h.delayMs} ms${h.cpuMs ? `, spins ${h.cpuMs} ms` : ''}, returns ${fixed(h.payloadBytes)} bytes; ` +
      `${h.stock ? 'stock defaults' : 'backlog 1024, HTTP/1.1 keep-alive, TCP_NODELAY'}; workers ${h.workers}.`,
    `Open-file limit: ${openFiles.soft ?? 'unknown'} (hard ${openFiles.hard ?? 'unknown'})${openFiles.raised ? ', raised to the hard limit' : ''}.`,
    '',
    table(header, rows, right),
  ]
  const runtimes = new Map(result.steps.filter((s) => s.runtime).map((s) => [s.model, s.runtime!]))
  if (runtimes.size > 0) lines.push('', ...[...runtimes].map(([model, runtime]) => `${model} ran on ${runtime}`))
  const failures = result.steps.filter((s) => s.error)
  if (failures.length > 0)
    lines.push('', ...failures.map((s) => `failed: ${s.model} at ${fixed(s.connections)} connections: ${s.error}`))
  if (result.notes.length > 0) lines.push('', ...result.notes.map((n) => `* ${n}`))
  // The verdict the page shows, from the same steps.
  const verdict = c10kVerdict(result.steps, sweep)
  if (verdict.headline) lines.push('', verdict.headline, ...verdict.lines.map((l) => `  ${l}`))
  return lines.join('\n')
}

export async function c10kCommand(options: C10kOptions): Promise<number> {
  const sweep = c10kSweep(options)
  const abort = new AbortController()
  const onSigint = (): void => {
    if (abort.signal.aborted) return
    process.stderr.write('Stopping: ending the server and the load generator…\n')
    abort.abort()
  }
  const stopListening = onStopSignals(onSigint)
  let result: C10kSweepResult
  try {
    result = await runSweep(sweep, {
      entries: c10kEntries(),
      signal: abort.signal,
      ...(options.python !== undefined ? { python: options.python } : {}),
      onStepStart: ({ model, connections }) =>
        process.stderr.write(`${model} at ${fixed(connections)} connections (${sweep.stepSeconds} s)…\n`),
    })
  } finally {
    stopListening()
  }
  process.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatSweep(result)}\n`)
  if (abort.signal.aborted) return 130
  return result.steps.some((s) => s.error) ? 1 : 0
}

export async function serveModelCommand(options: ServeModelOptions): Promise<number> {
  const settings = serveSettings(options)
  const spec = findServerModel(settings.model)!
  const python = (await pythonFor([spec], options.python)).get(spec.id)
  if (typeof python === 'string') {
    process.stderr.write(`error: ${python}\n`)
    return 1
  }
  const registry = new ChildRegistry()
  // Listening before the server starts: a Ctrl-C while it starts ends it too.
  const abort = new AbortController()
  const stopListening = onStopSignals(() => abort.abort())
  let ended: string | null = null
  try {
    const server = await startServer({
      model: spec.id,
      handler: settings.handler,
      port: settings.port,
      entries: c10kEntries(),
      registry,
      ...(python ? { python } : {}),
    })
    if (!abort.signal.aborted) {
      process.stdout.write(`${server.url}\n`)
      process.stderr.write(`${spec.title} on ${server.runtime} (pid ${server.child.pid}); Ctrl-C stops it.\n`)
      ended = await new Promise<string | null>((resolve) => {
        abort.signal.addEventListener('abort', () => resolve(null), { once: true })
        server.child.onExit((info) => resolve(server.child.describe(info, 'while serving')))
      })
    }
  } finally {
    stopListening()
    await registry.stopAll(3000)
  }
  if (ended) {
    process.stderr.write(`error: ${ended}\n`)
    return 1
  }
  return 0
}

const modelHelp = (): string => SERVER_MODELS.map((m) => m.id).join(', ')

function handlerOptions(command: Command): Command {
  return command
    .option('--delay <ms>', 'how long each request waits before it is answered', '20')
    .option('--cpu <ms>', 'CPU each request spins for after its wait', '0')
    .option('--payload <bytes>', 'size of each response body', '256')
    .option('--workers <n>', 'processes (node-cluster) or worker threads (node-offload)', '2')
    .option('--stock', "leave each library's defaults (listen queue, HTTP version, Nagle) instead of sound settings")
    .option('--python <id|path>', 'Python interpreter for the py-* models (default: one that has their frameworks)')
}

/** Adds `c10k` and `serve-model` to the program; the handlers run them or only check their options. */
export function addC10kCommands(
  program: Command,
  handlers: {
    c10k(options: C10kOptions): void | Promise<void>
    serveModel(options: ServeModelOptions): void | Promise<void>
  },
): void {
  handlerOptions(
    program
      .command('c10k')
      .description('the C10k lab: sweep server models over concurrent connections with autocannon and print a table')
      .option('-m, --models <list>', `"all" or comma-separated server models: ${modelHelp()}`, 'all')
      .option('-c, --connections <list>', 'comma-separated connection counts', DEFAULT_CONNECTIONS.join(','))
      .option('--seconds <s>', 'length of each load step', '5')
      .option('--requests <n>', 'most requests in one load step', '2000000')
      .option('--timeout <ms>', 'per-request timeout (shorter than the step)', '2000')
      .option('--json', 'print the sweep as JSON'),
  ).action((options: C10kOptions) => handlers.c10k(options))
  handlerOptions(
    program
      .command('serve-model')
      .description('start one C10k server model on 127.0.0.1, print its URL, and stop it on Ctrl-C')
      .requiredOption('--model <name>', `one of ${modelHelp()}`)
      .option('--port <n>', 'port to listen on (0: any free port)', '0'),
  ).action((options: ServeModelOptions) => handlers.serveModel(options))
}
