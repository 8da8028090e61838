// `concurrency-lab experiment`: its options are checked before anything runs, `--list` names the
// race lab's experiments, and a run prints "expected N, got M, lost K (x%)" per trial.
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { RUN_EXPERIMENTS } from '../../src/main/cli/experiment'
import { parseCommandLine } from '../../src/main/cli/program'
import { CONTENTION_EXPERIMENTS } from '../../src/shared/contention'
import { descendantsOf, root } from '../helpers'

const bin = join(root, 'bin/concurrency-lab.js')
const cli = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 120_000 })

describe('concurrency-lab experiment', () => {
  it('refuses a bad name or option with one line naming it and its limit', () => {
    expect(parseCommandLine(['experiment'])).toMatchObject({
      ok: false,
      exitCode: 2,
      error: expect.stringMatching(/needs a NAME/),
    })
    expect(parseCommandLine(['experiment', 'nope'])).toMatchObject({
      ok: false,
      exitCode: 2,
      error: expect.stringMatching(/no experiment is called "nope" \(one of race-lost-updates/),
    })
    expect(parseCommandLine(['experiment', 'race-lost-updates', '--trials', '21'])).toMatchObject({
      ok: false,
      error: '--trials must be an integer from 1 to 20; it is too large',
    })
    expect(parseCommandLine(['experiment', 'locks-cost-time', '--workers', '1'])).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^--workers must be an integer from 2 to 16/),
    })
    expect(parseCommandLine(['experiment', 'race-lost-updates', '--increments', '1e9'])).toMatchObject({ ok: false })
    expect(parseCommandLine(['experiment', 'race-lost-updates', '--trials', '2'])).toMatchObject({
      ok: true,
      command: 'experiment',
      checked: { config: { trials: 2, workers: 2 } },
    })
  })

  it('takes a guided experiment of the Experiments menu as the run it stands for', () => {
    expect(parseCommandLine(['experiment', 'gil-timeline-long-switch'])).toMatchObject({
      ok: true,
      command: 'experiment',
      checked: {
        workload: 'countdown',
        strategies: ['py-sequential', 'py-threads', 'py-processes'],
        workers: [2],
        switchIntervalMs: 50,
      },
    })
    expect(parseCommandLine(['experiment', 'gil-timeline', '--trials', '2'])).toMatchObject({
      ok: false,
      error: "--trials is an option of the race lab's experiments, not of gil-timeline",
    })
  })

  it('lists every experiment', () => {
    const out = cli('experiment', '--list')
    expect(out.status).toBe(0)
    for (const e of [...CONTENTION_EXPERIMENTS, ...RUN_EXPERIMENTS]) expect(out.stdout).toContain(e.id)
    expect(out.stdout).toContain('Cooperative scheduling: one greedy task starves the loop')
  })

  it('runs the cooperative-scheduling experiment as an ordinary run with the heartbeat on', () => {
    expect(parseCommandLine(['experiment', 'cooperative-starvation'])).toMatchObject({
      ok: true,
      command: 'experiment',
      checked: {
        workload: 'primes',
        strategies: ['py-generators', 'py-generators-greedy', 'py-asyncio', 'py-threads'],
        heartbeat: true,
      },
    })
    expect(parseCommandLine(['experiment', 'cooperative-starvation', '--trials', '2'])).toMatchObject({
      ok: false,
      error: "--trials is an option of the race lab's experiments, not of cooperative-starvation",
    })
  })

  it('prints the heartbeat of a run that asks for it', () => {
    const out = cli(
      ...['run', '-w', 'primes', '-s', 'py-generators-greedy,async', '-n', '2', '-r', '1', '--warmup', '0'],
      ...['-p', 'size=300000', '-p', 'tasks=4', '--heartbeat', '--no-autosave', '--no-progress'],
    )
    expect(out.stderr).not.toMatch(/^error/m)
    expect(out.status).toBe(0)
    expect(out.stdout).toMatch(
      /py-generators-greedy × 2 +p50 [\d.]+ ms · p99 [\d.]+ ms · max [\d.]+ ms \(\d+ ticks?\), on its scheduler/,
    )
    expect(out.stdout).toMatch(
      /async × 1 +p50 [\d.]+ ms · p99 [\d.]+ ms · max [\d.]+ ms \(\d+ ticks?\), on its scheduler/,
    )
    expect(descendantsOf()).toEqual([])
  }, 120_000)

  it('runs the lost-updates experiment and prints expected, got and lost per trial', () => {
    const out = cli('experiment', 'race-lost-updates', '--trials', '1', '--increments', '20000')
    expect(out.stderr).not.toMatch(/^error/m)
    expect(out.status).toBe(0)
    expect(out.stdout).toMatch(
      /Node: plain a\[0\]\+\+ +Node v[\d.]+ +racy +1 +expected 40,000, got [\d,]+, lost [\d,]+ \([\d.]+%\)/,
    )
    expect(out.stdout).toMatch(
      /Python processes: with v\.get_lock\(\) +Python 3[\d.]+ +exact +1 +expected 40,000, got 40,000, lost 0 \(0\.0%\)/,
    )
    expect(out.stdout).toMatch(/cpython#18334|lost updates in/)
    expect(descendantsOf()).toEqual([])
  }, 120_000)
})
