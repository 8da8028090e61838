// Sessions in browser mode end to end: runs autosave into a session that the Sessions view lists;
// the session saved as a file, closed (New Session) and reopened shows identical results; two runs
// compare with Welch's p-value; every export downloads; a bad file gets one clear line. Workloads
// are tiny: the machine has two cores.
import { readFile } from 'node:fs/promises'
import { expect, type Page } from '@playwright/test'
import { chooseFromMenu, onlyStrategies, startLongSleepRun, test } from './support'

// Counts of sessions and runs below assume a library no other spec file writes to.
test.use({ library: 'sessions' })
test.describe.configure({ mode: 'serial' })

const status = (page: Page) => page.getByTestId('run-status')
const tab = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name, exact: true })

/** The results table as text, row by row: what "identical results" compares. */
const resultRows = (page: Page) => page.getByTestId('results-row').allInnerTexts()

async function tinyPrimesRun(page: Page): Promise<void> {
  await chooseFromMenu(page, 'Workload', 'CPU-bound', 'Count primes')
  await page.getByLabel(/^size/).fill('20000')
  await page.getByLabel(/^tasks/).fill('4')
  await onlyStrategies(page, ['Sequential', 'Worker threads'])
  await page.getByLabel('Worker counts').fill('2')
  await page.getByLabel('Warm-ups').fill('0')
  await page.getByLabel('Repetitions').fill('3')
  await page.getByRole('button', { name: /^Run (Ctrl|⌘)/ }).click()
  await expect(status(page)).toHaveText('Finished', { timeout: 60_000 })
}

test('runs autosave, and a session saved, closed and reopened shows identical results; compare; exports', async ({
  page,
  server,
}, testInfo) => {
  await page.goto(server.url)
  await expect(page.getByRole('menubar')).toBeVisible()

  // Two runs: each autosaves into the current session.
  await tinyPrimesRun(page)
  await expect(page.getByTestId('current-session-name')).toContainText('Session')
  await chooseFromMenu(page, 'Run', 'Run Again')
  await expect(status(page)).toHaveText('Finished', { timeout: 60_000 })
  const before = await resultRows(page)
  expect(before).toHaveLength(2)

  await tab(page, 'Sessions').click()
  const rows = page.getByTestId('session-row')
  await expect(rows).toHaveCount(1)
  await expect(rows.first().getByTestId('session-runs')).toHaveText('2')
  await expect(page.getByTestId('session-run')).toHaveCount(2)

  // Save Session As… in browser mode is a download of the session file.
  const [saved] = await Promise.all([page.waitForEvent('download'), chooseFromMenu(page, 'File', 'Save Session As…')])
  const sessionPath = testInfo.outputPath(saved.suggestedFilename())
  await saved.saveAs(sessionPath)
  expect(JSON.parse(await readFile(sessionPath, 'utf8'))).toMatchObject({ format: 'concurrency-lab-session' })

  // Close it: New Session empties the page.
  await chooseFromMenu(page, 'File', 'New Session')
  await expect(status(page)).toHaveText('Ready')
  await expect(page.getByTestId('results-row')).toHaveCount(0)

  // Reopen the file: the last run's results, exactly as they were.
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), chooseFromMenu(page, 'File', 'Open Session…')])
  await chooser.setFiles(sessionPath)
  await expect(page.getByTestId('saved-run')).toBeVisible()
  await expect(status(page)).toHaveText('Finished')
  expect(await resultRows(page)).toEqual(before)

  // Compare the two runs: the difference table with Welch's p-value per strategy.
  await tab(page, 'Compare').click()
  const differences = page.getByTestId('difference-row')
  await expect(differences).toHaveCount(2)
  for (const row of await differences.all()) {
    await expect(row.getByTestId('p-value')).toHaveText(/^p (=|<) \d/)
    await expect(row.getByTestId('row-verdict')).toContainText(/times faster|no significant difference/)
  }
  await expect(page.getByTestId('machine-row').first()).toBeVisible()
  // Each column's heading lines up with the column: text read from the left is headed from the left.
  for (const table of ['difference-table', 'machine-table']) {
    const alignments = await page.getByTestId(table).evaluate((t) => {
      // The e2e project has no DOM types: the one call this needs.
      const { getComputedStyle: styleOf } = globalThis as unknown as {
        getComputedStyle(e: unknown): { textAlign: string }
      }
      return [...t.querySelectorAll('th[scope="col"]')].map((th, i) => {
        const cell = t.querySelector('tbody tr')!.children[i]!
        return `${th.textContent!.trim()}: ${styleOf(th).textAlign} over ${styleOf(cell).textAlign}`
      })
    })
    for (const line of alignments) expect(line, table).toMatch(/: (\w+) over \1$/)
  }

  // Exports of the run on screen: JSON, CSV, Markdown, and a PNG of a chart.
  await tab(page, 'Lab').click()
  for (const [format, check] of [
    ['json', (text: string) => expect(JSON.parse(text)).toHaveProperty('trials')],
    ['csv', (text: string) => expect(text.split('\n')[0]).toContain('strategy')],
    ['md', (text: string) => expect(text).toMatch(/^#/m)],
  ] as const) {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(`export-${format}`).click()])
    expect(download.suggestedFilename()).toMatch(new RegExp(`\\.${format}$`))
    check(await readFile(await download.path(), 'utf8'))
  }
  const [png] = await Promise.all([page.waitForEvent('download'), page.getByTestId('png-wall-clock').click()])
  expect(png.suggestedFilename()).toMatch(/wall-clock\.png$/)
  const bytes = await readFile(await png.path())
  expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  expect(bytes.length).toBeGreaterThan(1000)
})

test('a bad session file gets one clear line; the library and the open session are unchanged', async ({
  page,
  server,
}) => {
  await page.goto(server.url)
  await tab(page, 'Sessions').click()
  const rows = page.getByTestId('session-row')
  await expect(rows.first()).toBeVisible()
  const count = await rows.count()
  const current = await page.getByTestId('current-session-name').innerText()

  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), chooseFromMenu(page, 'File', 'Open Session…')])
  await chooser.setFiles({
    name: 'broken.json',
    mimeType: 'application/json',
    buffer: Buffer.from('{"format": "concurrency-lab-session", "runs": ['),
  })
  const error = page.getByTestId('session-error')
  await expect(error).toBeVisible()
  const text = (await error.innerText()).replace(/✕$/, '').trim()
  expect(text).toContain('broken.json')
  expect(text.split('\n')).toHaveLength(1)
  await expect(rows).toHaveCount(count)
  await expect(page.getByTestId('current-session-name')).toHaveText(current)
})

test('a stopped run is kept, marked as stopped', async ({ page, server }) => {
  await page.goto(server.url)
  await startLongSleepRun(page, 100, 100)
  await page.getByRole('button', { name: /^Stop/ }).click()
  await expect(status(page)).toHaveText('Stopped')
  await tab(page, 'Sessions').click()
  const last = page.getByTestId('session-run').last()
  await expect(last.getByTestId('stopped-badge')).toHaveText('stopped')
  await last.getByRole('button', { name: 'Show' }).click()
  await expect(status(page)).toHaveText('Stopped')
  await expect(page.getByTestId('saved-run')).toContainText('stopped before it finished')
})
