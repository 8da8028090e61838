// Every numeric option of every subcommand has a finite range, and a value outside it (or not a
// number at all) is refused with exit 2 and one line naming the option and its range, never the value.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { encodeSession } from '../../src/shared/session'
import { parseCommandLine } from '../../src/main/cli/program'
import { root } from '../helpers'
import { makeRun, makeSession } from '../sessions/fixtures'

const dir = mkdtempSync(join(tmpdir(), 'lab-cli-limits-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const file = join(dir, 'two-runs.json')
writeFileSync(file, encodeSession(makeSession([makeRun(), makeRun({ id: 'run-2', seed: 2 })]), 'test'))

const BAD = ['Infinity', '1e309', 'NaN', '-1', '99999999999999999999999', '-Infinity', '0x10', '1e5000']

/** Each numeric option: the command line that sets it to `value`, and the range its message names. */
const OPTIONS: Array<[string, (value: string) => string[], RegExp]> = [
  [
    'sample --hz',
    (v) => ['sample', '--hz', v, '--seconds', '1'],
    /^--hz must be a number from 1 to 100 samples a second; /,
  ],
  ['sample --seconds', (v) => ['sample', '--seconds', v], /^--seconds must be a number from 0\.001 to [\d,]+ s; /],
  [
    'run --workers',
    (v) => ['run', '-w', 'primes', '--workers', v],
    /^--workers must be a list of integers from 1 to 256; /,
  ],
  ['run --repeat', (v) => ['run', '-w', 'primes', '--repeat', v], /^--repeat must be an integer from 1 to 1,000; /],
  ['run --warmup', (v) => ['run', '-w', 'primes', '--warmup', v], /^--warmup must be an integer from 0 to 100; /],
  [
    'run --chunk',
    (v) => ['run', '-w', 'primes', '--chunk', v],
    /^--chunk must be an integer from 1 to 100,000 tasks; /,
  ],
  [
    'run --timeout',
    (v) => ['run', '-w', 'primes', '--timeout', v],
    /^--timeout must be an integer from 100 to [\d,]+ ms; /,
  ],
  [
    'run --sampler-hz',
    (v) => ['run', '-w', 'primes', '--sampler-hz', v],
    /^--sampler-hz must be a number from 1 to 100 samples a second; /,
  ],
  [
    'run --switch-interval',
    (v) => ['run', '-w', 'primes', '--switch-interval', v],
    /^--switch-interval must be a number from 0\.001 to 1,000 ms; /,
  ],
  [
    'run --param size',
    (v) => ['run', '-w', 'primes', '--param', `size=${v}`],
    /^--param size must be an integer from 10 to 100,000,000 numbers; /,
  ],
  ['compare --run-a', (v) => ['compare', file, file, '--run-a', v], /^--run-a must be an integer from 1 to [\d,]+; /],
  ['compare --run-b', (v) => ['compare', file, file, '--run-b', v], /^--run-b must be an integer from 1 to [\d,]+; /],
  [
    'export --run',
    (v) => ['export', file, '--format', 'csv', '--run', v],
    /^--run must be an integer from 1 to [\d,]+; /,
  ],
]

describe('numeric options have finite limits', () => {
  it.each(OPTIONS.flatMap(([name, argv, message]) => BAD.map((bad) => [name, bad, argv(bad), message] as const)))(
    '%s %s is refused in one line naming the range',
    (_name, bad, argv, message) => {
      const parsed = parseCommandLine(argv)
      expect(parsed.ok).toBe(false)
      if (parsed.ok) return
      expect(parsed.exitCode).toBe(2)
      expect(parsed.error).toMatch(message)
      expect(parsed.error).not.toContain('\n')
      expect(parsed.error).not.toContain(bad)
    },
  )

  it('says which run numbers a session has, without echoing the one asked for', () => {
    const out = spawnSync(
      process.execPath,
      [join(root, 'bin/concurrency-lab.js'), 'export', file, '-f', 'csv', '--run', '7'],
      {
        encoding: 'utf8',
        timeout: 30_000,
      },
    )
    expect(out.status).toBe(2)
    expect(out.stderr).toBe(`error: --run must be a run number from 1 to 2 (${file} holds 2 runs)\n`)
  })

  it('sample --seconds Infinity is refused by the built CLI (it used to run forever)', () => {
    const out = spawnSync(process.execPath, [join(root, 'bin/concurrency-lab.js'), 'sample', '--seconds', 'Infinity'], {
      encoding: 'utf8',
      timeout: 30_000,
    })
    expect(out.status).toBe(2)
    expect(out.stderr.trimEnd().split('\n')).toHaveLength(1)
  })
})
