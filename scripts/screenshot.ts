// npm run screenshot: retakes resources/screenshot.png, the README's picture of the running lab.
// A real run in browser mode (the "CPU-bound: threads vs processes" experiment) in Chromium:
// every number in the picture is measured on this machine when the script runs, so run it on a
// quiet machine.
import { join } from 'node:path'
import { chromium } from '@playwright/test'
import { findChromium } from '../e2e/chromium'
import { buildIfStale, chooseFromMenu, root, startServer } from '../e2e/support'

const { launchOptions } = await findChromium()
buildIfStale()
const server = await startServer()
const browser = await chromium.launch(launchOptions)
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1250 } })
  await page.goto(server.url)
  await chooseFromMenu(page, 'Experiments', 'CPU-bound: threads vs processes')
  await page.getByRole('button', { name: /^Run/ }).click()
  await page.getByTestId('run-status').filter({ hasText: 'Finished' }).waitFor({ timeout: 300_000 })
  const file = join(root, 'resources/screenshot.png')
  await page.screenshot({ path: file })
  process.stdout.write(`wrote ${file}\n`)
} finally {
  await browser.close()
  await server.stop()
}
