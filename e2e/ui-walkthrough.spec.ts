// Look at what the page draws, at the sizes people use: a short run's live CPU, its timeline, an
// event loop's timeline, the results charts, and the menus driven from the keyboard. Each picture
// lands in test-results/ to be opened and looked at; the assertions check what a person would.
import { readFileSync } from 'node:fs'
import { expect, type Page } from '@playwright/test'
import { chooseFromMenu, onlyStrategies, shoot, test } from './support'

const SIZES = [
  { width: 1024, height: 700 },
  { width: 1440, height: 900 },
] as const

const status = (page: Page) => page.getByTestId('run-status')

async function runAndWait(page: Page): Promise<void> {
  await page.getByRole('button', { name: /^Run (Ctrl|⌘)/ }).click()
  await expect(status(page)).toHaveText('Finished', { timeout: 90_000 })
}

/** Shows trial `text` (e.g. "Worker threads × 2") in the Timeline. */
async function showTrial(page: Page, text: string): Promise<void> {
  const select = page.locator('#timeline-trial')
  const value = (await select.locator('option', { hasText: text }).first().getAttribute('value')) ?? ''
  await select.selectOption(value)
}

for (const size of SIZES) {
  test.describe(`at ${size.width}×${size.height}`, () => {
    test.use({ viewport: size })

    test('a short run: live CPU, timeline, results charts and their PNG export', async ({ page, server }, testInfo) => {
      const tag = `${size.width}x${size.height}`
      await page.goto(server.url)
      await chooseFromMenu(page, 'Workload', 'CPU-bound', 'Count primes')
      await page.getByLabel(/^size/).fill('2000000')
      await page.getByLabel(/^tasks/).fill('16')
      await onlyStrategies(page, ['Sequential', 'Worker threads', 'Processes'])
      await page.getByLabel('Worker counts').fill('1, 2')
      await page.getByLabel('Repetitions').fill('2')
      await page.getByLabel('Warm-ups').fill('0')
      await runAndWait(page)

      const cpu = page.locator('.cpu-panel')
      await cpu.scrollIntoViewIfNeeded()
      await showTrial(page, 'Worker threads × 2')
      await shoot(cpu, testInfo, `${tag}-cpu-short-run`)
      // Labels that did not fit are named on hover.
      const cpuCanvas = page.locator('canvas[data-chart="cpu"]')
      const box = (await cpuCanvas.boundingBox())!
      await cpuCanvas.hover({ position: { x: box.width * 0.6, y: box.height * 0.5 } })
      await expect(cpuCanvas).toHaveAttribute('title', /^trial: (Sequential|Worker threads × \d|Processes × \d)/)

      const timeline = page.locator('.timeline-panel')
      await timeline.scrollIntoViewIfNeeded()
      await expect(page.getByTestId('timeline-readout')).toContainText(/tasks on 2 lanes/)
      // Hover along lane 0 until the pointer is over a task: its tooltip names it.
      const timelineCanvas = page.locator('canvas[data-chart="timeline"]')
      const width = (await timelineCanvas.boundingBox())!.width
      for (let x = 90; x < width; x += 8) {
        await timelineCanvas.hover({ position: { x, y: 9 } })
        if ((await page.getByTestId('timeline-tooltip').count()) > 0) break
      }
      await expect(page.getByTestId('timeline-tooltip')).toContainText(/task \d+ · worker 0 · starts at/)
      await shoot(timeline, testInfo, `${tag}-timeline-threads`)

      const results = page.locator('.result-charts')
      await results.scrollIntoViewIfNeeded()
      await shoot(results, testInfo, `${tag}-wall-clock-and-speedup`)

      // The PNG export: twice the canvas's CSS size (plus the title band), and opaque.
      const download = page.waitForEvent('download')
      await page.getByTestId('png-timeline').click()
      const file = testInfo.outputPath(`${tag}-export-timeline.png`)
      await (await download).saveAs(file)
      const png = readFileSync(file)
      const cssWidth = await page.locator('canvas[data-chart="timeline"]').evaluate((c) => c.clientWidth)
      expect(png.readUInt32BE(16)).toBe(cssWidth * 2)
      // Decoded in the page (the test runs in Node): the alpha of a pixel in the title band.
      const corner = (await page.evaluate(`(async () => {
        const image = new Image()
        image.src = 'data:image/png;base64,${png.toString('base64')}'
        await image.decode()
        const canvas = document.createElement('canvas')
        canvas.width = image.naturalWidth
        canvas.height = image.naturalHeight
        const ctx = canvas.getContext('2d')
        ctx.drawImage(image, 0, 0)
        return [...ctx.getImageData(2, 2, 1, 1).data]
      })()`)) as number[]
      expect(corner[3]).toBe(255)
      await testInfo.attach('export-timeline', { path: file, contentType: 'image/png' })
    })

    test('too many workers: the refusal names the bound, and Run anyway runs it', async ({
      page,
      server,
    }, testInfo) => {
      const tag = `${size.width}x${size.height}`
      await page.goto(server.url)
      await chooseFromMenu(page, 'Workload', 'I/O-bound', 'Sleep')
      await page.getByLabel(/^tasks/).fill('40')
      await page.getByLabel(/^duration/).fill('20')
      await onlyStrategies(page, ['Worker threads'])
      await page.getByLabel('Worker counts').fill('64')
      await page.getByLabel('Repetitions').fill('1')
      await page.getByLabel('Warm-ups').fill('0')
      await page
        .getByRole('button', { name: /^Run (Ctrl|⌘)/ })
        .first()
        .click()
      const alert = page.getByRole('alert', { name: 'Run errors' })
      await expect(alert).toContainText(/workers over \d+ \(4 × this machine's \d+ logical cores\)/)
      const again = alert.getByRole('button', { name: 'Run anyway' })
      await expect(again).toBeVisible()
      await expect(again).toBeInViewport()
      await expect(again).toBeFocused()
      await shoot(page, testInfo, `${tag}-many-workers-refused`)
      await again.click()
      await expect(status(page)).toHaveText('Finished', { timeout: 90_000 })
      await expect(alert).toHaveCount(0)
      await expect(page.locator('.banner', { hasText: 'workers over' })).toHaveCount(0)
      await shoot(page, testInfo, `${tag}-many-workers-run-anyway`)
    })

    test('an event loop timeline and the menus from the keyboard', async ({ page, server }, testInfo) => {
      const tag = `${size.width}x${size.height}`
      await page.goto(server.url)
      await chooseFromMenu(page, 'Workload', 'I/O-bound', 'Sleep')
      await page.getByLabel(/^tasks/).fill('40')
      await page.getByLabel(/^duration/).fill('150')
      await onlyStrategies(page, ['Async event loop'])
      await page.getByLabel('Repetitions').fill('1')
      await page.getByLabel('Warm-ups').fill('0')
      await runAndWait(page)
      const timeline = page.locator('.timeline-panel')
      await timeline.scrollIntoViewIfNeeded()
      await expect(page.getByTestId('timeline-readout')).toContainText('tasks in flight on one thread')
      await shoot(timeline, testInfo, `${tag}-timeline-async`)

      // F10, then → → ↓ → : Workload ▸ CPU-bound ▸ its workloads, from the keyboard alone.
      await page.locator('#workload').focus()
      await page.keyboard.press('F10')
      await expect(page.getByRole('menubar').getByRole('menuitem', { name: 'File' })).toBeFocused()
      for (const key of ['ArrowRight', 'ArrowRight', 'ArrowDown', 'ArrowRight']) await page.keyboard.press(key)
      await expect(page.getByRole('menuitemradio', { name: 'Count primes' })).toBeFocused()
      await shoot(page, testInfo, `${tag}-menus-keyboard`)
      await page.keyboard.press('Escape')
      await page.keyboard.press('Escape')
      await expect(page.getByRole('menu')).toHaveCount(0)
      await expect(page.locator('#workload')).toBeFocused()
    })
  })
}
