// The Node server models of the C10k lab, one process started by the lab with its settings as a
// JSON argument: `http` (one event loop), `cluster` (W event-loop processes behind one socket)
// and `offload` (the loop owns the sockets, W worker threads do each request's work). It prints
// one line, {"type":"listening","port":N}, when it accepts connections, and ends on SIGTERM.
import cluster from 'node:cluster'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads'
import { c10kBody, handlerSchema, SOUND_BACKLOG, type HandlerSettings } from '../../shared/c10k'

interface ServerArgs {
  model: 'node-http' | 'node-cluster' | 'node-offload'
  port: number
  handler: HandlerSettings
}

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Spins for `ms` of wall time: the CPU part of a handler. */
function burn(ms: number): void {
  if (ms <= 0) return
  const end = performance.now() + ms
  while (performance.now() < end);
}

function parseArgs(): ServerArgs {
  const raw = JSON.parse(process.argv[2] ?? '{}') as Partial<ServerArgs>
  const model = raw.model
  if (model !== 'node-http' && model !== 'node-cluster' && model !== 'node-offload')
    throw new Error(`unknown Node server model ${String(model).slice(0, 40)}`)
  const port = Number(raw.port ?? 0)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('port must be an integer from 0 to 65535')
  return { model, port, handler: handlerSchema.parse(raw.handler ?? {}) }
}

function answer(res: ServerResponse, body: Buffer): void {
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length })
  res.end(body)
}

/** An http.Server whose handler is `handle`, set up soundly unless stock defaults are asked for. */
function listen(
  settings: ServerArgs,
  handle: (req: IncomingMessage, res: ServerResponse) => void,
  onListening: (port: number) => void,
): void {
  const { stock } = settings.handler
  // noDelay is Node's default already; keep-alive long enough to outlast a step's idle gaps.
  const server = createServer({ noDelay: true, keepAlive: true }, handle)
  if (!stock) {
    server.keepAliveTimeout = 65_000
    server.headersTimeout = 66_000
    server.requestTimeout = 0
  }
  server.listen({ port: settings.port, host: '127.0.0.1', ...(stock ? {} : { backlog: SOUND_BACKLOG }) }, () =>
    onListening((server.address() as AddressInfo).port),
  )
  process.on('SIGTERM', () => {
    server.closeAllConnections()
    server.close(() => process.exit(0))
  })
}

const announce = (port: number): void => {
  process.stdout.write(`${JSON.stringify({ type: 'listening', port, pid: process.pid })}\n`)
}

function eventLoop(settings: ServerArgs, onListening: (port: number) => void): void {
  const body = Buffer.from(c10kBody(settings.handler.payloadBytes))
  const { delayMs, cpuMs } = settings.handler
  listen(
    settings,
    (req, res) => {
      req.resume()
      void wait(delayMs).then(() => {
        burn(cpuMs)
        answer(res, body)
      })
    },
    onListening,
  )
}

function offload(settings: ServerArgs): void {
  const body = Buffer.from(c10kBody(settings.handler.payloadBytes))
  const workers = Array.from(
    { length: settings.handler.workers },
    () => new Worker(new URL(import.meta.url), { workerData: settings.handler }),
  )
  const pending = new Map<number, ServerResponse>()
  for (const worker of workers) {
    worker.on('message', (id: number) => {
      const res = pending.get(id)
      pending.delete(id)
      if (res) answer(res, body)
    })
    worker.on('error', (error) => {
      process.stderr.write(`a worker thread failed: ${error.message}\n`)
      process.exit(1)
    })
  }
  let next = 0
  listen(
    settings,
    (req, res) => {
      req.resume()
      const id = next++
      pending.set(id, res)
      res.on('close', () => pending.delete(id))
      workers[id % workers.length]!.postMessage(id)
    },
    announce,
  )
}

function offloadWorker(): void {
  const { delayMs, cpuMs } = workerData as HandlerSettings
  parentPort!.on('message', (id: number) => {
    void wait(delayMs).then(() => {
      burn(cpuMs)
      parentPort!.postMessage(id)
    })
  })
}

function clustered(settings: ServerArgs): void {
  if (cluster.isPrimary) {
    let listening = 0
    let port = 0
    const count = settings.handler.workers
    for (let i = 0; i < count; i++) cluster.fork()
    cluster.on('listening', (_worker, address) => {
      port = address.port
      if (++listening === count) announce(port)
    })
    let ending = false
    cluster.on('exit', (worker, code, signal) => {
      if (ending) return
      process.stderr.write(
        `cluster worker ${worker.process.pid} ${signal ? `was killed by ${signal}` : `exited with code ${code}`}\n`,
      )
      process.exit(1)
    })
    process.on('SIGTERM', () => {
      ending = true
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM')
      const check = setInterval(() => {
        if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0)
      }, 20)
      check.unref()
    })
    return
  }
  // A cluster worker: the primary owns the socket; port 0 would give each worker its own port.
  eventLoop(settings, () => undefined)
}

function main(): void {
  if (!isMainThread) return offloadWorker()
  const settings = parseArgs()
  if (settings.model === 'node-http') eventLoop(settings, announce)
  else if (settings.model === 'node-offload') offload(settings)
  else clustered(settings)
}

main()
