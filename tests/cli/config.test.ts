// The CLI reads its numeric options by the shared rules: every case of tests/shared/parse-cases
// gives the same value, or is refused with the same reason, as in the app's fields.
import { describe, expect, it } from 'vitest'
import { buildConfig, UsageError, type RunOptions } from '../../src/main/cli/config'
import { PARSE_CASES, RANGES, type CaseField } from '../shared/parse-cases'

const defaults: RunOptions = {
  workload: 'primes',
  strategies: 'sequential,py-threads',
  workers: '1,2',
  repeat: '3',
  warmup: '1',
  param: {},
  chunk: '1',
  timeout: '120000',
  samplerHz: '10',
  dataDir: '',
  autosave: false,
  progress: false,
}

/** The options that put `text` into `field`, and the option's name in messages. */
const OPTIONS: Record<CaseField, { flag: string; set: (text: string) => Partial<RunOptions> }> = {
  repetitions: { flag: '--repeat', set: (repeat) => ({ repeat }) },
  workers: { flag: '--workers', set: (workers) => ({ workers }) },
  'params.size': { flag: '--param size', set: (size) => ({ param: { size } }) },
  switchIntervalMs: { flag: '--switch-interval', set: (switchInterval) => ({ switchInterval }) },
}

describe('concurrency-lab run options', () => {
  it.each(PARSE_CASES.map((c) => [c.field, c.text, c.expect] as const))('%s %j', (field, text, expected) => {
    const { flag, set } = OPTIONS[field]
    const build = () => buildConfig({ ...defaults, ...set(text) })
    if ('value' in expected) {
      const config = build()
      const value = field === 'params.size' ? config.params?.['size'] : config[field]
      expect(value).toEqual(expected.value)
    } else {
      expect(build).toThrow(UsageError)
      expect(build).toThrow(`${flag} ${RANGES[field]}; ${expected.problem}`)
    }
  })

  it('passes --allow-many-workers on as allowManyWorkers, and leaves it out otherwise', () => {
    expect(buildConfig({ ...defaults, allowManyWorkers: true }).allowManyWorkers).toBe(true)
    expect('allowManyWorkers' in buildConfig(defaults)).toBe(false)
  })

  it('leaves parameters the workload does not have to the schema, which names them', () => {
    expect(buildConfig({ ...defaults, param: { colour: 'red' } }).params).toEqual({ colour: 'red' })
  })
})
