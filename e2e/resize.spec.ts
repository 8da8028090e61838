// The charts follow the window: made at 1024 px wide (one column of charts), then widened past
// 1100 px (two columns), each chart fits its column instead of keeping its old width.
import { expect, type Locator, type Page } from '@playwright/test'
import { chooseFromMenu, onlyStrategies, shoot, test } from './support'

async function run(page: Page): Promise<void> {
  await page.getByRole('button', { name: /^Run (Ctrl|⌘)/ }).click()
  await expect(page.getByTestId('run-status')).toHaveText('Finished', { timeout: 60_000 })
}

/** How far the result charts in `panel` reach past its right edge, at most (≤ 0: they fit). */
async function widest(panel: Locator): Promise<number> {
  const edge = (await panel.boundingBox())!
  let reach = -Infinity
  for (const canvas of await panel.locator('.result-charts canvas').all()) {
    const b = (await canvas.boundingBox())!
    reach = Math.max(reach, Math.round(b.x + b.width - (edge.x + edge.width)))
  }
  return reach
}

test('charts made in a narrow window fit their columns after it widens', async ({ page, server }, testInfo) => {
  await page.setViewportSize({ width: 1024, height: 700 })
  await page.goto(server.url)
  await chooseFromMenu(page, 'Workload', 'I/O-bound', 'Sleep')
  await page.getByLabel(/^tasks/).fill('4')
  await page.getByLabel(/^duration/).fill('5')
  await onlyStrategies(page, ['Sequential', 'Worker threads'])
  await page.getByLabel('Worker counts').fill('2')
  await page.getByLabel('Repetitions').fill('2')
  await page.getByLabel('Warm-ups').fill('0')
  await run(page)
  await run(page)
  await page.setViewportSize({ width: 1440, height: 900 })

  const results = page.locator('.results-panel')
  await expect(results.locator('.result-charts canvas')).toHaveCount(2)
  await expect.poll(() => widest(results)).toBeLessThanOrEqual(0)
  await results.scrollIntoViewIfNeeded()
  await shoot(page, testInfo, 'lab-widened-1440x900')

  await page.getByRole('button', { name: 'Compare', exact: true }).click()
  const compare = page.locator('.compare-view')
  await page.setViewportSize({ width: 1024, height: 700 })
  await expect(compare.locator('.result-charts canvas')).toHaveCount(2)
  await page.setViewportSize({ width: 1440, height: 900 })
  await expect.poll(() => widest(compare)).toBeLessThanOrEqual(0)
  await shoot(page, testInfo, 'compare-widened-1440x900')
})
