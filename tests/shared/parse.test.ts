import { describe, expect, it } from 'vitest'
import { formatLimit, MAX_LIST_CHARS, MAX_NUMBER_CHARS, parseList, parseNumber } from '../../src/shared/parse'
import { PARSE_CASES, RANGES, type CaseField } from './parse-cases'

const FIELDS = {
  repetitions: { field: 'repetitions', min: 1, max: 1000, integer: true },
  workers: { field: 'workers', min: 1, max: 256, integer: true },
  'params.size': { field: 'params.size', min: 10, max: 100_000_000, integer: true, unit: 'numbers' },
  switchIntervalMs: { field: 'switchIntervalMs', min: 0.001, max: 1000, unit: 'ms' },
} as const

const parse = (field: CaseField, text: string) =>
  field === 'workers' ? parseList(text, FIELDS.workers) : parseNumber(text, FIELDS[field])

describe('parseNumber and parseList', () => {
  it.each(PARSE_CASES.map((c) => [c.field, c.text, c.expect] as const))('%s %j', (field, text, expected) => {
    const result = parse(field, text)
    if ('value' in expected) {
      expect(result).toEqual({ ok: true, value: expected.value })
    } else {
      // One line: the field, its range with thousands separators, then what is wrong.
      expect(result).toEqual({ ok: false, error: `${field} ${RANGES[field]}; ${expected.problem}` })
    }
  })

  it('never echoes the text, and refuses text too long to be a number before reading it', () => {
    const long = '9'.repeat(MAX_NUMBER_CHARS + 1)
    expect(parseNumber(long, FIELDS.repetitions)).toEqual({
      ok: false,
      error: 'repetitions must be an integer from 1 to 1,000; it is too long',
    })
    const result = parseNumber('<script>', FIELDS.repetitions)
    expect(result.ok || result.error).not.toContain('<script>')
    expect(parseList('1,'.repeat(MAX_LIST_CHARS), FIELDS.workers)).toEqual({
      ok: false,
      error: 'workers must be a list of integers from 1 to 256; it is too long',
    })
    expect(parseList('1 '.repeat(11), { ...FIELDS.workers, maxEntries: 10 })).toEqual({
      ok: false,
      error: 'workers must be a list of integers from 1 to 256; it has more than 10 entries',
    })
  })

  it('refuses integers beyond what a double holds exactly', () => {
    const huge = { field: 'n', min: 0, max: Number.MAX_VALUE, integer: true }
    expect(parseNumber('9007199254740993', huge)).toEqual({
      ok: false,
      error: `n must be an integer from 0 to ${formatLimit(Number.MAX_VALUE)}; it is too large`,
    })
    expect(parseNumber('9007199254740991', huge)).toEqual({ ok: true, value: Number.MAX_SAFE_INTEGER })
  })

  it('writes limits with thousands separators and keeps small fractions', () => {
    expect(formatLimit(100_000_000)).toBe('100,000,000')
    expect(formatLimit(86_400_000)).toBe('86,400,000')
    expect(formatLimit(0.001)).toBe('0.001')
    expect(formatLimit(0)).toBe('0')
  })
})
