// Soak: browser mode driven through the page for a long time, to see whether memory stays flat.
// Starts the built server as `npm run serve` does (`node --max-semi-space-size=4 out/main/server.js`:
// e2e/server-flags.ts; a temp session library removed at the end),
// opens its page in the Chromium that e2e/chromium.ts finds, and clicks Run back to back: runs of
// a few seconds, two strategies each, rotating through sequential, threads, processes, async and
// the Python strategies this machine can run, over a CPU-bound and an I/O-bound workload. After a
// few warm-up runs (not measured) it records the server's RSS and V8 heap, the renderer process's
// RSS and the page's JS heap, then every minute and at the end: each time between runs, after a
// settling pause and a forced GC in the server (through its inspector, on a port of its own) and
// in the page. RSS swings by ±10 MB with the worker isolates and buffers of the run just ended, so
// the verdict compares the median of the first five snapshots with the median of the last five
// (the single first and last are printed too). Prints the figures in words on stderr and one JSON
// line on stdout. Goal: flat within 10%. Asserts nothing.
// `npm run bench:soak [-- --minutes N] [--warmup-runs N]` (default 60 minutes, 3 warm-up runs).
import { readFileSync } from 'node:fs'
import { chromium, type Browser, type CDPSession, type Page } from '@playwright/test'
import WebSocket from 'ws'
import { STRATEGIES, type StrategyId } from '../src/shared/catalog'
import { findChromium } from '../e2e/chromium'
import { chooseFromMenu, onlyStrategies, startServer, type RunningServer } from '../e2e/support'
import { say } from './support'

const GOAL = 0.1
const RUN_TIMEOUT_MS = 120_000
/** Pause between a run's end and a snapshot: the run's worker isolates and autosave wind down. */
const SETTLE_MS = 3000
/** Snapshots whose median stands for the start and for the end. */
const EDGE = 5

interface Options {
  minutes: number
  warmupRuns: number
}

function parseOptions(argv: readonly string[]): Options {
  const options: Options = { minutes: 60, warmupRuns: 3 }
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split('=', 2) as [string, string | undefined]
    const value = (): number => Number(inline ?? argv[++i])
    if (flag === '--minutes') options.minutes = value()
    else if (flag === '--warmup-runs') options.warmupRuns = value()
    else throw new Error(`unknown option ${JSON.stringify(flag)}: use --minutes N and --warmup-runs N`)
  }
  if (!(options.minutes > 0 && options.minutes <= 24 * 60))
    throw new Error(`--minutes must be a number from 0 (exclusive) to 1440, got ${options.minutes}`)
  if (!Number.isInteger(options.warmupRuns) || options.warmupRuns < 0 || options.warmupRuns > 100)
    throw new Error(`--warmup-runs must be an integer from 0 to 100, got ${options.warmupRuns}`)
  return options
}

/** Resident memory of a process in MB, from /proc (Linux), or NaN where there is none. */
function rssMB(pid: number | undefined): number {
  if (pid === undefined) return NaN
  try {
    const kB = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
    return kB ? Number(kB) / 1024 : NaN
  } catch {
    return NaN
  }
}

/** The server's V8 heap through its inspector: used MB after a forced GC. */
class ServerInspector {
  private next = 0
  private readonly pending = new Map<number, (result: unknown) => void>()
  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { id?: number; result?: unknown }
      if (message.id !== undefined) this.pending.get(message.id)?.(message.result)
      if (message.id !== undefined) this.pending.delete(message.id)
    })
  }

  static async connect(output: () => string): Promise<ServerInspector> {
    const deadline = Date.now() + 10_000
    let url: string | undefined
    while (!(url = /Debugger listening on (ws:\/\/\S+)/.exec(output())?.[1]) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50))
    if (!url) throw new Error('the server did not say where its inspector listens')
    const socket = new WebSocket(url)
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject))
    return new ServerInspector(socket)
  }

  private call(method: string, params: object = {}): Promise<unknown> {
    const id = ++this.next
    return new Promise((resolve) => {
      this.pending.set(id, resolve)
      this.socket.send(JSON.stringify({ id, method, params }))
    })
  }

  /**
   * The V8 heap in use after a GC, the heap V8 has committed (its young generation's semi-spaces
   * included, which grow with time), and the memory outside it that V8 knows of (Buffers), MB.
   */
  async memoryMB(): Promise<{ heap: number; committed: number; external: number }> {
    await this.call('HeapProfiler.collectGarbage')
    const result = (await this.call('Runtime.evaluate', {
      expression: '(({ heapUsed, heapTotal, external }) => [heapUsed, heapTotal, external])(process.memoryUsage())',
      returnByValue: true,
    })) as { result?: { value?: [number, number, number] } }
    const [heap, committed, external] = result.result?.value ?? [NaN, NaN, NaN]
    return { heap: heap / 1024 ** 2, committed: committed / 1024 ** 2, external: external / 1024 ** 2 }
  }

  close(): void {
    this.socket.close()
  }
}

interface Snapshot {
  label: string
  minute: number
  runs: number
  serverRssMB: number
  serverHeapMB: number
  serverCommittedMB: number
  serverExternalMB: number
  rendererRssMB: number
  jsHeapMB: number
  domNodes: number
  listeners: number
}

/** The page's renderer process: the browser's one renderer (one page, no extensions). */
async function rendererPid(browserCdp: CDPSession): Promise<number | undefined> {
  try {
    const { processInfo } = (await browserCdp.send('SystemInfo.getProcessInfo')) as {
      processInfo: Array<{ type: string; id: number }>
    }
    return processInfo.find((p) => p.type === 'renderer')?.id
  } catch {
    return undefined
  }
}

async function snapshot(
  label: string,
  minute: number,
  runs: number,
  server: RunningServer,
  pageCdp: CDPSession,
  browserCdp: CDPSession,
  inspector: ServerInspector,
): Promise<Snapshot> {
  await new Promise((r) => setTimeout(r, SETTLE_MS))
  // Garbage is not a leak: collect it before reading the heaps.
  const serverMemory = await inspector.memoryMB()
  await pageCdp.send('HeapProfiler.collectGarbage')
  const metrics = Object.fromEntries(
    (await pageCdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]),
  )
  return {
    label,
    minute,
    runs,
    serverRssMB: rssMB(server.process.pid),
    serverHeapMB: serverMemory.heap,
    serverCommittedMB: serverMemory.committed,
    serverExternalMB: serverMemory.external,
    rendererRssMB: rssMB(await rendererPid(browserCdp)),
    jsHeapMB: (metrics['JSHeapUsedSize'] ?? NaN) / 1024 ** 2,
    domNodes: metrics['Nodes'] ?? NaN,
    listeners: metrics['JSEventListeners'] ?? NaN,
  }
}

const mb = (x: number): string => (Number.isFinite(x) ? `${x.toFixed(1)} MB` : 'n/a')

function inWords(s: Snapshot): string {
  return (
    `${s.label}: server RSS ${mb(s.serverRssMB)} (V8 heap ${mb(s.serverHeapMB)} of ${mb(s.serverCommittedMB)} committed, external ${mb(s.serverExternalMB)}), renderer RSS ${mb(s.rendererRssMB)}, ` +
    `page JS heap ${mb(s.jsHeapMB)}, ${s.domNodes} DOM nodes, ${s.listeners} listeners, ${s.runs} runs done`
  )
}

/** The two-strategy runs the soak rotates through: every strategy the page offers enabled here. */
async function strategyPairs(page: Page): Promise<StrategyId[][]> {
  const wanted: StrategyId[] = ['sequential', 'threads', 'processes', 'async']
  const python = STRATEGIES.filter((s) => s.runtime === 'python').map((s) => s.id)
  const usable: StrategyId[] = []
  const boxes = page.getByRole('group', { name: 'Strategies' }).getByRole('checkbox')
  for (const id of [...wanted, ...python]) {
    const title = STRATEGIES.find((s) => s.id === id)!.title
    for (const box of await boxes.all()) {
      const label = (await box.locator('xpath=..').innerText()).trim()
      if (
        (label === title || label.startsWith(`${title} `) || label.startsWith(`${title}\n`)) &&
        (await box.isEnabled())
      )
        usable.push(id)
    }
  }
  const pairs: StrategyId[][] = []
  for (let i = 0; i < usable.length; i += 2) pairs.push(usable.slice(i, i + 2))
  return pairs
}

const title = (id: StrategyId): string => STRATEGIES.find((s) => s.id === id)!.title

/** One run through the page, as a person would start it; resolves to its final phase. */
async function oneRun(page: Page, index: number, pairs: StrategyId[][]): Promise<string> {
  const strategies = pairs[index % pairs.length]!
  if (Math.floor(index / pairs.length) % 2 === 0) {
    await chooseFromMenu(page, 'Workload', 'CPU-bound', 'Count primes')
    await page.getByLabel(/^size/).fill('300000')
    await page.getByLabel(/^tasks/).fill('16')
  } else {
    await chooseFromMenu(page, 'Workload', 'I/O-bound', 'Sleep')
    await page.getByLabel(/^tasks/).fill('24')
    await page.getByLabel(/^duration/).fill('40')
  }
  await onlyStrategies(page, strategies.map(title))
  await page.getByLabel('Worker counts').fill('2')
  await page.getByLabel('Repetitions').fill('2')
  await page.getByLabel('Warm-ups').fill('0')
  const status = page.getByTestId('run-status')
  await page.getByRole('button', { name: /^Run/ }).click()
  await status.and(page.locator('[data-phase="running"], [data-phase="starting"]')).waitFor({ timeout: 30_000 })
  await status
    .and(page.locator('[data-phase="finished"], [data-phase="failed"], [data-phase="stopped"]'))
    .waitFor({ timeout: RUN_TIMEOUT_MS })
  return (await status.getAttribute('data-phase')) ?? 'unknown'
}

const options = parseOptions(process.argv.slice(2))
let stopping = false
process.once('SIGINT', () => {
  say('soak: stopping after this run (Ctrl-C again to abort)…')
  stopping = true
})

const found = await findChromium()
// The inspector on a port of its own (0: the OS picks), for the server's heap after a forced GC.
const server = await startServer({ nodeArgs: ['--inspect=127.0.0.1:0'] })
let browser: Browser | null = null
let inspector: ServerInspector | null = null
try {
  say(`soak: server pid ${server.process.pid}, sessions in ${server.dataDir} (removed at the end)`)
  say(`soak: Chromium from ${found.source}`)
  inspector = await ServerInspector.connect(server.output)
  browser = await chromium.launch(found.launchOptions)
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
  const pageErrors: string[] = []
  page.on('pageerror', (error) => pageErrors.push(error.message))
  await page.goto(server.url)
  await page.getByRole('button', { name: /^Run/ }).waitFor()
  const pageCdp = await page.context().newCDPSession(page)
  await pageCdp.send('Performance.enable')
  const browserCdp = await browser.newBrowserCDPSession()
  const pairs = await strategyPairs(page)
  say(`soak: runs rotate through ${pairs.map((p) => p.join(' + ')).join(', ')}; primes and sleep in turn`)

  let runs = 0
  let failedRuns = 0
  const failures: string[] = []
  const run = async (): Promise<void> => {
    try {
      const phase = await oneRun(page, runs, pairs)
      if (phase !== 'finished') {
        failedRuns++
        failures.push(`run ${runs + 1}: ${phase}`)
      }
    } catch (error) {
      failedRuns++
      failures.push(`run ${runs + 1}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`)
    }
    runs++
  }

  for (let i = 0; i < options.warmupRuns && !stopping; i++) await run()
  say(`soak: ${options.warmupRuns} warm-up runs done (not measured); measuring for ${options.minutes} minutes`)
  const measuredFrom = runs
  const t0 = Date.now()
  const snapshots = [await snapshot('start', 0, 0, server, pageCdp, browserCdp, inspector)]
  say(inWords(snapshots[0]!))
  let nextMinute = 1
  while (!stopping && Date.now() - t0 < options.minutes * 60_000) {
    await run()
    if (Date.now() - t0 >= nextMinute * 60_000 && Date.now() - t0 < options.minutes * 60_000) {
      const s = await snapshot(
        `minute ${nextMinute}`,
        nextMinute,
        runs - measuredFrom,
        server,
        pageCdp,
        browserCdp,
        inspector,
      )
      snapshots.push(s)
      say(inWords(s))
      nextMinute = Math.floor((Date.now() - t0) / 60_000) + 1
    }
  }
  const minutes = (Date.now() - t0) / 60_000
  const end = await snapshot('end', minutes, runs - measuredFrom, server, pageCdp, browserCdp, inspector)
  snapshots.push(end)
  say(inWords(end))

  const first = snapshots[0]!
  const last = snapshots[snapshots.length - 1]!
  // The verdict's start and end: the median of each figure over the first and the last EDGE snapshots.
  const medianOf = (list: readonly Snapshot[], key: keyof Snapshot): number => {
    const values = list
      .map((x) => x[key] as number)
      .filter(Number.isFinite)
      .sort((a, b) => a - b)
    return values.length === 0 ? NaN : values[Math.floor((values.length - 1) / 2)]!
  }
  const edge = (list: readonly Snapshot[]): Snapshot => ({
    ...list[0]!,
    serverRssMB: medianOf(list, 'serverRssMB'),
    serverHeapMB: medianOf(list, 'serverHeapMB'),
    serverCommittedMB: medianOf(list, 'serverCommittedMB'),
    serverExternalMB: medianOf(list, 'serverExternalMB'),
    rendererRssMB: medianOf(list, 'rendererRssMB'),
    jsHeapMB: medianOf(list, 'jsHeapMB'),
  })
  // Never overlapping: a short soak compares fewer snapshots at each end (one each for two).
  const edgeCount = Math.max(1, Math.min(EDGE, Math.floor(snapshots.length / 2)))
  const start = edge(snapshots.slice(0, edgeCount))
  const ending = edge(snapshots.slice(-edgeCount))
  const ratio = (a: number, b: number): number => Math.round((b / a) * 1000) / 1000
  const verdictOf = (name: string, a: number, b: number): string => {
    const r = b / a
    if (!Number.isFinite(r)) return `${name}: not measured here`
    const change = `${mb(a)} → ${mb(b)} (×${r.toFixed(3)})`
    return `${name}: ${change}, ${Math.abs(r - 1) <= GOAL ? 'flat within 10%' : `${r > 1 ? 'grew' : 'shrank'} by ${Math.abs((r - 1) * 100).toFixed(0)}%, outside the 10% goal`}`
  }
  say(
    `soak: ${runs - measuredFrom} runs in ${minutes.toFixed(1)} measured minutes (${measuredFrom} warm-up runs before), ` +
      `${failedRuns} failed runs, ${pageErrors.length} page errors`,
  )
  for (const failure of [...failures, ...pageErrors].slice(0, 10)) say(`  ${failure}`)
  say(
    `first and last snapshot: server RSS ${mb(first.serverRssMB)} → ${mb(last.serverRssMB)}, renderer RSS ${mb(first.rendererRssMB)} → ${mb(last.rendererRssMB)}, page JS heap ${mb(first.jsHeapMB)} → ${mb(last.jsHeapMB)}`,
  )
  say(`medians of the first and the last ${edgeCount} snapshot${edgeCount === 1 ? '' : 's'}:`)
  say(verdictOf('server RSS', start.serverRssMB, ending.serverRssMB))
  say(verdictOf('server V8 heap', start.serverHeapMB, ending.serverHeapMB))
  say(verdictOf('server V8 heap committed', start.serverCommittedMB, ending.serverCommittedMB))
  say(verdictOf('server external', start.serverExternalMB, ending.serverExternalMB))
  say(verdictOf('renderer RSS', start.rendererRssMB, ending.rendererRssMB))
  say(verdictOf('page JS heap', start.jsHeapMB, ending.jsHeapMB))
  say(`DOM nodes ${first.domNodes} → ${last.domNodes}, listeners ${first.listeners} → ${last.listeners}`)
  const round = (x: number): number | null => (Number.isFinite(x) ? Math.round(x * 10) / 10 : null)
  console.log(
    JSON.stringify({
      bench: 'soak',
      minutes: Math.round(minutes * 10) / 10,
      warmupRuns: measuredFrom,
      medianOf: edgeCount,
      startRssMB: round(start.serverRssMB),
      endRssMB: round(ending.serverRssMB),
      ratio: ratio(start.serverRssMB, ending.serverRssMB),
      serverHeapStartMB: round(start.serverHeapMB),
      serverHeapEndMB: round(ending.serverHeapMB),
      serverHeapRatio: ratio(start.serverHeapMB, ending.serverHeapMB),
      rendererStartRssMB: round(start.rendererRssMB),
      rendererEndRssMB: round(ending.rendererRssMB),
      rendererRatio: ratio(start.rendererRssMB, ending.rendererRssMB),
      jsHeapStartMB: round(start.jsHeapMB),
      jsHeapEndMB: round(ending.jsHeapMB),
      jsHeapRatio: ratio(start.jsHeapMB, ending.jsHeapMB),
      runs: runs - measuredFrom,
      errors: failedRuns + pageErrors.length,
      goal: 'flat within 10%',
      perMinute: snapshots.map((s) => ({
        minute: Math.round(s.minute * 10) / 10,
        serverRssMB: round(s.serverRssMB),
        serverHeapMB: round(s.serverHeapMB),
        serverCommittedMB: round(s.serverCommittedMB),
        serverExternalMB: round(s.serverExternalMB),
        rendererRssMB: round(s.rendererRssMB),
        jsHeapMB: round(s.jsHeapMB),
      })),
    }),
  )
} finally {
  inspector?.close()
  await browser?.close()
  await server.stop()
}
