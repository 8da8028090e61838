// The C10k lab and a Python framework strategy from the page, in browser mode: a small sweep of a
// Node model and Python's ThreadingHTTPServer (two connection counts, two seconds a step) draws
// its table, verdict and charts; py-gevent runs the Sleep workload beside py-sequential. Pictures
// at 1024×700 and 1440×900 land in test-results/. A missing framework skips with its reason.
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { expect } from '@playwright/test'
import type { Catalog } from '../src/shared/api'
import { chooseFromMenu, onlyStrategies, root, shoot, test } from './support'

const SIZES = [
  { width: 1024, height: 700 },
  { width: 1440, height: 900 },
] as const

/** The catalog as the CLI lists it: which interpreters have which frameworks. */
function catalog(): Catalog {
  return JSON.parse(
    execFileSync(process.execPath, [join(root, 'out/main/cli.js'), 'list', '--json'], { encoding: 'utf8' }),
  ) as Catalog
}

test('a small C10k sweep from the page draws its table, verdict and charts', async ({ page, server }, testInfo) => {
  test.setTimeout(240_000)
  await page.setViewportSize(SIZES[1])
  await page.goto(server.url)
  await chooseFromMenu(page, 'Workload', 'C10k Lab (server models)…')
  const view = page.getByTestId('c10k-view')
  await expect(view).toBeVisible()

  const models = view.getByRole('group', { name: 'Server models' })
  const threading = models.locator('input[value="py-threading-http"]')
  const withPython = await threading.isEnabled()
  if (!withPython)
    console.log(
      `c10k e2e: py-threading-http left out: ${await models.getByTestId('model-unavailable').first().innerText()}`,
    )
  for (const box of await models.getByRole('checkbox').all()) {
    const value = await box.getAttribute('value')
    const want = value === 'node-http' || (withPython && value === 'py-threading-http')
    if ((await box.isEnabled()) && (await box.isChecked()) !== want) await box.setChecked(want)
  }
  // A bad field says what is wrong and the limit, in one line, and holds the sweep back.
  await view.getByLabel('Connections').fill('5, 0')
  await expect(view.getByRole('alert').first()).toHaveText(
    'connections must be a list of integers from 1 to 20,000; entry 2 is too small',
  )
  await expect(page.getByTestId('c10k-start')).toBeDisabled()
  await view.getByLabel('Connections').fill('5, 50')
  await view.getByLabel(/^Step length/).fill('2')
  await view.getByLabel(/^Timeout/).fill('1000')
  const steps = withPython ? 4 : 2
  await expect(page.getByTestId('c10k-plan')).toContainText(`${steps} steps`)
  await page.getByTestId('c10k-start').click()

  await expect(page.getByTestId('c10k-status')).toHaveText('Running')
  await expect(page.getByTestId('c10k-current')).toContainText(/now: node-http at 5 connections/)
  await shoot(page, testInfo, '1440x900-c10k-running')
  await expect(page.getByTestId('c10k-status')).toHaveText('Finished', { timeout: 180_000 })

  const rows = page.getByTestId('c10k-row')
  await expect(rows).toHaveCount(steps)
  for (const row of await rows.all()) {
    const cells = await row.locator('td').allInnerTexts()
    // Connections, then 13 figures, every one a number (a failed step would show its reason instead).
    expect(cells, await row.innerText()).toHaveLength(14)
    for (const cell of cells) expect(cell.trim()).toMatch(/^[\d,]+(\.\d+)?\*?$/)
  }
  await expect(page.getByTestId('c10k-verdict')).toContainText(/held up best|No model held/)
  await expect(page.getByTestId('c10k-verdict')).toContainText('Node event loop (http)')
  for (const metric of ['rps', 'p99', 'rss', 'threads']) {
    const canvas = page.locator(`canvas[data-chart="c10k-${metric}"]`)
    await expect(canvas).toHaveAttribute('data-points', String(steps))
    // Drawn: the canvas holds more than one colour.
    const colours = await canvas.evaluate((c) => {
      type Canvas = {
        width: number
        height: number
        getContext(kind: '2d'): {
          getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> }
        }
      }
      const el = c as unknown as Canvas
      const data = el.getContext('2d').getImageData(0, 0, el.width, el.height).data
      const seen = new Set<number>()
      for (let i = 0; i < data.length && seen.size < 10; i += 4 * 97)
        seen.add(data[i]! * 65536 + data[i + 1]! * 256 + data[i + 2]!)
      return seen.size
    })
    expect(colours).toBeGreaterThan(2)
  }
  for (const size of SIZES) {
    await page.setViewportSize(size)
    await shoot(page, testInfo, `${size.width}x${size.height}-c10k-results`)
    await shoot(page, testInfo, `${size.width}x${size.height}-c10k-results-full`, { fullPage: true })
  }
})

test('py-gevent runs the Sleep workload from the page beside py-sequential', async ({ page, server }, testInfo) => {
  test.setTimeout(180_000)
  const gevent = catalog().runtimes.find(
    (r) => r.kind === 'python' && !r.unavailable && r.capabilities?.includes('gevent'),
  )
  if (!gevent) {
    const reason = 'no Python found here can import gevent (Debian: apt-get install python3-gevent)'
    console.log(`py-gevent e2e skipped: ${reason}`)
    test.skip(true, reason)
    return
  }
  await page.setViewportSize(SIZES[0])
  await page.goto(server.url)
  await chooseFromMenu(page, 'Workload', 'I/O-bound', 'Sleep')
  await page.getByLabel(/^tasks/).fill('20')
  await page.getByLabel(/^duration/).fill('100')
  await onlyStrategies(page, ['Python sequential', 'Python gevent'])
  await page.getByTestId('python-fields').getByLabel('Interpreter').selectOption(gevent.id)
  await page.getByLabel('Worker counts').fill('10')
  await page.getByLabel('Repetitions').fill('1')
  await page.getByLabel('Warm-ups').fill('0')
  await page.getByRole('button', { name: /^Run (Ctrl|⌘)/ }).click()
  await expect(page.getByTestId('run-status')).toHaveText('Finished', { timeout: 150_000 })
  const rows = page.getByTestId('results-row')
  await expect(rows).toHaveCount(2)
  await expect(rows.nth(1)).toHaveAttribute('data-strategy', 'py-gevent')
  await expect(rows.nth(1).getByTestId('speedup')).toHaveText(/^\d+\.\d\d×$/)
  console.log(
    `py-gevent e2e: speedup over py-sequential ${await rows.nth(1).getByTestId('speedup').innerText()} on ${gevent.executable}`,
  )
  await page.locator('.results-panel').scrollIntoViewIfNeeded()
  for (const size of SIZES) {
    await page.setViewportSize(size)
    await shoot(page, testInfo, `${size.width}x${size.height}-py-gevent-results`)
  }
})
