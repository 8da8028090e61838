// Helpers for the e2e tests: build once, start the browser-mode server on a free port and read
// the URL it prints, find (where installed) the Electron binary. Chromium: see ./chromium.ts.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test as base, type CDPSession, type Locator, type Page, type TestInfo } from '@playwright/test'
import { SERVER_NODE_FLAGS } from './server-flags'

export const root = join(import.meta.dirname, '..')

export function buildIfStale(): void {
  execFileSync(process.execPath, [join(root, 'scripts/build-if-stale.js')], { cwd: root, stdio: 'inherit' })
}

export interface RunningServer {
  url: string
  origin: string
  process: ChildProcess
  /** The session library the server autosaves into: a temp folder, never the real home. */
  dataDir: string
  /** What the server has written to stdout and stderr so far. */
  output(): string
  stop(): Promise<void>
}

/**
 * Starts `node out/main/server.js` and resolves with the URL it prints. Its session library is
 * `dataDir`, else a fresh temp folder removed on stop: tests never write to the real home.
 */
export function startServer(options: { dataDir?: string; nodeArgs?: string[] } = {}): Promise<RunningServer> {
  const ownDir = options.dataDir === undefined
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'lab-e2e-sessions-'))
  const env = { ...process.env, CONCURRENCY_LAB_DATA_DIR: dataDir }
  const args = [
    ...SERVER_NODE_FLAGS,
    ...(options.nodeArgs ?? []),
    join(root, 'out/main/server.js'),
    '--data-dir',
    dataDir,
  ]
  const child = spawn(process.execPath, args, {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stderr!.on('data', (d) => (output += String(d)))
  const removeDir = (): void => {
    if (ownDir) rmSync(dataDir, { recursive: true, force: true })
  }
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return removeDir()
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGINT')
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
    await exited
    clearTimeout(timer)
    removeDir()
  }
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      output += String(d)
      const url = /http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+/.exec(output)?.[0]
      if (url) resolve({ url, origin: new URL(url).origin, process: child, dataDir, output: () => output, stop })
    })
    child.once('exit', (code) => {
      removeDir()
      reject(new Error(`the lab server exited (${code}) before printing its URL:\n${output}`))
    })
  })
}

/** The Electron executable if it is installed, else null (it cannot be downloaded here). */
/** Why the Electron e2e skips on this machine (printed by the global setup), or null when it runs. */
export const NO_ELECTRON =
  'Electron binary not installed (node_modules/electron/dist is missing and cannot be downloaded here)'

export function electronBinary(): string | null {
  const dir = join(root, 'node_modules/electron')
  const pathFile = join(dir, 'path.txt')
  if (!existsSync(pathFile)) return null
  const binary = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim())
  return existsSync(binary) ? binary : null
}

/** Chooses a menu bar command in browser mode: chooseFromMenu(page, 'File', 'Export', 'Run as CSV…'). */
export async function chooseFromMenu(page: Page, ...path: string[]): Promise<void> {
  const [top, ...rest] = path
  await page.getByRole('menubar').getByRole('menuitem', { name: top, exact: true }).click()
  for (const [i, label] of rest.entries()) {
    const menu = page.getByRole('menu')
    if (i < rest.length - 1) {
      await menu.getByRole('menuitem', { name: label, exact: true }).hover()
    } else {
      const roles = (['menuitem', 'menuitemradio', 'menuitemcheckbox'] as const).map((role) =>
        menu.getByRole(role, { name: label, exact: true }),
      )
      await roles[0]!.or(roles[1]!).or(roles[2]!).click()
    }
  }
}

/** Checks exactly the strategies whose titles are given (that are enabled here). */
export async function onlyStrategies(page: Page, titles: string[]): Promise<void> {
  const boxes = page.getByRole('group', { name: 'Strategies' }).getByRole('checkbox')
  const seen: string[] = []
  for (const box of await boxes.all()) {
    // The label's own text, without its runtime badge: exactly one title, so "Python asyncio"
    // does not also take "Python asyncio on uvloop".
    const title = await box.evaluate((input) =>
      [...(input.parentElement?.childNodes ?? [])]
        .filter((node) => node.nodeType === 3) // Node.TEXT_NODE
        .map((node) => node.textContent ?? '')
        .join('')
        .trim(),
    )
    seen.push(title)
    const want = titles.includes(title)
    if ((await box.isChecked()) !== want && (await box.isEnabled())) await box.setChecked(want)
  }
  const missing = titles.filter((t) => !seen.includes(t))
  if (missing.length > 0) throw new Error(`no strategy titled ${missing.join(', ')}; there are ${seen.join(', ')}`)
}

/** Starts one sequential trial of `tasks` sleeps of `durationMs` and waits until it is running. */
export async function startLongSleepRun(page: Page, tasks: number, durationMs: number): Promise<void> {
  await chooseFromMenu(page, 'Workload', 'I/O-bound', 'Sleep')
  await page.getByLabel(/^tasks/).fill(String(tasks))
  await page.getByLabel(/^duration/).fill(String(durationMs))
  await onlyStrategies(page, ['Sequential'])
  await page.getByLabel('Warm-ups').fill('0')
  await page.getByLabel('Repetitions').fill('1')
  await page.getByRole('button', { name: /^Run (Ctrl|⌘)/ }).click()
  await page.getByTestId('current-trial').filter({ hasText: 'now: Sequential (' }).waitFor()
}

/**
 * Playwright's test with one browser-mode server per worker, stopped when the worker ends. A spec
 * file whose tests need a session library of their own says `test.use({ library: 'name' })`:
 * another value means another worker, so another server with an empty library.
 */
export const test = base.extend<object, { library: string; server: RunningServer }>({
  library: ['shared', { scope: 'worker', option: true }],
  server: [
    async ({ library: _library }, use) => {
      const server = await startServer()
      await use(server)
      await server.stop()
    },
    { scope: 'worker' },
  ],
})

/**
 * For a spec whose assertions rest on the lab's own measurements (busy cores, other programs'
 * load, timer lateness): `test.use(MEASURING)`. Playwright's trace records a screencast of the
 * page all along; in headless Chromium here that kept about 0.9 of the 2 cores busy, which the
 * lab rightly counted as other programs' load, and then declined to name the GIL.
 */
export const MEASURING = { trace: 'off' } as const

/**
 * A screenshot kept as a test artifact (test-results/…/name.png) and attached to the report: the
 * window as it is (a page) or one part of it (a locator). `fullPage` draws the whole scrolled
 * page, where the sticky menu bar and sidebar appear where the window was scrolled to.
 */
export async function shoot(
  target: Page | Locator,
  testInfo: TestInfo,
  name: string,
  options: { fullPage?: boolean } = {},
): Promise<void> {
  const path = testInfo.outputPath(`${name.replace(/[^\w.-]+/g, '-')}.png`)
  await target.screenshot({ path, ...(options.fullPage ? { fullPage: true } : {}) })
  await testInfo.attach(name, { path, contentType: 'image/png' })
}

/**
 * How many pixels of a canvas are drawn on (not transparent); with `coloured`, only those of a
 * strong colour: bars and lines in a strategy's colour count, grey grid lines and text do not.
 */
export function paintedPixels(canvas: Locator, { coloured = false }: { coloured?: boolean } = {}): Promise<number> {
  return canvas.evaluate((c, onlyColoured) => {
    // The e2e project has no DOM types: the canvas as far as this needs it.
    type Canvas = {
      width: number
      height: number
      getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } }
    }
    const canvas = c as unknown as Canvas
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data
    let n = 0
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b, a] = [data[i]!, data[i + 1]!, data[i + 2]!, data[i + 3]!]
      if (a > 0 && (!onlyColoured || Math.max(r, g, b) - Math.min(r, g, b) > 80)) n++
    }
    return n
  }, coloured)
}

/**
 * The page's heap after a full garbage collection (three, so objects that only weak or ephemeron
 * links kept are gone too), from a heap snapshot through `cdp`: nodes counted and sized by
 * `keyOf(type, name)`, leaving out those it gives null.
 */
export async function heapCounts(
  cdp: CDPSession,
  keyOf: (type: string, name: string) => string | null,
): Promise<Map<string, { count: number; size: number }>> {
  for (let i = 0; i < 3; i++) await cdp.send('HeapProfiler.collectGarbage')
  const chunks: string[] = []
  const onChunk = (e: { chunk: string }): void => void chunks.push(e.chunk)
  cdp.on('HeapProfiler.addHeapSnapshotChunk', onChunk)
  await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false })
  cdp.off('HeapProfiler.addHeapSnapshotChunk', onChunk)
  const snapshot = JSON.parse(chunks.join('')) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } }
    nodes: number[]
    strings: string[]
  }
  const { node_fields: fields, node_types: nodeTypes } = snapshot.snapshot.meta
  const [type, name, selfSize] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f)) as [number, number, number]
  const counts = new Map<string, { count: number; size: number }>()
  for (let i = 0; i < snapshot.nodes.length; i += fields.length) {
    const key = keyOf(nodeTypes[0][snapshot.nodes[i + type]!]!, snapshot.strings[snapshot.nodes[i + name]!]!)
    if (key === null) continue
    const entry = counts.get(key) ?? { count: 0, size: 0 }
    entry.count++
    entry.size += snapshot.nodes[i + selfSize]!
    counts.set(key, entry)
  }
  return counts
}
