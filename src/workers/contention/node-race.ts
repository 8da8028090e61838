// The Node variants of the race lab (src/shared/contention.ts), run as a process of its own:
//   node node-race.js '{"variant":"node-plain","workers":2,"increments":2000000}'
// It starts W worker threads that share one SharedArrayBuffer, waits until every one is online
// and parked on the barrier, releases them together, and prints one JSON line:
//   {"type":"result","variant",…,"expected","got","wallMs","waitMs","runtime","version"}
// Every thread it starts ends before it exits (the workers return; the process then exits).
import { Worker } from 'node:worker_threads'

type Variant = 'node-plain' | 'node-atomic' | 'node-mutex'

// Int32 slots of the shared buffer.
const COUNTER = 0
const LOCK = 1 // 0 free, 1 taken, 2 taken with waiters (Drepper's "Futexes are tricky", mutex 2)
const GO = 2 // the barrier: workers sleep on it until the main thread stores 1

// The worker's code, evaluated in each thread: it must be self-contained.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads')
const { buffer, variant, increments } = workerData
const a = new Int32Array(buffer)
const COUNTER = ${COUNTER}, LOCK = ${LOCK}, GO = ${GO}
parentPort.postMessage({ type: 'online' })
Atomics.wait(a, GO, 0)
let waitMs = 0
if (variant === 'node-plain') {
  for (let i = 0; i < increments; i++) a[COUNTER]++
} else if (variant === 'node-atomic') {
  for (let i = 0; i < increments; i++) Atomics.add(a, COUNTER, 1)
} else {
  for (let i = 0; i < increments; i++) {
    let c = Atomics.compareExchange(a, LOCK, 0, 1)
    if (c !== 0) {
      // Contended: the time from here to owning the lock is time spent waiting for it.
      const t0 = performance.now()
      do {
        if (c === 2 || Atomics.compareExchange(a, LOCK, 1, 2) !== 0) Atomics.wait(a, LOCK, 2)
      } while ((c = Atomics.compareExchange(a, LOCK, 0, 2)) !== 0)
      waitMs += performance.now() - t0
    }
    a[COUNTER]++
    if (Atomics.sub(a, LOCK, 1) !== 1) {
      Atomics.store(a, LOCK, 0)
      Atomics.notify(a, LOCK, 1)
    }
  }
}
parentPort.postMessage({ type: 'done', waitMs })
`

function fail(message: string): never {
  process.stderr.write(`Error: ${message}\n`)
  process.exit(2)
}

async function main(): Promise<void> {
  let args: { variant?: unknown; workers?: unknown; increments?: unknown }
  try {
    args = JSON.parse(process.argv[2] ?? '') as typeof args
  } catch {
    fail('expected one JSON argument {variant, workers, increments}')
  }
  const variant = args.variant as Variant
  if (!['node-plain', 'node-atomic', 'node-mutex'].includes(variant)) fail(`unknown Node variant ${String(variant)}`)
  const workers = Number(args.workers)
  const increments = Number(args.increments)
  // The lab checks these with the schema first; this is the program's own guard.
  if (!Number.isInteger(workers) || workers < 1 || workers > 64) fail('workers must be an integer from 1 to 64')
  if (!Number.isInteger(increments) || increments < 1 || increments > 100_000_000)
    fail('increments must be an integer from 1 to 100,000,000')

  const buffer = new SharedArrayBuffer(4 * Int32Array.BYTES_PER_ELEMENT)
  const a = new Int32Array(buffer)
  const threads: Worker[] = []
  const online: Array<Promise<void>> = []
  const done: Array<Promise<number>> = []
  for (let i = 0; i < workers; i++) {
    const w = new Worker(WORKER, { eval: true, workerData: { buffer, variant, increments } })
    threads.push(w)
    online.push(
      new Promise((resolve, reject) => {
        w.on('message', (m: { type: string }) => m.type === 'online' && resolve())
        w.once('error', reject)
      }),
    )
    done.push(
      new Promise((resolve, reject) => {
        w.on('message', (m: { type: string; waitMs?: number }) => m.type === 'done' && resolve(m.waitMs ?? 0))
        w.once('error', reject)
        w.once('exit', (code) => code !== 0 && reject(new Error(`a worker thread exited with code ${code}`)))
      }),
    )
  }
  await Promise.all(online)
  // "online" is posted just before Atomics.wait: a thread that has not parked yet sees GO = 1
  // and passes straight through, so none is left behind and all start within microseconds.
  const start = performance.now()
  Atomics.store(a, GO, 1)
  Atomics.notify(a, GO)
  const waits = await Promise.all(done)
  const wallMs = performance.now() - start
  await Promise.all(threads.map((w) => new Promise((r) => (w.threadId === -1 ? r(null) : w.once('exit', r)))))
  const got = Atomics.load(a, COUNTER) >>> 0
  process.stdout.write(
    JSON.stringify({
      type: 'result',
      variant,
      expected: workers * increments,
      got,
      wallMs,
      waitMs: variant === 'node-mutex' ? waits.reduce((s, w) => s + w, 0) : null,
      runtime: `Node ${process.version}`,
      version: process.versions.node.split('.').map(Number).slice(0, 3),
    }) + '\n',
  )
}

main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)))
