// The heartbeat in browser mode: Experiments ▸ Cooperative scheduling runs py-generators (fair and
// greedy), py-asyncio and py-threads with the heartbeat on, and the results table shows, per
// strategy, how late a 10 ms timer fired; CPU work on the asyncio loop holds it back far longer
// than generators that yield after each step. Screenshots at two window sizes.
import { expect, type Page } from '@playwright/test'
import { chooseFromMenu, MEASURING, shoot, test } from './support'

test.use(MEASURING)

/** The max (ms) of a heartbeat cell "p50 / p99 / max ms". */
const maxLate = async (page: Page, strategy: string): Promise<number> => {
  const cell = page.locator(`[data-testid="results-row"][data-strategy="${strategy}"] [data-testid="heartbeat-cell"]`)
  const text = await cell.innerText()
  const match = /^([\d.]+) \/ ([\d.]+) \/ ([\d.]+) ms/.exec(text.trim())
  expect(match, `heartbeat cell of ${strategy}: ${text}`).not.toBeNull()
  return Number(match![3])
}

test('runs the cooperative-scheduling experiment and shows each strategy’s heartbeat lateness', async ({
  page,
  server,
}, testInfo) => {
  test.setTimeout(240_000)
  await page.setViewportSize({ width: 1024, height: 700 })
  await page.goto(server.url)
  await chooseFromMenu(page, 'Experiments', 'Cooperative scheduling: one greedy task starves the loop')
  await expect(page.getByTestId('heartbeat')).toBeChecked()
  // One measured repetition, no warm-up: enough for an ordering, and quick on a shared machine.
  await page.getByLabel('Repetitions').fill('1')
  await page.getByLabel('Warm-ups').fill('0')
  await page.getByRole('button', { name: 'Run this experiment' }).click()
  const rows = page.getByTestId('results-row')
  await expect(rows).toHaveCount(4, { timeout: 200_000 })
  await expect(page.getByTestId('heartbeat-cell')).toHaveCount(4)
  await expect(page.getByTestId('heartbeat-lesson')).toContainText('the longest wait (max) ≈ a task’s length')
  // Generators that yield after each step never hold the tick long; asyncio's CPU-bound tasks run
  // inline (each ~100 ms or more here, and asyncio starts them all in one turn), and so does the greedy task.
  const fair = await maxLate(page, 'py-generators')
  expect(fair).toBeLessThan((await maxLate(page, 'py-asyncio')) / 2)
  expect(fair).toBeLessThan((await maxLate(page, 'py-generators-greedy')) / 2)
  await expect(
    page.locator('[data-testid="results-row"][data-strategy="py-threads"] [data-testid="heartbeat-cell"]'),
  ).toContainText('beside the workers')
  await page.getByTestId('results-table').scrollIntoViewIfNeeded()
  await shoot(page, testInfo, 'heartbeat 1024x700')
  await page.setViewportSize({ width: 1440, height: 900 })
  await expect(page.getByTestId('results-table')).toBeVisible()
  await shoot(page, testInfo, 'heartbeat 1440x900')
})
