// The race lab in browser mode: Experiments ▸ Race condition: lost updates runs every variant on
// the lab's machine and the page draws, per trial, "expected N, got M, lost K (x%)", the lock
// wait, a bar per variant of the updates lost, and the notes; screenshots at two window sizes.
import { expect } from '@playwright/test'
import { chooseFromMenu, paintedPixels, shoot, test } from './support'

test('runs the lost-updates experiment from the Experiments menu and draws what each variant lost', async ({
  page,
  server,
}, testInfo) => {
  test.setTimeout(240_000)
  await page.setViewportSize({ width: 1024, height: 700 })
  await page.goto(server.url)
  await chooseFromMenu(page, 'Experiments', 'Race condition: lost updates')
  await expect(page.getByTestId('race-running')).toBeVisible()
  const rows = page.getByTestId('race-table').locator('tbody tr')
  await expect(rows.first()).toBeVisible({ timeout: 200_000 })
  await expect(page.getByTestId('race-error')).toHaveCount(0)

  // 8 variants × 3 trials, each with its figures in words.
  await expect(rows).toHaveCount(24)
  for (const cell of await page.getByTestId('race-lost').all())
    await expect(cell).toHaveText(/^expected [\d,]+, got [\d,]+, lost [\d,]+ \([\d.]+%\)$/)
  // What the lab labels racy lost updates in at least one trial; what it labels exact, in none.
  const lostIn = async (sync: string) =>
    (await rows.locator(`xpath=self::*[@data-sync="${sync}"]`).getByTestId('race-lost').allInnerTexts()).map((t) =>
      Number(/lost ([\d,]+)/.exec(t)![1]!.replace(/,/g, '')),
    )
  const racy = await lostIn('racy')
  const exact = await lostIn('exact')
  expect(racy.length).toBeGreaterThan(0)
  expect(racy.some((k) => k > 0)).toBe(true)
  expect(exact).toEqual(exact.map(() => 0))
  await expect(page.getByTestId('race-notes')).toContainText('exact in all 3 trials')
  await expect(page.getByTestId('race-notes')).toContainText(/lost updates in \d of 3 trials/)
  // The chart drew its bars (the racy variants' are long).
  expect(await paintedPixels(page.locator('canvas[data-chart="race-lost"]'), { coloured: true })).toBeGreaterThan(2000)
  await page.getByTestId('race-table').scrollIntoViewIfNeeded()
  await shoot(page, testInfo, 'race 1024x700')
  await page.setViewportSize({ width: 1440, height: 900 })
  await expect(page.getByTestId('race-table')).toBeVisible()
  await shoot(page, testInfo, 'race 1440x900')
})
