// The page keeps nothing per run that it never frees (issue 9's soak). Counted in Blink's own heap,
// from a heap snapshot taken after garbage collection, so the count is exact and does not depend on
// timing. The object counted is the one the one-hour soak found growing by one per run: a parsed
// media query that Blink keeps in a per-document map for as long as the page lives. Chromium 153
// adds one each time a <thead> or <tfoot> gets a style (made, or shown again), and the results
// table was made again on every run.
import { expect, type CDPSession, type Page } from '@playwright/test'
import { chooseFromMenu, heapCounts, onlyStrategies, test } from './support'

/** How many of Blink's parsed media-query sets the page holds after a full garbage collection. */
async function mediaQuerySets(cdp: CDPSession): Promise<number> {
  const counts = await heapCounts(cdp, (_type, name) => (name === 'blink::MediaQuerySet' ? name : null))
  return counts.get('blink::MediaQuerySet')?.count ?? 0
}

async function runOnce(page: Page): Promise<void> {
  await page.getByRole('button', { name: /^Run (Ctrl|⌘)/ }).click()
  await expect(page.getByTestId('run-status')).toHaveText('Finished', { timeout: 60_000 })
}

test('runs one after another leave no parsed media query behind in the page', async ({ page, server }) => {
  await page.goto(server.url)
  await chooseFromMenu(page, 'Workload', 'I/O-bound', 'Sleep')
  await page.getByLabel(/^tasks/).fill('4')
  await page.getByLabel(/^duration/).fill('5')
  await onlyStrategies(page, ['Sequential', 'Worker threads'])
  await page.getByLabel('Worker counts').fill('2')
  await page.getByLabel('Repetitions').fill('1')
  await page.getByLabel('Warm-ups').fill('0')
  // One run first, so what the page makes once (the results panel's charts) is there before counting.
  await runOnce(page)
  const cdp = await page.context().newCDPSession(page)
  const before = await mediaQuerySets(cdp)
  // The page's own stylesheet has @media rules: a count of 0 would mean this reads nothing.
  expect(before).toBeGreaterThan(0)
  const runs = 6
  for (let i = 0; i < runs; i++) await runOnce(page)
  expect(await mediaQuerySets(cdp), `after ${runs} more runs (${before} before)`).toBe(before)
})
