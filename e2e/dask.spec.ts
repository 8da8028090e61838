// Scaling out, as a person meets it (issue 14): the "Scaling out" experiment from the Experiments
// menu, the Dask scheduler field beside py-dask with its message for an address the lab refuses,
// then a short real run on a local cluster of Debian's Python, and what is drawn: both rows in the
// results, py-dask's tasks on two lanes, the verdict's per-task overhead sentence. Pictures at
// 1024×700 and 1440×900 land in test-results/.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { expect, type Page } from '@playwright/test'
import { chooseFromMenu, shoot, test } from './support'

const DEBIAN_PYTHON = '/usr/bin/python3'
const SIZES = [
  { width: 1024, height: 700 },
  { width: 1440, height: 900 },
] as const

const noDask =
  spawnSync(DEBIAN_PYTHON, ['-c', 'import distributed'], { encoding: 'utf8' }).status === 0
    ? null
    : `${DEBIAN_PYTHON} cannot import distributed: apt-get install python3-distributed`
if (noDask) console.log(`skip: ${noDask}`)

/** Picks the interpreter whose executable is `executable` (its id differs between machines). */
async function chooseInterpreter(page: Page, executable: string): Promise<void> {
  const select = page.locator('#python-interpreter')
  for (const value of await select
    .locator('option:not([disabled])')
    .evaluateAll((os) => os.map((o) => o.getAttribute('value')))) {
    await select.selectOption(value!)
    if ((await page.locator('#help-python').textContent())?.trim() === executable) return
  }
  throw new Error(`no interpreter at ${executable} in the list`)
}

/** A TCP port nothing listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** How many workers a client on `address` sees (0 when nothing answers). */
function workersAt(address: string): number {
  const probe = `from distributed import Client\ntry:\n  c = Client('${address}', timeout=2)\n  print(len(c.scheduler_info()['workers']))\n  c.close()\nexcept OSError:\n  print(0)`
  return Number(spawnSync(DEBIAN_PYTHON, ['-c', probe], { encoding: 'utf8' }).stdout.trim()) || 0
}

const alive = (p: ChildProcess): boolean => p.exitCode === null && p.signalCode === null

/** A user's cluster: a scheduler and two one-thread workers, each its own process, on 127.0.0.1. */
async function startUserCluster(): Promise<{ address: string; processes: ChildProcess[] }> {
  const address = `tcp://127.0.0.1:${await freePort()}`
  const port = address.split(':')[2]!
  const processes = [
    spawn(
      DEBIAN_PYTHON,
      ['-m', 'distributed.cli.dask_scheduler', '--host', '127.0.0.1', '--port', port, '--no-dashboard'],
      {
        stdio: 'ignore',
      },
    ),
  ]
  for (let i = 0; i < 2; i++)
    processes.push(
      spawn(
        DEBIAN_PYTHON,
        ['-m', 'distributed.cli.dask_worker', address, '--nthreads', '1', '--no-dashboard', '--no-nanny'],
        {
          stdio: 'ignore',
        },
      ),
    )
  try {
    await expect.poll(() => workersAt(address), { timeout: 60_000 }).toBe(2)
  } catch (error) {
    await stopUserCluster(processes)
    throw error
  }
  return { address, processes }
}

/**
 * Ends the test's cluster: the workers first, so none waits on a scheduler already gone (on a
 * loaded CI machine two workers and the scheduler, sent SIGTERM together, were still closing
 * after 15 s), then the scheduler; whatever has not exited 10 s after SIGTERM gets SIGKILL (each
 * is one process: --no-nanny starts no child).
 */
async function stopUserCluster(processes: readonly ChildProcess[]): Promise<void> {
  const [scheduler, ...workers] = processes
  for (const group of [workers, [scheduler!]]) {
    for (const p of group) p.kill('SIGTERM')
    const deadline = Date.now() + 10_000
    while (group.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
    for (const p of group.filter(alive)) p.kill('SIGKILL')
  }
  await expect.poll(() => processes.some(alive), { timeout: 5_000 }).toBe(false)
}

for (const size of SIZES) {
  test.describe(`scaling out at ${size.width}×${size.height}`, () => {
    test.use({ viewport: size })
    test.skip(noDask !== null, noDask ?? '')

    test('the experiment, the scheduler field and the per-task overhead in the verdict', async ({
      page,
      server,
    }, testInfo) => {
      const tag = `${size.width}x${size.height}`
      await page.goto(server.url)
      await chooseFromMenu(page, 'Experiments', 'Scaling out: when a cluster pays (chunk 10)')
      await expect(page.getByTestId('preset')).toContainText('Scaling out: when a cluster pays (chunk 10)')
      await expect(page.getByLabel('Chunk size')).toHaveValue('10')
      await chooseInterpreter(page, DEBIAN_PYTHON)
      const field = page.getByLabel('Dask scheduler')
      await expect(field).toBeVisible()
      await expect(field).toHaveAttribute('placeholder', 'empty: a local cluster')
      await field.fill('tls://10.0.0.5:8786')
      const refusal = page.getByText('only tcp:// is accepted')
      await expect(refusal).toBeVisible()
      await expect(field).toHaveAttribute('aria-invalid', 'true')
      await expect(page.getByRole('button', { name: /^Run (Ctrl|⌘)/ })).toBeDisabled()
      await refusal.scrollIntoViewIfNeeded()
      await shoot(page, testInfo, `${tag}-scheduler-field-refused`)

      // Empty: a local cluster the lab starts and stops. A short run, so the picture comes quickly.
      await field.fill('')
      await expect(refusal).toHaveCount(0)
      await page.getByLabel(/^tasks/).fill('200')
      await page.getByLabel('Repetitions').fill('1')
      await page.getByLabel('Warm-ups').fill('0')
      await page.getByRole('button', { name: /^Run (Ctrl|⌘)/ }).click()
      await expect(page.getByTestId('run-status')).toHaveText('Finished', { timeout: 120_000 })

      const rows = page.getByTestId('results-row')
      await expect(rows).toHaveCount(2)
      // A local cluster's processes are this lab's children: their CPU is measured, not "not measured".
      await expect(rows.filter({ hasText: 'Python Dask' })).not.toContainText('not measured')
      await expect(page.getByTestId('timeline-readout')).toContainText(/200 tasks on 2 lanes/)
      const verdict = page.getByTestId('verdict')
      await expect(verdict).toContainText(
        /Python Dask × 2 on 2 threads took .+ per task against .+ for Python processes × 2 \(mean × threads ÷ 200 tasks, chunk 10\)/,
      )
      await expect(verdict).toContainText(/does not beat it at any task size|overhead did not show/)
      await verdict.scrollIntoViewIfNeeded()
      await shoot(page, testInfo, `${tag}-verdict`)
    })

    test("a user's cluster: the run goes to its address, CPU reads 'not measured', and the cluster is left running", async ({
      page,
      server,
    }, testInfo) => {
      const tag = `${size.width}x${size.height}`
      const cluster = await startUserCluster()
      try {
        await page.goto(server.url)
        await chooseFromMenu(page, 'Experiments', 'Scaling out: when a cluster pays (chunk 10)')
        await chooseInterpreter(page, DEBIAN_PYTHON)
        await page.getByLabel('Dask scheduler').fill(cluster.address)
        await page.getByLabel(/^tasks/).fill('200')
        await page.getByLabel('Repetitions').fill('1')
        await page.getByLabel('Warm-ups').fill('0')
        await page.getByRole('button', { name: /^Run (Ctrl|⌘)/ }).click()
        await expect(page.getByTestId('run-status')).toHaveText('Finished', { timeout: 120_000 })
        const dask = page.getByTestId('results-row').filter({ hasText: 'Python Dask' })
        await expect(dask.getByRole('cell', { name: 'not measured' })).toHaveCount(2)
        await expect(page.getByTestId('cpu-remote')).toContainText(
          `Python Dask ran on the cluster at ${cluster.address}: its workers' CPU is not measured here`,
        )
        await expect(page.getByTestId('timeline-readout')).toContainText(/200 tasks on 2 lanes/)
        expect(cluster.processes.every(alive)).toBe(true)
        expect(workersAt(cluster.address)).toBe(2)
        await page.getByTestId('cpu-remote').scrollIntoViewIfNeeded()
        await shoot(page, testInfo, `${tag}-user-cluster-cpu`)
        await dask.scrollIntoViewIfNeeded()
        await shoot(page, testInfo, `${tag}-user-cluster-results`)
      } finally {
        await stopUserCluster(cluster.processes)
      }
    })
  })
}
