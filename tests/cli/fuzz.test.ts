// Fuzz: 10,000 generated command lines (real commands and options mixed with garbage) through the
// CLI's own parser and checks, in process (parseCommandLine runs nothing). Each is accepted, or
// refused with exit 2 (0 for --help) and one line that never repeats a value typed; nothing throws.
// Then ~20 of the refused ones through the built CLI: exit 2, one line on stderr, no stack trace.
// Replay a failure with CLI_FUZZ_SEED=<seed printed below>.
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseCommandLine } from '../../src/main/cli/program'
import { root } from '../helpers'
import { prng } from '../sessions/fixtures'

const LISTS = 10_000
const SPAWNS = 20
const SEED = Number(process.env['CLI_FUZZ_SEED'] ?? 20_251_122)
/** Put into every value a check reads, so an error that echoes the value is caught. */
const POISON = 'QZX'

const COMMANDS = ['list', 'sample', 'run', 'show', 'compare', 'export', 'sessions']
const GARBAGE = [
  '',
  ' ',
  '-',
  '--',
  '---x',
  '-x',
  'dance',
  'ruN',
  '\u0000',
  '\n',
  '\u001b[31m',
  '💥',
  'a'.repeat(5000),
  '--=',
  '--workers=',
  '-n',
  '--help',
  '-h',
]
const NUMBERS = ['1', '2', '10', '0', '-1', '1e3', '2_000', '0.5', '1e309', 'Infinity', 'NaN', '-Infinity', '0x10']
const NUMBER_OPTIONS: Record<string, string[]> = {
  sample: ['--hz', '--seconds'],
  run: ['-n', '--workers', '-r', '--repeat', '--warmup', '--chunk', '--timeout', '--sampler-hz', '--switch-interval'],
  compare: ['--run-a', '--run-b'],
  export: ['--run'],
}
const FLAGS: Record<string, string[]> = {
  list: ['--json'],
  sample: ['--summary', '--json'],
  run: ['--json', '--no-autosave', '--no-progress', '--allow-many-workers'],
  show: ['--json'],
  compare: ['--json'],
  export: [],
  sessions: ['--json'],
}
const WORKLOADS = ['primes', 'sleep', 'noop', 'nope', 'PRIMES']
const STRATEGIES = ['sequential', 'threads', 'processes,async', 'py-threads', 'fibers', 'threads,threads', '']

function generate(random: () => number): string[] {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!
  const chance = (p: number): boolean => random() < p
  const value = (): string => {
    const base = chance(0.7) ? pick(NUMBERS) : pick(GARBAGE)
    // Poison values that are not numbers, so a valid number stays valid.
    return chance(0.3) ? `${base}${POISON}` : base
  }
  const command = chance(0.9) ? pick(COMMANDS) : pick(GARBAGE)
  const argv = [command]
  const count = Math.floor(random() * 6)
  if (command === 'run' && chance(0.9)) argv.push(pick(['-w', '--workload']), pick(WORKLOADS))
  if (['show', 'export'].includes(command) && chance(0.9)) argv.push(`/nonexistent/${POISON}.json`)
  if (command === 'compare') for (let i = 0; i < 2 && chance(0.9); i++) argv.push(`/nonexistent/${POISON}.json`)
  if (command === 'export' && chance(0.8))
    argv.push(pick(['-f', '--format']), pick(['json', 'csv', 'md', `xml${POISON}`]))
  for (let i = 0; i < count; i++) {
    const roll = random()
    const numeric = NUMBER_OPTIONS[command] ?? []
    if (roll < 0.45 && numeric.length > 0) {
      const option = pick(numeric)
      const text = option === '-n' || option === '--workers' ? [value(), value()].join(pick([',', ' ', ',,'])) : value()
      argv.push(...(chance(0.2) ? [`${option}=${text}`] : [option, text]))
    } else if (roll < 0.6 && command === 'run') {
      if (chance(0.5)) argv.push('-s', pick(STRATEGIES))
      else argv.push('--param', pick(['size', 'tasks', 'duration', 'colour', '', 'size=']) + '=' + value())
    } else if (roll < 0.75) {
      const flags = FLAGS[command] ?? []
      if (flags.length > 0) argv.push(pick(flags))
    } else if (roll < 0.85) {
      argv.push(pick(GARBAGE))
    } else if (roll < 0.9) {
      // An option given without its value, last.
      const numeric2 = NUMBER_OPTIONS[command] ?? ['--json']
      argv.push(pick(numeric2))
    } else {
      argv.push(value())
    }
  }
  return argv
}

describe('fuzzing the command line', () => {
  it(
    `checks ${LISTS.toLocaleString('en')} generated argument lists in process (seed ${SEED})`,
    { timeout: 60_000 },
    () => {
      console.log(`CLI fuzz seed ${SEED} (replay: CLI_FUZZ_SEED=${SEED})`)
      const random = prng(SEED)
      const escaped: string[] = []
      const refused: string[][] = []
      let accepted = 0
      for (let i = 0; i < LISTS; i++) {
        const argv = generate(random)
        const show = JSON.stringify(argv).slice(0, 300)
        let result: ReturnType<typeof parseCommandLine>
        try {
          result = parseCommandLine(argv)
        } catch (error) {
          escaped.push(`list ${i} ${show}: threw ${String(error)}`)
          continue
        }
        if (result.ok) {
          accepted++
          continue
        }
        if (result.error === null) {
          if (result.exitCode !== 0) escaped.push(`list ${i} ${show}: exit ${result.exitCode} without a message`)
          continue
        }
        if (result.exitCode !== 2) escaped.push(`list ${i} ${show}: exit ${result.exitCode}: ${result.error}`)
        // One printable line, bounded, that does not repeat a poisoned value.
        if (/[\u0000-\u001f\u007f]/.test(result.error) || result.error.length > 1200)
          escaped.push(`list ${i} ${show}: not one short line: ${JSON.stringify(result.error.slice(0, 200))}`)
        const echoed =
          result.error.includes(POISON) && !/^unknown (option|command)|^too many arguments/.test(result.error)
        if (echoed) escaped.push(`list ${i} ${show}: echoes the input: ${result.error}`)
        refused.push(argv)
      }
      expect(escaped.slice(0, 5), `seed ${SEED}`).toEqual([])
      // The generator reaches both sides (a fuzz that refuses everything proves little).
      expect(accepted).toBeGreaterThan(LISTS / 20)
      expect(refused.length).toBeGreaterThan(LISTS / 4)

      // Some of the refused ones, through the real CLI: exit 2 and one line, no stack trace.
      // (A process's arguments cannot hold a zero byte: those are checked in process only.)
      const spawnable = refused.filter((argv) => argv.every((a) => !a.includes('\u0000')))
      const sample = Array.from({ length: SPAWNS }, (_, i) => spawnable[Math.floor((i * spawnable.length) / SPAWNS)]!)
      for (const argv of sample) {
        const out = spawnSync(process.execPath, [join(root, 'bin/concurrency-lab.js'), ...argv], {
          encoding: 'utf8',
          timeout: 30_000,
        })
        const show = JSON.stringify(argv).slice(0, 300)
        expect(out.status, show).toBe(2)
        expect(out.stdout, show).toBe('')
        expect(out.stderr, show).toMatch(/^error: [^\n]+\n$/)
        expect(out.stderr, show).not.toMatch(/^\s+at /m)
      }
    },
  )
})
