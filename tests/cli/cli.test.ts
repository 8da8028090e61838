import { spawn, spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { descendantsOf, eventually, root } from '../helpers'

const bin = join(root, 'bin/concurrency-lab.js')
// Runs autosave into a session library: a temp one, never the real ~/.concurrency-lab.
const dataDir = mkdtempSync(join(tmpdir(), 'lab-cli-data-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))
const env = { ...process.env, CONCURRENCY_LAB_DATA_DIR: dataDir }
const cli = (...args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000, env })

const alive = (pid: number): boolean => {
  try {
    const state = readFileSync(`/proc/${pid}/stat`, 'latin1').split(') ')[1]?.[0]
    return state !== 'Z' && state !== 'X'
  } catch {
    return false
  }
}

describe('concurrency-lab CLI', () => {
  it('lists workloads with parameters and defaults, and strategies', () => {
    const out = cli('list')
    expect(out.status).toBe(0)
    expect(out.stdout).toMatch(/primes \(cpu\)/)
    expect(out.stdout).toMatch(/size\s+2000000 numbers/)
    expect(out.stdout).toMatch(/processes\s+W workers/)
  })

  it('runs the README example shape and prints a table with speedups (exit 0)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-cli-'))
    try {
      const out = cli(
        'run',
        '--workload',
        'primes',
        '--strategies',
        'sequential,async,threads,processes',
        '--workers',
        '1,2',
        '--repeat',
        '2',
        '--warmup',
        '0',
        '--param',
        'size=20000',
        '--out',
        join(dir, 'run.json'),
      )
      expect(out.stderr).toMatch(/trial 12\/12: processes × 2/)
      expect(out.status).toBe(0)
      expect(out.stdout).toMatch(/strategy\s+workers\s+mean ± σ\s+min … max\s+CPU time/)
      for (const s of ['sequential', 'async', 'threads', 'processes'])
        expect(out.stdout).toMatch(new RegExp(`^${s}\\s+\\d`, 'm'))
      expect(out.stdout).toMatch(/^sequential\s+1\s.*1\.00×/m)
      expect(out.stdout).toMatch(/checksum 2262 \(every trial agrees\)/)
      // --out writes a session file holding the run.
      const saved = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'))
      expect(saved.format).toBe('concurrency-lab-session')
      expect(saved.runs).toHaveLength(1)
      expect(saved.runs[0].trials).toHaveLength(12)
      expect(saved.runs[0].checksum).toBe(2262)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('prints the whole run as JSON with --json', () => {
    const out = cli(
      'run',
      '-w',
      'sleep',
      '-s',
      'async',
      '-r',
      '1',
      '--warmup',
      '0',
      '-p',
      'tasks=3',
      '-p',
      'duration=1',
      '--json',
      '--no-progress',
    )
    expect(out.status).toBe(0)
    expect(out.stderr).toBe('')
    const run = JSON.parse(out.stdout)
    expect(run.config.workload).toBe('sleep')
    expect(run.trials[0].timeline).toHaveLength(3)
    expect(Array.isArray(run.samples)).toBe(true)
    expect(run.stats[0].strategy).toBe('async')
  })

  it.each([
    [
      ['run', '--workload', 'primes', '--workers', '0'],
      '--workers must be a list of integers from 1 to 256; it is too small',
    ],
    [
      ['run', '--workload', 'primes', '--repeat', '0x10'],
      '--repeat must be an integer from 1 to 1,000; it is not a number',
    ],
    [['run', '--workload', 'primes', '--workers', '1,2,2'], 'workers[2] names 2 twice'],
    [['run', '--workload', 'primes', '--strategies', 'fibers'], 'strategies[0] must be one of'],
    [['run', '--workload', 'nope'], 'workload must be one of'],
    [
      ['run', '--workload', 'primes', '--param', 'size=-1'],
      '--param size must be an integer from 10 to 100,000,000 numbers; it is too small',
    ],
    [['run', '--workload', 'primes', '--param', 'colour=red'], 'params.colour is not a parameter of primes'],
    [['run', '--workload', 'primes', '--param', 'size'], '--param takes name=value'],
    [['run'], 'run needs --workload ID (see `list`) or --script FILE (your own code)'],
    [['run', '--workload', 'primes', '--frobnicate'], "unknown option '--frobnicate'"],
    [['dance'], "unknown command 'dance'"],
  ])('exits 2 with the reason for %j', (args, message) => {
    const out = cli(...args)
    expect(out.status).toBe(2)
    expect(out.stderr).toContain(message)
    expect(out.stdout).toBe('')
  })

  it('exits 1 with a one-line reason when a trial fails', () => {
    const out = cli(
      'run',
      '-w',
      'sleep',
      '-s',
      'sequential',
      '-r',
      '1',
      '--warmup',
      '0',
      '-p',
      'tasks=2',
      '-p',
      'duration=2000',
      '--timeout',
      '200',
    )
    expect(out.status).toBe(1)
    expect(out.stderr).toMatch(/^error: Sequential \(repetition 1\): timed out after 200 ms$/m)
  })

  it('stops cleanly on Ctrl-C: exit 130 and no worker process left', async () => {
    const child = spawn(
      process.execPath,
      [bin, 'run', '-w', 'countdown', '-s', 'processes', '-n', '2', '-p', 'size=10000000000', '-p', 'tasks=2'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env,
      },
    )
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
    let workers: number[] = []
    // Ctrl-C the moment both workers exist: the CLI must already be listening for it.
    await eventually(() => (workers = descendantsOf(child.pid)).length >= 2, 'the worker processes to start', 20_000, 1)
    child.kill('SIGINT')
    expect(await exited).toBe(130)
    for (const pid of workers) expect(alive(pid), `worker ${pid} still running`).toBe(false)
  })

  it('ends `sample --seconds N` on Ctrl-C with the means so far, without waiting out the N seconds', async () => {
    const child = spawn(process.execPath, [bin, 'sample', '--hz', '20', '--seconds', '600'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env,
    })
    let stdout = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += String(chunk)))
    // 'close', not 'exit': the summary line is read before the streams close.
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve))
    let timer: NodeJS.Timeout | undefined
    try {
      await eventually(() => stdout.includes('%'), 'the first sample line', 20_000)
      child.kill('SIGINT')
      // Before, the 600 s timer kept the CLI alive after the summary: the test timed out.
      const code = await Promise.race([
        exited,
        new Promise<'running'>((resolve) => (timer = setTimeout(() => resolve('running'), 20_000))),
      ])
      expect(code).toBe(0)
    } finally {
      clearTimeout(timer)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    }
    expect(stdout).toMatch(/\d+ samples · mean per core: cpu0 /)
  })

  it('samples every core and prints the means with `sample --summary --json`', () => {
    const out = cli('sample', '--hz', '20', '--seconds', '0.6', '--summary', '--json')
    expect(out.status).toBe(0)
    const summary = JSON.parse(out.stdout)
    expect(summary.samples).toBeGreaterThanOrEqual(5)
    expect(summary.meanPercent.length).toBeGreaterThanOrEqual(1)
    for (const m of summary.meanPercent) expect(m).toBeGreaterThanOrEqual(0)
    expect(cli('sample', '--hz', '0').status).toBe(2)
  })

  it('says how to build when the built CLI is missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-bin-'))
    try {
      mkdirSync(join(dir, 'bin'))
      copyFileSync(bin, join(dir, 'bin/concurrency-lab.js'))
      const out = spawnSync(process.execPath, [join(dir, 'bin/concurrency-lab.js'), 'list'], { encoding: 'utf8' })
      expect(out.status).toBe(2)
      expect(out.stderr).toContain('run `npm run build` first')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
