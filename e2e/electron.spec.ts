// The desktop app end to end: launch, a run driven from the native menu, results. Runs only where
// the Electron binary is installed; it cannot be downloaded on these machines.
import { _electron as electron, expect, test } from '@playwright/test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { NO_ELECTRON, electronBinary, root } from './support'

const binary = electronBinary()
test.skip(!binary, NO_ELECTRON)

test('launches, runs from the menu and shows results', async () => {
  // Autosaves go to a throw-away library, never the user's userData/sessions.
  const library = mkdtempSync(join(tmpdir(), 'lab-electron-e2e-'))
  const app = await electron.launch({
    executablePath: binary!,
    args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), join(root, 'out/main/index.js')],
    cwd: root,
    env: { ...process.env, CONCURRENCY_LAB_DATA_DIR: library } as Record<string, string>,
  })
  try {
    const page = await app.firstWindow()
    await expect(page.getByRole('heading', { name: 'Concurrency Lab' })).toBeVisible()
    // The page is isolated: no Node, only the named bridge.
    expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined')
    expect(await page.evaluate(() => typeof (globalThis as { lab?: { startRun?: unknown } }).lab?.startRun)).toBe(
      'function',
    )

    const click = (id: string) =>
      app.evaluate(({ Menu }, itemId) => Menu.getApplicationMenu()?.getMenuItemById(itemId)?.click(), id)
    await click('workload.select:sleep')
    await expect(page.getByLabel('Workload', { exact: true })).toHaveValue('sleep')
    await page.getByLabel(/^tasks/).fill('10')
    await page.getByLabel(/^duration/).fill('10')
    await page.getByLabel('Repetitions').fill('1')
    await page.getByLabel('Warm-ups').fill('0')
    await click('run.start')
    await expect(page.getByTestId('run-status')).toHaveText('Finished', { timeout: 60_000 })
    await expect(page.getByTestId('results-row').first()).toBeVisible()
    await expect(page.getByTestId('verdict')).toBeVisible()
  } finally {
    await app.close()
    rmSync(library, { recursive: true, force: true })
  }
})
