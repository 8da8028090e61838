// The C10k lab (workload kind `server`): the server models, what every handler does, the sweep's
// settings with their bounds, and the shape of one measured step. One table of models; the
// engine (src/main/lab/c10k), the CLI and the page read their facts from it.
import { z } from 'zod'
import type { Capability } from './catalog'
import { mustBe, parseOrThrow, rangeText } from './schemas'

export type ServerModelId =
  | 'node-http'
  | 'node-cluster'
  | 'node-offload'
  | 'py-threading-http'
  | 'py-asyncio-streams'
  | 'py-starlette-uvicorn'
  | 'py-gevent-pywsgi'
  | 'py-twisted-web'

export interface ServerModelSpec {
  id: ServerModelId
  runtime: 'node' | 'python'
  title: string
  /** What a student should see in its numbers, and why. */
  explanation: string
  /** What "stock defaults" leaves as the library ships it. */
  stock: string
  /** Whether it takes the worker count (processes or threads it starts up front). */
  takesWorkers: boolean
  /** What its interpreter must import (Python models). */
  needs: Capability[]
}

export const SERVER_MODELS: readonly ServerModelSpec[] = [
  {
    id: 'node-http',
    runtime: 'node',
    title: 'Node event loop (http)',
    explanation:
      'One thread, one event loop: every connection is a socket the loop watches, and a request that waits costs a timer, not a thread.',
    stock: 'listen backlog 511 (Node’s default)',
    takesWorkers: false,
    needs: [],
  },
  {
    id: 'node-cluster',
    runtime: 'node',
    title: 'Node cluster (W processes)',
    explanation:
      'W event-loop processes behind one listening socket: the primary accepts and hands connections round-robin to the workers.',
    stock: 'listen backlog 511 in the primary',
    takesWorkers: true,
    needs: [],
  },
  {
    id: 'node-offload',
    runtime: 'node',
    title: 'Node worker offload',
    explanation:
      'The event loop owns every socket and hands each request’s work to one of W worker threads: Node cannot give a socket to a thread, and Node 20 has no reusePort, so the loop still parses and writes every byte.',
    stock: 'listen backlog 511',
    takesWorkers: true,
    needs: [],
  },
  {
    id: 'py-threading-http',
    runtime: 'python',
    title: 'Python ThreadingHTTPServer',
    explanation:
      'One OS thread per client connection, each blocking in its own recv and sleep: simple, but every idle keep-alive connection holds a thread and its stack.',
    stock: 'listen backlog 5, HTTP/1.0 (a connection per request), headers and body in separate writes with Nagle on',
    takesWorkers: false,
    needs: [],
  },
  {
    id: 'py-asyncio-streams',
    runtime: 'python',
    title: 'Python asyncio streams',
    explanation: 'One thread, one asyncio loop; each connection is a coroutine reading requests with StreamReader.',
    stock: 'listen backlog 100 (asyncio’s default)',
    takesWorkers: false,
    needs: [],
  },
  {
    id: 'py-starlette-uvicorn',
    runtime: 'python',
    title: 'Starlette on uvicorn',
    explanation:
      'An ASGI framework on uvicorn (uvloop and httptools where installed): an event loop with a C HTTP parser under Python handlers.',
    stock: 'uvicorn’s own listen backlog (2048) and settings',
    takesWorkers: false,
    needs: ['starlette', 'uvicorn'],
  },
  {
    id: 'py-gevent-pywsgi',
    runtime: 'python',
    title: 'gevent pywsgi',
    explanation:
      'Greenlets on a libev loop with the standard library monkey-patched: code written as blocking, scheduled cooperatively on one thread.',
    stock: 'gevent’s own listener (backlog 256) and Nagle on',
    takesWorkers: false,
    needs: ['gevent'],
  },
  {
    id: 'py-twisted-web',
    runtime: 'python',
    title: 'Twisted web',
    explanation:
      'The reactor (epoll) with callbacks: a resource answers later with reactor.callLater, so a waiting request holds no thread.',
    stock: 'listen backlog 50 (Twisted’s default) and Nagle on',
    takesWorkers: false,
    needs: ['twisted'],
  },
]

export const SERVER_MODEL_IDS = SERVER_MODELS.map((m) => m.id)

/** The model spec with this id, or undefined. */
export function findServerModel(id: string): ServerModelSpec | undefined {
  return SERVER_MODELS.find((m) => m.id === id)
}

/** The listen backlog every model uses unless stock defaults are asked for. */
export const SOUND_BACKLOG = 1024

const intIn = (min: number, max: number, unit?: string) => {
  const message = (iss: { input?: unknown }) => mustBe(`an integer ${rangeText(min, max, unit)}`, iss.input)
  return z.number({ error: message }).int({ error: message }).min(min, { error: message }).max(max, { error: message })
}

export const C10K_LIMITS = {
  delayMs: { min: 0, max: 10_000, unit: 'ms' },
  cpuMs: { min: 0, max: 1_000, unit: 'ms' },
  payloadBytes: { min: 0, max: 1_048_576, unit: 'bytes' },
  workers: { min: 1, max: 64 },
  connections: { min: 1, max: 20_000 },
  stepSeconds: { min: 1, max: 600, unit: 's' },
  stepRequests: { min: 1, max: 100_000_000 },
  // autocannon takes its timeout in seconds and refuses one under 1 s.
  timeoutMs: { min: 1_000, max: 600_000, unit: 'ms' },
} as const

const lim = (name: keyof typeof C10K_LIMITS) => {
  const l = C10K_LIMITS[name] as { min: number; max: number; unit?: string }
  return intIn(l.min, l.max, l.unit)
}

/** What every handler does, and how the server is set up. */
export const handlerSchema = z
  .object({
    delayMs: lim('delayMs').default(20),
    cpuMs: lim('cpuMs').default(0),
    payloadBytes: lim('payloadBytes').default(256),
    workers: lim('workers').default(2),
    /** Leave the library's defaults (listen queue, HTTP version, Nagle) instead of sound settings. */
    stock: z.boolean({ error: (iss) => mustBe('true or false', iss.input) }).default(false),
  })
  .strict()

export type HandlerSettings = z.output<typeof handlerSchema>

export const DEFAULT_CONNECTIONS = [10, 100, 1000, 2000]

/** A sweep: each model × each connection count, one bounded load step each. */
export const sweepSchema = z
  .object({
    models: z
      .array(
        z.string().refine((id) => findServerModel(id) !== undefined, {
          error: (iss) => mustBe(`one of ${SERVER_MODEL_IDS.join(', ')}`, iss.input),
        }),
      )
      .min(1, { error: 'must name at least one model' })
      .max(SERVER_MODELS.length * 2, { error: `must name at most ${SERVER_MODELS.length * 2} models` }),
    connections: z
      .array(lim('connections'))
      .min(1, { error: 'must hold at least one connection count' })
      .max(16, { error: 'must hold at most 16 connection counts' })
      .default(DEFAULT_CONNECTIONS),
    stepSeconds: lim('stepSeconds').default(5),
    stepRequests: lim('stepRequests').default(2_000_000),
    timeoutMs: lim('timeoutMs').default(2_000),
    handler: handlerSchema.default(handlerSchema.parse({})),
  })
  .strict()
  .superRefine((sweep, ctx) => {
    if (sweep.timeoutMs >= sweep.stepSeconds * 1000)
      ctx.addIssue({
        code: 'custom',
        path: ['timeoutMs'],
        message: `must be shorter than the step (${sweep.stepSeconds * 1000} ms), so starved connections show up as timeouts`,
      })
  })

export type SweepInput = z.input<typeof sweepSchema>
export type Sweep = z.output<typeof sweepSchema>

/** A sweep checked at the boundary; throws a ValidationError naming each bad field and its limits. */
export const parseSweep = (input: unknown): Sweep => parseOrThrow(sweepSchema, input)

/** The body every handler returns: printable ASCII, so the load generator can compare it as text. */
export function c10kBody(bytes: number): string {
  let out = ''
  for (let i = 0; i < bytes; i++) out += String.fromCharCode(97 + ((i * 7 + 3) % 26))
  return out
}

/** FNV-1a (32-bit) of a body's bytes, as 8 hex digits: the checksum a response must carry. */
export function bodyChecksum(body: Uint8Array | string): string {
  const bytes = typeof body === 'string' ? Array.from(body, (c) => c.charCodeAt(0) & 0xff) : body
  let hash = 0x811c9dc5
  for (const b of bytes) hash = Math.imul(hash ^ b, 0x01000193) >>> 0
  return hash.toString(16).padStart(8, '0')
}

/** What the server processes used during a step, read from /proc. */
export interface ServerUsage {
  /** CPU time of every process of the server (user + system), in ms. */
  cpuMs: number
  /** Largest resident set of the server's processes together, in bytes. */
  maxRssBytes: number
  /** Most threads the server's processes had together. */
  maxThreads: number
  /** How many processes the server had. */
  processes: number
}

/** What the load generator measured in one step. */
export interface LoadResult {
  durationMs: number
  /** Responses of any status. */
  responses: number
  requestsPerSecond: number
  latencyMs: { p50: number; p90: number; p99: number; max: number }
  /** Connection errors other than timeouts (refused, reset). */
  errors: number
  timeouts: number
  non2xx: number
  /** Responses whose body was not the expected payload. */
  mismatches: number
  /** The load process's own CPU time, in ms. */
  clientCpuMs: number
}

/** One model at one connection count. */
export interface C10kStep {
  model: ServerModelId
  /** Connections asked for, and used (capped by the open-file limit). */
  connectionsAsked: number
  connections: number
  /** What the server ran on ("Node v20.20.2", "Python 3.11.2 (/usr/bin/python3)"); null when it never started. */
  runtime: string | null
  load: LoadResult | null
  server: ServerUsage | null
  /** Why the step failed (the server crashed, the load generator failed), in one line; null when it ran. */
  error: string | null
}

export interface C10kSweepResult {
  sweep: Sweep
  /** The open-file limit the children ran with, and the hard limit. */
  openFiles: { soft: number | null; hard: number | null; raised: boolean }
  /** Where a connection count was capped, in one line each. */
  notes: string[]
  steps: C10kStep[]
}

/** Where the lab's sweep stands: the one in progress, or the last that ended (LabApi c10kState). */
export type C10kStatus = 'running' | 'finished' | 'stopped' | 'failed'

export interface C10kState {
  id: string
  status: C10kStatus
  sweep: Sweep
  /** Steps in the sweep (models × connection counts). */
  total: number
  /** The steps measured so far, in order. */
  steps: C10kStep[]
  /** The step running now, or null between steps and after the end. */
  current: { model: ServerModelId; connections: number } | null
  /** The whole result once the sweep ended (the open-file limit and the notes with it). */
  result: C10kSweepResult | null
  /** Why the sweep could not run at all, in one line; null when it ran. */
  error: string | null
}

/** A page's sweep settings: at most this many steps (models × connection counts) in one sweep. */
export const MAX_SWEEP_STEPS = 128

/** A guided C10k experiment: one click sets the models, connection counts and handler. */
export interface C10kPreset {
  id: string
  title: string
  /** One line on what the experiment shows. */
  lesson: string
  sweep: SweepInput
}

export const C10K_PRESETS: readonly C10kPreset[] = [
  {
    id: 'c10k-thread-vs-loop',
    title: 'C10k: thread per client vs event loop',
    lesson:
      'ThreadingHTTPServer starts an OS thread for every connection; an event loop keeps every waiting connection on one thread. Watch threads and memory climb with connections on one and stay flat on the other, and see which one still answers in time at 1,000 and 2,000.',
    sweep: {
      models: ['py-threading-http', 'py-asyncio-streams', 'py-gevent-pywsgi', 'node-http'],
      connections: [10, 100, 1000, 2000],
      stepSeconds: 5,
      timeoutMs: 2000,
      handler: { delayMs: 20, cpuMs: 0, payloadBytes: 256, workers: 2, stock: false },
    },
  },
]
