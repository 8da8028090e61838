// The words a person reads, looked at where they appear: partial results while a run goes on
// ("1 of 3 repetitions so far", the time left rounded), the verdict after it, "Saved" after
// Ctrl/⌘+S, and About with the version and the interpreters. Pictures land in test-results/.
import { expect } from '@playwright/test'
import { chooseFromMenu, onlyStrategies, shoot, test } from './support'

const SIZES = [
  { width: 1024, height: 700 },
  { width: 1440, height: 900 },
] as const

for (const size of SIZES) {
  test.describe(`words at ${size.width}×${size.height}`, () => {
    test.use({ viewport: size })

    test('partial results, the verdict, Saved and About', async ({ page, server }, testInfo) => {
      const tag = `${size.width}x${size.height}`
      await page.goto(server.url)
      await chooseFromMenu(page, 'Workload', 'I/O-bound', 'Sleep')
      await page.getByLabel(/^tasks/).fill('4')
      await page.getByLabel(/^duration/).fill('250')
      await onlyStrategies(page, ['Sequential', 'Worker threads'])
      await page.getByLabel('Worker counts').fill('1, 2')
      await page.getByLabel('Repetitions').fill('3')
      await page.getByLabel('Warm-ups').fill('0')
      await page.getByRole('button', { name: /^Run (Ctrl|⌘)/ }).click()

      // After the first trial: one repetition of three, said so, with no ± and no claim of three.
      const partial = page.getByTestId('partial').first()
      await expect(partial).toHaveText('1 of 3 repetitions so far')
      await expect(page.locator('caption')).toContainText('over the repetitions measured so far, of 3')
      await expect(page.getByTestId('time-left')).toHaveText(/^about \d+ s left$/)
      const results = page.locator('.results-panel')
      await results.scrollIntoViewIfNeeded()
      await shoot(page, testInfo, `${tag}-partial-results`)

      await expect(page.getByTestId('run-status')).toHaveText('Finished', { timeout: 60_000 })
      await expect(page.getByTestId('partial')).toHaveCount(0)
      await expect(page.locator('caption')).toContainText('over 3 measured repetitions each')
      const verdict = page.getByTestId('verdict')
      await expect(verdict).not.toContainText('browser drawing live charts')
      await verdict.scrollIntoViewIfNeeded()
      await shoot(page, testInfo, `${tag}-verdict`)

      await page.keyboard.press('Control+s')
      await expect(page.getByTestId('toast')).toHaveText(/^Saved “.+”$/)
      await shoot(page, testInfo, `${tag}-saved`)

      await chooseFromMenu(page, 'Help', 'About Concurrency Lab')
      const about = page.getByRole('dialog', { name: 'About Concurrency Lab' })
      await expect(about.getByTestId('app-version')).toHaveText(/^\d+\.\d+\.\d+/)
      await shoot(page, testInfo, `${tag}-about`)
    })

    test('Add Python Interpreter… in browser mode says how to add one to the server', async ({
      page,
      server,
    }, testInfo) => {
      await page.goto(server.url)
      await chooseFromMenu(page, 'Run', 'Add Python Interpreter…')
      const about = page.getByRole('dialog', { name: 'About Concurrency Lab' })
      await expect(about.getByTestId('add-python')).toContainText('npm run serve -- --python /path/to/python3')
      await shoot(page, testInfo, `${size.width}x${size.height}-add-python`)
    })
  })
}
