// What the page's JS heap gains over N runs in browser mode: a heap snapshot (after forced GCs)
// after 4 warm-up runs and another after N more (runs as bench/soak.ts clicks them), compared by
// node type and constructor; prints the 30 largest gains. Tells application data (objects,
// arrays) from V8's compiled code and Blink's own buffers (undo steps of the filled fields,
// performance entries). `npx tsx bench/page-heap.ts` (N=30 runs by default). Asserts nothing.
import { chromium } from '@playwright/test'
import { findChromium } from '../e2e/chromium'
import { chooseFromMenu, heapCounts, onlyStrategies, startServer } from '../e2e/support'

const found = await findChromium()
const server = await startServer()
const browser = await chromium.launch(found.launchOptions)
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
  await page.goto(server.url)
  await page.getByRole('button', { name: /^Run/ }).waitFor()
  const cdp = await page.context().newCDPSession(page)
  const oneRun = async (): Promise<void> => {
    await chooseFromMenu(page, 'Workload', 'CPU-bound', 'Count primes')
    await page.getByLabel(/^size/).fill('100000')
    await page.getByLabel(/^tasks/).fill('16')
    await onlyStrategies(page, ['Sequential', 'Worker threads'])
    await page.getByLabel('Worker counts').fill('2')
    await page.getByLabel('Repetitions').fill('2')
    await page.getByLabel('Warm-ups').fill('0')
    const status = page.getByTestId('run-status')
    await page.getByRole('button', { name: /^Run/ }).click()
    await status.and(page.locator('[data-phase="running"], [data-phase="starting"]')).waitFor({ timeout: 30_000 })
    await status
      .and(page.locator('[data-phase="finished"], [data-phase="failed"], [data-phase="stopped"]'))
      .waitFor({ timeout: 120_000 })
  }
  const snapshot = (): Promise<Map<string, { count: number; size: number }>> =>
    heapCounts(
      cdp,
      (type, name) => `${type}:${type === 'string' || type === 'concatenated string' ? '' : name.slice(0, 60)}`,
    )
  for (let i = 0; i < 4; i++) await oneRun()
  const a = await snapshot()
  const N = Number(process.env.N ?? 30)
  for (let i = 0; i < N; i++) await oneRun()
  const b = await snapshot()
  const rows = [...b.entries()].map(([k, v]) => {
    const o = a.get(k) ?? { count: 0, size: 0 }
    return { k, dc: v.count - o.count, ds: v.size - o.size }
  })
  rows.sort((x, y) => y.ds - x.ds)
  for (const r of rows.slice(0, 30)) console.log(`${(r.ds / 1024).toFixed(1)} KB\t${r.dc}\t${r.k}`)
} finally {
  await browser.close()
  await server.stop()
}
