// py-dask on a user's own cluster (issue 14): a real scheduler and two workers, each its own
// process started with Debian's Python and connected only by address, as a user would run them.
// The built CLI runs against the address; the checksums agree with py-processes; CPU is "not
// measured" rather than guessed; the lab leaves the user's cluster running and nothing of its own
// behind. And the faults: nothing listening at the address, a scheduler on another distributed.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually, makeHost, root } from '../helpers'
import { DEBIAN_PYTHON, cannotImport, markChildren, markedProcesses, noPython, pythonFixture } from './helpers'

const why = noPython ?? cannotImport('distributed')
const skip = why && `py-dask needs distributed (${why}): apt-get install python3-distributed`
if (skip) console.log(`skip: ${skip}`)

const MARK = 'CONCURRENCY_LAB_TEST_MARK'

/** The built CLI, its environment marked so that /proc shows every process it started. */
function cli(mark: string, ...args: string[]) {
  return spawnSync(process.execPath, [join(root, 'bin/concurrency-lab.js'), ...args], {
    encoding: 'utf8',
    timeout: 180_000,
    env: { ...process.env, [MARK]: mark },
  })
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
  const result = spawnSync(
    DEBIAN_PYTHON,
    [
      '-c',
      `from distributed import Client\ntry:\n  c = Client('${address}', timeout=2)\n  print(len(c.scheduler_info()['workers']))\n  c.close()\nexcept OSError:\n  print(0)`,
    ],
    { encoding: 'utf8' },
  )
  return Number(result.stdout.trim()) || 0
}

/**
 * A user's cluster: `python3 -m distributed.cli.dask_scheduler` and two one-thread
 * `distributed.cli.dask_worker` processes on 127.0.0.1. schedulerPrelude runs in the scheduler
 * before it starts (the version-mismatch test makes it claim another distributed).
 */
class UserCluster {
  readonly processes: ChildProcess[] = []
  address = ''
  readonly mark = markChildren()

  /** workerArgs: extra arguments for each of the two workers. */
  async start(schedulerPrelude = '', workerArgs: string[][] = [[], []]): Promise<void> {
    const port = await freePort()
    this.address = `tcp://127.0.0.1:${port}`
    const env = { ...process.env, [MARK]: this.mark }
    const scheduler = schedulerPrelude
      ? [
          '-c',
          `${schedulerPrelude}\nimport sys\nfrom distributed.cli.dask_scheduler import main\nsys.argv[0] = 'dask-scheduler'\nmain()`,
        ]
      : ['-m', 'distributed.cli.dask_scheduler']
    const options = { env, stdio: 'ignore' as const }
    this.processes.push(
      spawn(DEBIAN_PYTHON, [...scheduler, '--host', '127.0.0.1', '--port', String(port), '--no-dashboard'], options),
    )
    for (const extra of workerArgs) {
      const args = [
        '-m',
        'distributed.cli.dask_worker',
        this.address,
        '--nthreads',
        '1',
        '--no-dashboard',
        '--no-nanny',
        ...extra,
      ]
      this.processes.push(spawn(DEBIAN_PYTHON, args, options))
    }
    await eventually(() => workersAt(this.address) === 2, 'the user cluster to have 2 workers', 60_000)
  }

  running(): boolean {
    return this.processes.every((p) => p.exitCode === null && p.signalCode === null)
  }

  async stop(): Promise<void> {
    for (const p of this.processes) p.kill('SIGTERM')
    const ended = (): boolean => markedProcesses(this.mark).length === 0
    await eventually(ended, 'the user cluster to end', 10_000).catch(() => {
      for (const p of this.processes) p.kill('SIGKILL')
      return eventually(ended, 'the user cluster to be killed', 5000)
    })
  }
}

describe.skipIf(skip)(`py-dask on a user's scheduler${skip ? ` (skipped: ${skip})` : ''}`, () => {
  describe('a cluster of separate processes on 127.0.0.1', () => {
    const cluster = new UserCluster()
    beforeAll(() => cluster.start(), 90_000)
    afterAll(() => cluster.stop(), 30_000)

    it('the CLI runs py-processes and py-dask on it: checksums agree, CPU not measured, the cluster left running', async () => {
      const mark = markChildren()
      const out = cli(
        mark,
        'run',
        '--workload',
        'primes',
        '--strategies',
        'py-processes,py-dask',
        '--workers',
        '2',
        '--python',
        DEBIAN_PYTHON,
        '--dask-scheduler',
        cluster.address,
        '--param',
        'size=60000',
        '--param',
        'tasks=16',
        '--repeat',
        '1',
        '--warmup',
        '0',
        '--no-progress',
      )
      expect(out.stderr).toBe('')
      expect(out.status).toBe(0)
      expect(out.stdout).toMatch(/checksum \d+ \(every trial agrees\)/)
      expect(out.stdout).toContain(`Dask cluster at ${cluster.address}: 2 workers, 2 threads, distributed `)
      // Its workers are elsewhere as far as the lab knows: their CPU is not measured, not guessed.
      expect(out.stdout).toMatch(/^py-dask\s+2\s.*not measured\s+not measured/m)
      expect(out.stdout).toMatch(/^py-processes\s+2\s.*\d%/m)
      expect(cluster.running()).toBe(true)
      expect(workersAt(cluster.address)).toBe(2)
      await eventually(() => markedProcesses(mark).length === 0, 'every process the CLI started to end', 15_000)
    }, 180_000)

    it('Stop mid-trial ends every process the lab started and leaves the user cluster running', async () => {
      const mark = markChildren()
      const host = makeHost()
      const off = host.onEvent((event) => {
        if (event.type === 'tasks') void host.stopRun(event.runId)
      })
      try {
        const id = await host.startRun({
          workload: 'primes',
          params: { size: 20_000_000, tasks: 400 },
          strategies: ['py-dask'],
          workers: [2],
          repetitions: 1,
          warmups: 0,
          python: DEBIAN_PYTHON,
          daskScheduler: cluster.address,
        })
        const run = await host.waitForRun(id)
        expect(run.status).toBe('stopped')
        expect(run.machine.cluster).toMatchObject({ kind: 'remote', address: cluster.address, workers: 2, threads: 2 })
      } finally {
        off()
        await host.shutdown()
      }
      await eventually(() => markedProcesses(mark).length === 0, 'every process the lab started to end', 15_000)
      expect(cluster.running()).toBe(true)
      expect(workersAt(cluster.address)).toBe(2)
    }, 120_000)
  })

  describe('a worker running three threads', () => {
    const cluster = new UserCluster()
    beforeAll(() => cluster.start('', [['--nthreads', '3'], []]), 90_000)
    afterAll(() => cluster.stop(), 30_000)

    it('gets a timeline lane per thread: four workers, none running two tasks at once', async () => {
      const host = makeHost()
      try {
        const run = await host.waitForRun(
          await host.startRun({
            workload: 'sleep',
            params: { tasks: 40, duration: 50 },
            strategies: ['py-dask'],
            workers: [2],
            repetitions: 1,
            warmups: 0,
            python: DEBIAN_PYTHON,
            daskScheduler: cluster.address,
          }),
        )
        expect(run.errors).toEqual([])
        expect(run.machine.cluster).toMatchObject({ workers: 2, threads: 4 })
        const timeline = run.trials[0]!.timeline
        const workers = new Set(timeline.map((s) => s.worker))
        expect(workers.size).toBe(4)
        for (const w of workers) {
          const own = timeline.filter((s) => s.worker === w).sort((a, b) => a.start - b.start)
          own.slice(1).forEach((s, i) => expect(s.start).toBeGreaterThanOrEqual(own[i]!.end))
        }
      } finally {
        await host.shutdown()
      }
    }, 120_000)
  })

  it('an address nothing listens on fails within the connect timeout, naming the address', async () => {
    const mark = markChildren()
    const address = `tcp://127.0.0.1:${await freePort()}`
    const out = cli(
      mark,
      'run',
      '--workload',
      'primes',
      '--strategies',
      'py-dask',
      '--workers',
      '2',
      '--python',
      DEBIAN_PYTHON,
      '--dask-scheduler',
      address,
      '--param',
      'tasks=4',
      '--repeat',
      '1',
      '--warmup',
      '0',
      '--no-progress',
    )
    expect(out.stdout + out.stderr).toContain(`the Dask scheduler at ${address} did not answer within 5 s`)
    await eventually(() => markedProcesses(mark).length === 0, 'every process the CLI started to end', 15_000)
  }, 60_000)

  it('a scheme other than tcp:// is refused in one line naming what is accepted', () => {
    const out = cli(
      markChildren(),
      'run',
      '--workload',
      'primes',
      '--strategies',
      'py-dask',
      '--dask-scheduler',
      'tls://127.0.0.1:8786',
    )
    expect(out.status).toBe(2)
    expect(out.stderr.trim().split('\n')).toHaveLength(1)
    expect(out.stderr).toContain('--dask-scheduler must be tcp://HOST:PORT')
    expect(out.stderr).toContain('only tcp:// is accepted')
  })

  describe('a worker whose clock runs 2 s ahead', () => {
    const cluster = new UserCluster()
    beforeAll(() => cluster.start('', [[], ['--preload', pythonFixture('skewed_clock')]]), 90_000)
    afterAll(() => cluster.stop(), 30_000)

    it("has its task times moved onto the lab's clock, and the run says the clocks differ by more than the bars", async () => {
      const host = makeHost()
      const notices: string[] = []
      host.onEvent((e) => {
        if (e.type === 'notice') notices.push(e.message)
      })
      try {
        const id = await host.startRun({
          workload: 'primes',
          params: { size: 60_000, tasks: 24 },
          strategies: ['py-dask'],
          workers: [2],
          repetitions: 2,
          warmups: 0,
          python: DEBIAN_PYTHON,
          daskScheduler: cluster.address,
        })
        const run = await host.waitForRun(id)
        expect(run.errors).toEqual([])
        const trial = run.trials[0]!
        expect(new Set(trial.timeline.map((s) => s.lane)).size).toBe(2)
        // Unaligned, the skewed worker's slices would start 2 s after the trial ended.
        for (const slice of trial.timeline) {
          expect(slice.start).toBeGreaterThan(trial.start - 500_000)
          expect(slice.end).toBeLessThan(trial.start + trial.wallMs * 1000 + 500_000)
        }
        const clockNotes = notices.filter((n) => n.startsWith("Dask worker clocks differ from the lab's by up to "))
        expect(clockNotes, notices.join('\n')).toHaveLength(1)
        const said =
          /by up to (\d+\.\d\d) ms, more than a typical task bar \(\d+\.\d\d ms\).* to within (\d+\.\d\d) ms$/.exec(
            clockNotes[0]!,
          )
        expect(said, clockNotes[0]).not.toBeNull()
        // The skew is 2 s. Measured against the middle of a round trip, it is off by at most half
        // that trip, the uncertainty the note gives (each figure rounded to 0.01 ms): 1,999.6 ms
        // is as right as 2,000.4 ms.
        const [worst, within] = [Number(said![1]), Number(said![2])]
        expect(Math.abs(worst - 2000)).toBeLessThanOrEqual(within + 0.02)
        console.log(`skewed worker: clocks differ by ${worst} ms, to within ${within} ms`)
      } finally {
        await host.shutdown()
      }
    }, 120_000)
  })

  describe('a scheduler on another distributed version', () => {
    const cluster = new UserCluster()
    beforeAll(() => cluster.start("import distributed\ndistributed.__version__ = '2099.1.0'"), 90_000)
    afterAll(() => cluster.stop(), 30_000)

    it('is refused in one line naming both versions, and the cluster is left running', async () => {
      const mark = markChildren()
      const out = cli(
        mark,
        'run',
        '--workload',
        'primes',
        '--strategies',
        'py-dask',
        '--workers',
        '2',
        '--python',
        DEBIAN_PYTHON,
        '--dask-scheduler',
        cluster.address,
        '--param',
        'tasks=4',
        '--repeat',
        '1',
        '--warmup',
        '0',
        '--no-progress',
      )
      const ours = spawnSync(DEBIAN_PYTHON, ['-c', 'import distributed; print(distributed.__version__)'], {
        encoding: 'utf8',
      }).stdout.trim()
      expect(out.stdout + out.stderr).toContain(
        `the Dask scheduler at ${cluster.address} runs distributed 2099.1.0, the lab's Python has ${ours}: Dask needs them to match`,
      )
      expect(cluster.running()).toBe(true)
      await eventually(() => markedProcesses(mark).length === 0, 'every process the CLI started to end', 15_000)
    }, 120_000)
  })
})
