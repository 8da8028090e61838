// Soak: browser mode driven through the page for a long time, to see whether memory stays flat.
// Starts the built server as `npm run serve` does (`node --max-semi-space-size=4 out/main/server.js`:
// e2e/server-flags.ts; a temp session library removed at the end), opens its page in the Chromium
// that e2e/chromium.ts finds, and clicks Run back to back: runs of a few seconds, two strategies
// each, rotating through sequential, threads, processes, async and the Python strategies this
// machine can run, over a CPU-bound and an I/O-bound workload. After a warm-up (every strategy
// pair once on each workload; not measured) it records the server's RSS and V8 heap, the renderer
// process's RSS (anonymous, file-backed and shared), Chromium's own account of the renderer by
// allocator (a memory-infra dump) and the page's JS heap, then every minute and at the end: each
// time between runs, after a settling pause and a forced GC in the server (through its inspector,
// on a port of its own) and in the page. RSS swings by ±10 MB with the worker isolates and buffers
// of the run just ended, so the verdict compares the median of the first five snapshots with the
// median of the last five (the single first and last, and the page at load before the warm-up,
// are printed too). Prints the figures in words on stderr and one JSON line on stdout. Goal: flat
// within 10%. Asserts nothing.
// `npm run bench:soak [-- --minutes N] [--warmup-runs N] [--hide cpu,timeline,results]` (default
// 60 minutes; by default two warm-up runs per strategy pair, at most 100; --hide hides those panels
// through the View menu first, to see how much of a growth one panel's drawing makes).
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { chromium, type Browser, type CDPSession, type Locator, type Page } from '@playwright/test'
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

/** Panels the soak can hide through the View menu, by the menu item's label. */
const PANELS = { cpu: 'Live CPU', timeline: 'Timeline', results: 'Results' } as const
type Panel = keyof typeof PANELS

interface Options {
  minutes: number
  /** Runs before the first snapshot; by default every strategy pair once on each workload. */
  warmupRuns: number | undefined
  /** Panels hidden before the warm-up: to place a growth in one panel's drawing. */
  hide: Panel[]
}

function parseOptions(argv: string[]): Options {
  const parse = () => {
    try {
      return parseArgs({
        args: argv,
        options: { minutes: { type: 'string' }, 'warmup-runs': { type: 'string' }, hide: { type: 'string' } },
        strict: true,
        allowPositionals: false,
      })
    } catch (error) {
      throw new Error(`${(error as Error).message}: use --minutes N, --warmup-runs N and --hide cpu,timeline,results`)
    }
  }
  const { values } = parse()
  const options: Options = {
    minutes: values.minutes === undefined ? 60 : Number(values.minutes),
    warmupRuns: values['warmup-runs'] === undefined ? undefined : Number(values['warmup-runs']),
    hide: [],
  }
  if (!(options.minutes > 0 && options.minutes <= 24 * 60))
    throw new Error(`--minutes must be a number from 0 (exclusive) to 1440, got ${values.minutes}`)
  if (
    options.warmupRuns !== undefined &&
    (!Number.isInteger(options.warmupRuns) || options.warmupRuns < 0 || options.warmupRuns > 100)
  )
    throw new Error(`--warmup-runs must be an integer from 0 to 100, got ${values['warmup-runs']}`)
  // Each name once: the View menu toggles, so a panel named twice would be shown again.
  for (const name of new Set(values.hide?.split(',') ?? [])) {
    if (!(name in PANELS))
      throw new Error(`--hide takes panels from ${Object.keys(PANELS).join(', ')}, got ${JSON.stringify(name)}`)
    options.hide.push(name as Panel)
  }
  return options
}

/** Resident memory of a process in MB, from /proc (Linux), or NaN where there is none. */
function rssMB(pid: number | undefined): number {
  return residentMB(pid).total
}

/**
 * A process's resident memory in MB and its parts (Linux /proc; NaN elsewhere): anonymous (the
 * heaps: what a leak grows), file-backed (pages of the binary and its libraries, touched as new
 * code paths run) and shared memory (buffers shared with the browser and GPU processes).
 */
function residentMB(pid: number | undefined): { total: number; anon: number; file: number; shmem: number } {
  const none = { total: NaN, anon: NaN, file: NaN, shmem: NaN }
  if (pid === undefined) return none
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const field = (name: string): number => {
      const kB = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]
      return kB ? Number(kB) / 1024 : NaN
    }
    return { total: field('VmRSS'), anon: field('RssAnon'), file: field('RssFile'), shmem: field('RssShmem') }
  } catch {
    return none
  }
}

/**
 * Chromium's own account of a process's memory, by allocator (v8, blink_gc, partition_alloc,
 * malloc, cc, canvas, skia, font_caches, …, and their first-level parts), in MB: one explicit
 * memory-infra dump through the browser's tracing, as chrome://tracing takes it.
 */
async function allocatorsMB(browserCdp: CDPSession, pid: number | undefined): Promise<Record<string, number>> {
  if (pid === undefined) return {}
  const events: Array<{ ph?: string; pid?: number; args?: { dumps?: { allocators?: Record<string, unknown> } } }> = []
  const collect = (e: { value: typeof events }): void => void events.push(...e.value)
  let onComplete: () => void = () => undefined
  const complete = new Promise<void>((resolve) => (onComplete = resolve))
  let timer: NodeJS.Timeout | undefined
  let tracing = false
  browserCdp.on('Tracing.dataCollected', collect)
  browserCdp.on('Tracing.tracingComplete', onComplete)
  try {
    await browserCdp.send('Tracing.start', {
      traceConfig: {
        includedCategories: ['disabled-by-default-memory-infra'],
        // No periodic dumps: only the one asked for below. (The protocol's types call this a map of
        // strings; Chromium reads a list of triggers.)
        memoryDumpConfig: { triggers: [] } as unknown as Record<string, string>,
      },
      transferMode: 'ReportEvents',
    })
    tracing = true
    const dump = await browserCdp.send('Tracing.requestMemoryDump', { levelOfDetail: 'detailed' })
    tracing = false
    await browserCdp.send('Tracing.end')
    const ended = await Promise.race([
      complete.then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 10_000))),
    ])
    if (!dump.success || !ended) return {}
  } catch {
    // A dump that failed is no figure, not zero; tracing left on would refuse every later start.
    if (tracing) await browserCdp.send('Tracing.end').catch(() => undefined)
    return {}
  } finally {
    clearTimeout(timer)
    browserCdp.off('Tracing.dataCollected', collect)
    browserCdp.off('Tracing.tracingComplete', onComplete)
  }
  const sizes: Record<string, number> = {}
  for (const event of events) {
    if (event.ph !== 'v' || event.pid !== pid) continue
    for (const [name, node] of Object.entries(event.args?.dumps?.allocators ?? {})) {
      const attrs = (node as { attrs?: Record<string, { value?: string } | undefined> }).attrs
      const hex = attrs?.['size']?.value
      // Oilpan's live objects beside its size: the difference is pages it keeps while they are
      // mostly free (fragmentation), which a leak of objects the page holds would not show.
      const live = name === 'blink_gc/main/heap' ? attrs?.['allocated_objects_size']?.value : undefined
      if (live !== undefined) sizes['blink_gc live objects'] = parseInt(live, 16) / 1024 ** 2
      // The allocator and its first-level parts; deeper names (per-object-type, per-segment) are too many to follow.
      // Oilpan's spaces too (blink_gc/main/heap/<space>), to see which kind of object keeps pages.
      const depth = name.startsWith('blink_gc/main/heap/') ? 4 : 2
      if (hex === undefined || name.split('/').length > depth || /\/(0x|[0-9A-F]{16})/i.test(name)) continue
      sizes[name] = (sizes[name] ?? 0) + parseInt(hex, 16) / 1024 ** 2
    }
  }
  return sizes
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
  rendererAnonMB: number
  rendererFileMB: number
  rendererShmemMB: number
  /** Chromium's memory-infra dump of the renderer, MB by allocator. */
  rendererAllocators: Record<string, number>
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
  const renderer = await rendererPid(browserCdp)
  const resident = residentMB(renderer)
  return {
    label,
    minute,
    runs,
    rendererAnonMB: resident.anon,
    rendererFileMB: resident.file,
    rendererShmemMB: resident.shmem,
    rendererAllocators: await allocatorsMB(browserCdp, renderer),
    serverRssMB: rssMB(server.process.pid),
    serverHeapMB: serverMemory.heap,
    serverCommittedMB: serverMemory.committed,
    serverExternalMB: serverMemory.external,
    rendererRssMB: resident.total,
    jsHeapMB: (metrics['JSHeapUsedSize'] ?? NaN) / 1024 ** 2,
    domNodes: metrics['Nodes'] ?? NaN,
    listeners: metrics['JSEventListeners'] ?? NaN,
  }
}

const mb = (x: number): string => (Number.isFinite(x) ? `${x.toFixed(1)} MB` : 'n/a')

function inWords(s: Snapshot): string {
  return (
    `${s.label}: server RSS ${mb(s.serverRssMB)} (V8 heap ${mb(s.serverHeapMB)} of ${mb(s.serverCommittedMB)} committed, external ${mb(s.serverExternalMB)}), ` +
    `renderer RSS ${mb(s.rendererRssMB)} (anonymous ${mb(s.rendererAnonMB)}, file ${mb(s.rendererFileMB)}, shared ${mb(s.rendererShmemMB)}), ` +
    `page JS heap ${mb(s.jsHeapMB)}, ${s.domNodes} DOM nodes, ${s.listeners} listeners, ${s.runs} runs done`
  )
}

/** The two-strategy runs the soak rotates through: every strategy the page offers enabled here. */
async function strategyPairs(page: Page): Promise<StrategyId[][]> {
  const wanted: StrategyId[] = ['sequential', 'threads', 'processes', 'async']
  const python = STRATEGIES.filter((s) => s.runtime === 'python').map((s) => s.id)
  const usable: StrategyId[] = []
  const group = page.getByRole('group', { name: 'Strategies' })
  // Each box carries its strategy's id as its value: no matching of titles, one of which ("Python
  // asyncio") begins another ("Python asyncio on uvloop").
  for (const id of [...wanted, ...python]) {
    const box = group.locator(`input[type="checkbox"][value="${id}"]`)
    if ((await box.count()) === 1 && (await box.isEnabled())) usable.push(id)
  }
  const pairs: StrategyId[][] = []
  for (let i = 0; i < usable.length; i += 2) pairs.push(usable.slice(i, i + 2))
  return pairs
}

const title = (id: StrategyId): string => STRATEGIES.find((s) => s.id === id)!.title

/**
 * Types `value` into a field only when the field does not already show it, as a person would: the
 * page keeps each workload's values. Typing them again on every run (five fields) put each typed
 * change on Chromium's undo stack, which keeps up to 1,000 steps of the removed text in Blink's
 * heap: +4 steps a run in heap snapshots, memory the soak then counted as the lab's.
 */
async function setField(field: Locator, value: string): Promise<void> {
  if ((await field.inputValue()) !== value) await field.fill(value)
}

/** One run through the page, as a person would start it; resolves to its final phase. */
async function oneRun(page: Page, index: number, pairs: StrategyId[][]): Promise<string> {
  const strategies = pairs[index % pairs.length]!
  if (Math.floor(index / pairs.length) % 2 === 0) {
    await chooseFromMenu(page, 'Workload', 'CPU-bound', 'Count primes')
    await setField(page.getByLabel(/^size/), '300000')
    await setField(page.getByLabel(/^tasks/), '16')
  } else {
    await chooseFromMenu(page, 'Workload', 'I/O-bound', 'Sleep')
    await setField(page.getByLabel(/^tasks/), '24')
    await setField(page.getByLabel(/^duration/), '40')
  }
  await onlyStrategies(page, strategies.map(title))
  await setField(page.getByLabel('Worker counts'), '2')
  await setField(page.getByLabel('Repetitions'), '2')
  await setField(page.getByLabel('Warm-ups'), '0')
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
  for (const panel of options.hide) await chooseFromMenu(page, 'View', PANELS[panel])
  if (options.hide.length > 0) say(`soak: hid ${options.hide.map((p) => PANELS[p]).join(', ')} (View menu)`)
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

  // The warm-up runs every pair once on each workload, so the start is measured on a page whose
  // JIT and Chromium's heaps have been through every path the soak takes, not on one that has run
  // three of sixteen; the snapshot before it is printed too, and counted nowhere.
  const warmupRuns = options.warmupRuns ?? 2 * pairs.length
  // One dump thrown away first: the first tracing session's own buffers stay in the renderer, and
  // would otherwise count as the runs' growth from page load.
  await allocatorsMB(browserCdp, await rendererPid(browserCdp))
  const loaded = await snapshot('page loaded', 0, 0, server, pageCdp, browserCdp, inspector)
  say(inWords(loaded))
  for (let i = 0; i < warmupRuns && !stopping; i++) await run()
  say(`soak: ${warmupRuns} warm-up runs done (not measured); measuring for ${options.minutes} minutes`)
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
    rendererAnonMB: medianOf(list, 'rendererAnonMB'),
    rendererFileMB: medianOf(list, 'rendererFileMB'),
    rendererShmemMB: medianOf(list, 'rendererShmemMB'),
    // Over the snapshots that have a dump: a failed dump is no figure, not zero.
    rendererAllocators: ((dumped) =>
      Object.fromEntries(
        [...new Set(dumped.flatMap((x) => Object.keys(x.rendererAllocators)))].map((name) => {
          const values = dumped.map((x) => x.rendererAllocators[name] ?? 0).sort((a, b) => a - b)
          return [name, values[Math.floor((values.length - 1) / 2)]!]
        }),
      ))(list.filter((x) => Object.keys(x.rendererAllocators).length > 0)),
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
  say(verdictOf('  of which anonymous', start.rendererAnonMB, ending.rendererAnonMB))
  say(verdictOf('  of which file-backed', start.rendererFileMB, ending.rendererFileMB))
  if (start.rendererShmemMB > 0 || ending.rendererShmemMB > 0)
    say(verdictOf('  of which shared memory', start.rendererShmemMB, ending.rendererShmemMB))
  say(verdictOf('page JS heap', start.jsHeapMB, ending.jsHeapMB))
  // Where the renderer's memory went, by Chromium's own allocators: the largest changes.
  const allocatorChanges = [
    ...new Set([...Object.keys(start.rendererAllocators), ...Object.keys(ending.rendererAllocators)]),
  ]
    .map((name) => ({
      name,
      from: start.rendererAllocators[name] ?? 0,
      to: ending.rendererAllocators[name] ?? 0,
    }))
    .sort((a, b) => Math.abs(b.to - b.from) - Math.abs(a.to - a.from))
  if (allocatorChanges.length > 0) {
    say(`renderer by Chromium's allocators (memory-infra), the largest changes:`)
    for (const c of allocatorChanges.slice(0, 12))
      say(`  ${c.name}: ${mb(c.from)} → ${mb(c.to)} (${c.to >= c.from ? '+' : ''}${(c.to - c.from).toFixed(2)} MB)`)
  }
  say(
    `from page load, before the warm-up, to the end: server RSS ${mb(loaded.serverRssMB)} → ${mb(ending.serverRssMB)}, renderer RSS ${mb(loaded.rendererRssMB)} → ${mb(ending.rendererRssMB)} (anonymous ${mb(loaded.rendererAnonMB)} → ${mb(ending.rendererAnonMB)}), page JS heap ${mb(loaded.jsHeapMB)} → ${mb(ending.jsHeapMB)}`,
  )
  say(`DOM nodes ${first.domNodes} → ${last.domNodes}, listeners ${first.listeners} → ${last.listeners}`)
  const round = (x: number): number | null => (Number.isFinite(x) ? Math.round(x * 10) / 10 : null)
  console.log(
    JSON.stringify({
      bench: 'soak',
      minutes: Math.round(minutes * 10) / 10,
      warmupRuns: measuredFrom,
      pageLoaded: {
        serverRssMB: round(loaded.serverRssMB),
        rendererRssMB: round(loaded.rendererRssMB),
        rendererAnonMB: round(loaded.rendererAnonMB),
        jsHeapMB: round(loaded.jsHeapMB),
      },
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
      rendererAnonMB: [round(start.rendererAnonMB), round(ending.rendererAnonMB)],
      rendererFileMB: [round(start.rendererFileMB), round(ending.rendererFileMB)],
      rendererShmemMB: [round(start.rendererShmemMB), round(ending.rendererShmemMB)],
      rendererAllocatorsMB: Object.fromEntries(
        allocatorChanges.slice(0, 12).map((c) => [c.name, [round(c.from), round(c.to)]]),
      ),
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
        rendererAnonMB: round(s.rendererAnonMB),
        rendererFileMB: round(s.rendererFileMB),
        // Chromium's allocators, top level only (v8, blink_gc, malloc, cc, …): where each minute's growth is.
        rendererAllocatorsMB: Object.fromEntries(
          Object.entries(s.rendererAllocators)
            .filter(([name]) => !name.includes('/'))
            .map(([name, value]) => [name, round(value)]),
        ),
        jsHeapMB: round(s.jsHeapMB),
      })),
    }),
  )
} finally {
  inspector?.close()
  await browser?.close()
  await server.stop()
}
