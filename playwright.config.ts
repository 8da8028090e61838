// Playwright: the real renderer end to end, in a Chromium that e2e/chromium.ts finds (browser
// mode) and, where the binary is installed, in Electron. No `npx playwright install` needed.
import { defineConfig } from '@playwright/test'
import { findChromium } from './e2e/chromium'

const { launchOptions } = await findChromium()

export default defineConfig({
  testDir: 'e2e',
  globalSetup: './e2e/global-setup.ts',
  outputDir: 'test-results',
  // One worker: the machine has two cores, and the lab itself measures them.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 30_000 },
  reporter: [['list']],
  use: {
    viewport: { width: 1400, height: 1000 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
  projects: [
    {
      name: 'browser',
      testMatch:
        /(browser|sessions|ui-walkthrough|words|controls|c10k|dask|your-code|race|amdahl|gil|heartbeat|page-memory|resize)\.spec\.ts$/,
      use: { launchOptions },
    },
    { name: 'electron', testMatch: /electron\.spec\.ts$/ },
  ],
})
