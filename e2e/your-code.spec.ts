// Your own code in the app (issue 11), in browser mode: Workload ▸ Your Code… reads a script the
// lab can see (its functions, never run), runs the chosen one under two strategies with the same
// table and verdict as a built-in workload, and Run ▸ Find Best Worker Count… searches the worker
// count and draws its recommendation and chart. Pictures at 1024×700 and 1440×900 land in test-results/.
import { join } from 'node:path'
import { expect } from '@playwright/test'
import { chooseFromMenu, onlyStrategies, root, shoot, test } from './support'

const SIZES = [
  { width: 1024, height: 700 },
  { width: 1440, height: 900 },
] as const

const script = join(root, 'resources/examples/cpu.py')

for (const size of SIZES) {
  test.describe(`your code at ${size.width}×${size.height}`, () => {
    test.use({ viewport: size })
    const tag = `${size.width}x${size.height}`

    test('Your Code… reads a script, runs the picked function under two strategies, and draws the table and verdict', async ({
      page,
      server,
    }, testInfo) => {
      await page.goto(server.url)
      await chooseFromMenu(page, 'Workload', 'Your Code…')
      const dialog = page.getByRole('dialog', { name: 'Your Code' })
      // A path the lab refuses says why in one line.
      await dialog.getByLabel('Script').fill(join(root, 'README.md'))
      await dialog.getByRole('button', { name: 'Read', exact: true }).click()
      await expect(dialog.getByTestId('script-problem')).toHaveText('script README.md must be a .py, .mjs or .js file')

      await dialog.getByLabel('Script').fill(script)
      await dialog.getByRole('button', { name: 'Read', exact: true }).click()
      await expect(dialog.getByTestId('script-facts')).toContainText('Python · SHA-256')
      // Top-level functions, read with ast: the helper _data is listed, the first public one (compress) picked.
      await expect(dialog.getByRole('radio', { name: 'compress' })).toBeChecked()
      await dialog.getByRole('radio', { name: 'python_loop' }).check()
      await dialog.getByLabel('Number of task inputs').fill('4')
      await shoot(page, testInfo, `${tag}-your-code-dialog`)
      await dialog.getByTestId('use-script').click()
      await expect(dialog).toBeHidden()
      await expect(page.getByTestId('your-code')).toContainText('cpu.py · python_loop · inputs 0 … 3')

      await onlyStrategies(page, ['Python sequential', 'Python threads'])
      await page.getByLabel('Worker counts').fill('2')
      await page.getByLabel('Repetitions').fill('1')
      await page.getByLabel('Warm-ups').fill('0')
      await page.getByRole('button', { name: /^Run (Ctrl|⌘)/ }).click()
      await expect(page.getByTestId('run-status')).toHaveText('Finished', { timeout: 90_000 })
      await expect(page.getByTestId('results-row')).toHaveCount(2)
      await expect(page.getByTestId('verdict')).toBeVisible()
      await page.getByTestId('verdict').scrollIntoViewIfNeeded()
      await shoot(page, testInfo, `${tag}-your-code-results`)

      // Recent scripts remembers it, across a reload.
      await page.reload()
      await expect(page.getByTestId('your-code')).toContainText('python_loop')
      await chooseFromMenu(page, 'Workload', 'Your Code…')
      await expect(page.getByRole('button', { name: 'cpu.py · python_loop' })).toBeVisible()
      await page.keyboard.press('Escape')
    })

    test('Find Best Worker Count… recommends a worker count per strategy and charts the points in the order tried', async ({
      page,
      server,
    }, testInfo) => {
      await page.goto(server.url)
      await chooseFromMenu(page, 'Workload', 'I/O-bound', 'Sleep')
      await page.getByLabel(/^tasks/).fill('8')
      await page.getByLabel(/^duration/).fill('20')
      await onlyStrategies(page, ['Sequential', 'Worker threads'])
      await page.getByLabel('Repetitions').fill('2')
      await page.getByLabel('Warm-ups').fill('0')
      await chooseFromMenu(page, 'Run', 'Find Best Worker Count…')
      const panel = page.getByTestId('tune-panel')
      await panel.getByLabel('Max workers').fill('4')
      await panel.getByLabel('Budget (s)').fill('30')
      await panel.getByRole('button', { name: 'Start search' }).click()
      await expect(panel.getByTestId('tune-results')).toBeVisible({ timeout: 90_000 })
      const best = panel.getByTestId('tune-best')
      await expect(best).toHaveCount(2)
      // Eight 20 ms sleeps: threads finish sooner with more workers, so the search recommends more than one.
      await expect(best.nth(1)).toHaveText(/^[234] workers$/)
      await expect(panel.getByTestId('tune-winner')).toContainText('Winner: Worker threads.')
      const chart = panel.locator('canvas[data-chart="tune"]')
      await expect(chart).toBeVisible()
      // Every point the search measured is on the chart (Sequential's one, and Worker threads' several).
      expect(Number(await chart.getAttribute('data-points'))).toBeGreaterThanOrEqual(3)
      expect((await chart.boundingBox())!.height).toBeGreaterThan(100)
      // The final run at the best counts is on screen and in the session like any run.
      await expect(page.getByTestId('run-status')).toHaveText('Finished', { timeout: 60_000 })
      await expect(page.getByTestId('verdict')).toBeVisible()
      await panel.scrollIntoViewIfNeeded()
      await shoot(page, testInfo, `${tag}-tune`)
      await page.getByTestId('results-table').scrollIntoViewIfNeeded()
      await shoot(page, testInfo, `${tag}-tune-final-run`)
    })
  })
}
