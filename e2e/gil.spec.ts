// The GIL on the timeline in browser mode: Experiments ▸ The GIL on the timeline runs CPU-bound
// Python on threads and processes; the results say per group how much of their wall time the
// tasks ran and waited ("for the GIL" for the threads), and the timeline of a py-threads trial
// shades each bar by the share it ran. Screenshots at two window sizes.
import { expect } from '@playwright/test'
import { chooseFromMenu, MEASURING, shoot, test } from './support'

test.use(MEASURING)

test('The GIL on the timeline: running against waiting in the results and on the timeline', async ({
  page,
  server,
}, testInfo) => {
  test.setTimeout(240_000)
  await page.setViewportSize({ width: 1024, height: 700 })
  await page.goto(server.url)
  await chooseFromMenu(page, 'Experiments', 'The GIL on the timeline')
  await expect(page.getByTestId('preset')).toContainText('pale for the share it waited')
  await page.getByRole('button', { name: /^Run (Ctrl|⌘)/ }).click()
  await page.getByTestId('run-status').filter({ hasText: 'Finished' }).waitFor({ timeout: 200_000 })

  // One line per Python group; the threads waited for the GIL (they can run at most about half
  // the time each, and load only lowers that), the processes and sequential are just "waited".
  const lines = page.getByTestId('running-share').locator('li')
  await expect(lines).toHaveCount(3)
  for (const line of await lines.allInnerTexts()) expect(line).toMatch(/tasks ran \d+% of their wall time, waited \d+%/)
  // The threads' line names the GIL, or (other programs left them about one core) says it cannot tell.
  const threads = lines.filter({ hasText: /threads × 2/i })
  await expect(threads).toHaveCount(1)
  await expect(threads).toContainText(/\(for the GIL\)|cannot tell how much of the wait was for the GIL/)
  await expect(lines.filter({ hasText: '(for the GIL)' })).toHaveCount(
    await threads.filter({ hasText: '(for the GIL)' }).count(),
  )

  // The timeline of a measured py-threads trial says how its tasks ran.
  const trial = page.locator('#timeline-trial')
  const option = trial.locator('option', { hasText: /threads.*repetition 1/i })
  await trial.selectOption({ label: (await option.first().innerText()).trim() })
  await expect(page.getByTestId('timeline-running')).toContainText(/Tasks ran \d+% of their wall time, waited \d+%/)
  await page.locator('.timeline-panel').scrollIntoViewIfNeeded()
  await shoot(page, testInfo, 'gil 1024x700')
  // Zoomed in, each task is its own bar: solid as tall as the share it ran.
  for (let i = 0; i < 3; i++) await page.getByRole('button', { name: 'Zoom in' }).click()
  await page.setViewportSize({ width: 1440, height: 900 })
  await expect(page.getByTestId('running-share')).toBeVisible()
  await shoot(page, testInfo, 'gil 1440x900')
})
