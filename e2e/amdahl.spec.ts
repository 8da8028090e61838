// The Amdahl lab in browser mode: Experiments ▸ Amdahl: why more workers stop helping runs the
// amdahl workload (a known serial share of 30%) on threads and processes at 1, 2 and 4 workers.
// The speedup chart draws the measured points against the fitted curve, and its readout gives the
// fitted serial fraction with its interval and a projection for bigger machines; on a machine
// that other programs keep busy the readout says why it did not fit instead (never a made-up fit).
import { expect } from '@playwright/test'
import { chooseFromMenu, MEASURING, paintedPixels, shoot, test } from './support'

test.use(MEASURING)

test('Amdahl: the serial share fitted from every trial, drawn against the measured speedups', async ({
  page,
  server,
}, testInfo) => {
  test.setTimeout(300_000)
  await page.setViewportSize({ width: 1024, height: 700 })
  await page.goto(server.url)
  await chooseFromMenu(page, 'Experiments', 'Amdahl: why more workers stop helping')
  await expect(page.getByTestId('preset')).toContainText('serial share')
  // Drawing live CPU lines keeps part of a core busy, which the fit rightly counts as other
  // programs' load (README: hide Live CPU to measure).
  await chooseFromMenu(page, 'View', 'Live CPU')
  await page.getByRole('button', { name: /^Run (Ctrl|⌘)/ }).click()
  await page.getByTestId('run-status').filter({ hasText: 'Finished' }).waitFor({ timeout: 280_000 })

  const readout = page.getByTestId('amdahl-fit')
  await readout.scrollIntoViewIfNeeded()
  const text = (await readout.innerText()).trim()
  // Either the fit with its interval and projection, or the one-line reason it was refused.
  if (/^Not fitted/.test(text)) {
    console.log(`Amdahl e2e: the app refused the fit, as it should on a loaded machine: ${text}`)
  } else {
    expect(text).toMatch(/a serial fraction of \d\.\d\d \(95% interval/)
    expect(text).toMatch(/95%/)
    expect(text).toMatch(/on 8 cores/i)
  }
  // The chart is drawn: its canvas holds non-blank pixels.
  const painted = await paintedPixels(page.locator('canvas[data-chart="speedup"]'))
  expect(painted).toBeGreaterThan(1000)
  const figure = page.locator('[data-chart="speedup"]').locator('xpath=ancestor::figure')
  await shoot(figure, testInfo, 'amdahl-1024x700')
  await page.setViewportSize({ width: 1440, height: 900 })
  await shoot(figure, testInfo, 'amdahl-1440x900')
})
