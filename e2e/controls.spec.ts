// Controls in reach (issue 10): Run and Stop stay in view however far the page is scrolled, an
// experiment's description has "Run this experiment" beside it, and the results table fits at
// 1024 px. Pictures land in test-results/.
import { expect, type Page } from '@playwright/test'
import { chooseFromMenu, onlyStrategies, shoot, startLongSleepRun, test } from './support'

const SIZES = [
  { width: 1024, height: 700 },
  { width: 1440, height: 900 },
] as const

const runButton = (page: Page) => page.getByRole('button', { name: /^Run (Ctrl|⌘)/ })
const stopButton = (page: Page) => page.getByRole('button', { name: /^Stop/ })

for (const size of SIZES) {
  test.describe(`controls at ${size.width}×${size.height}`, () => {
    test.use({ viewport: size })

    test('Run and Stop stay in view at the bottom of the results, and the table fits', async ({
      page,
      server,
    }, testInfo) => {
      const tag = `${size.width}x${size.height}`
      await page.goto(server.url)
      await chooseFromMenu(page, 'Workload', 'I/O-bound', 'Sleep')
      await page.getByLabel(/^tasks/).fill('4')
      await page.getByLabel(/^duration/).fill('100')
      await onlyStrategies(page, ['Sequential', 'Async event loop', 'Worker threads', 'Processes'])
      await page.getByLabel('Worker counts').fill('1, 2, 4')
      await page.getByLabel('Repetitions').fill('2')
      await page.getByLabel('Warm-ups').fill('0')
      await runButton(page).click()
      await expect(page.getByTestId('run-status')).toHaveText('Finished', { timeout: 60_000 })

      await page.evaluate('window.scrollTo(0, document.documentElement.scrollHeight)')
      await expect(runButton(page)).toBeInViewport()
      await expect(stopButton(page)).toBeInViewport()
      await shoot(page, testInfo, `${tag}-toolbar-scrolled`)

      // The table never widens the page: it fits its panel or scrolls inside it, with the first
      // column pinned, and its caption wraps between words.
      const table = page.locator('.results-panel table').first()
      await table.scrollIntoViewIfNeeded()
      const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'))
      expect(overflow).toBeLessThanOrEqual(0)
      const first = table.locator('tbody tr').first().locator('th, td').first()
      await expect(first).toHaveCSS('position', 'sticky')
      await shoot(page, testInfo, `${tag}-results-table`)
    })

    test('a reload during a run shows it live, and Stop stops it', async ({ page, server }, testInfo) => {
      await page.goto(server.url)
      await startLongSleepRun(page, 40, 250)
      // A few tasks done, so the running trial has a timeline to carry over the reload.
      const readout = page.getByTestId('timeline-readout')
      await expect(readout).toHaveText(/^([3-9]|\d{2,}) tasks on 1 lane/, { timeout: 10_000 })
      await page.reload()
      await expect(page.getByTestId('run-status')).toHaveText('Running')
      await expect(readout).toHaveText(/^([3-9]|\d{2,}) tasks on 1 lane/)
      await expect(page.getByTestId('current-trial')).toContainText('Sequential')
      await expect(stopButton(page)).toBeEnabled()
      await expect(runButton(page)).toBeDisabled()
      await expect(page.getByTestId('saved-run')).toHaveCount(0)
      await shoot(page, testInfo, `${size.width}x${size.height}-reloaded-mid-run`)
      await stopButton(page).click()
      await expect(page.getByTestId('run-status')).toHaveText('Stopped', { timeout: 10_000 })
    })

    test('sessions: the current one marked, a run deleted with Undo, the trash opened', async ({
      page,
      server,
    }, testInfo) => {
      const tag = `${size.width}x${size.height}`
      await page.goto(server.url)
      await chooseFromMenu(page, 'File', 'New Session')
      for (let i = 0; i < 2; i++) {
        await chooseFromMenu(page, 'Workload', 'I/O-bound', 'Sleep')
        await page.getByLabel(/^tasks/).fill('2')
        await page.getByLabel(/^duration/).fill('20')
        await onlyStrategies(page, ['Sequential'])
        await page.getByLabel('Repetitions').fill('1')
        await page.getByLabel('Warm-ups').fill('0')
        await runButton(page).click()
        await expect(page.getByTestId('run-status')).toHaveText('Finished', { timeout: 30_000 })
      }
      await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Sessions' }).click()
      const current = page.locator('[data-testid="session-row"][aria-current="true"]')
      await expect(current.getByTestId('current-badge')).toHaveText('current')
      const runs = page.getByTestId('session-run')
      await expect(runs).toHaveCount(2)
      await runs
        .first()
        .getByRole('button', { name: /^Delete/ })
        .click()
      await expect(runs).toHaveCount(1)
      await expect(page.getByTestId('deleted-run-notice')).toContainText('Undo')
      await shoot(page, testInfo, `${tag}-run-deleted`)
      await page.getByTestId('deleted-run-notice').getByRole('button', { name: 'Undo' }).click()
      await expect(runs).toHaveCount(2)
      await current.getByRole('button', { name: 'Delete' }).click()
      await page.getByRole('button', { name: /^Show trash/ }).click()
      await expect(page.getByTestId('trash-row').first()).toBeVisible()
      await shoot(page, testInfo, `${tag}-trash`)
      await page.getByTestId('trash-row').first().getByRole('button', { name: 'Restore' }).click()
    })

    test('an experiment has Run this experiment beside its description', async ({ page, server }, testInfo) => {
      await page.goto(server.url)
      await chooseFromMenu(page, 'Experiments', 'I/O-bound: sequential vs async vs threads')
      const preset = page.getByTestId('preset')
      await expect(preset).toContainText('I/O-bound: sequential vs async vs threads')
      await shoot(page, testInfo, `${size.width}x${size.height}-experiment`)
      await preset.getByRole('button', { name: 'Run this experiment' }).click()
      await expect(stopButton(page)).toBeEnabled()
      await stopButton(page).click()
      await expect(page.getByTestId('run-status')).toHaveText(/Stopped|Finished/, { timeout: 30_000 })
    })
  })
}
