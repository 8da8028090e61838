// Numbers and lists of numbers typed by a person, in the app's fields and on the CLI: one set of
// rules, so "2_000_000" or "1e6" means the same in both, and one way of saying what is wrong.

/** What a field accepts. */
export interface NumberField {
  /** The field's name, first in every message: "workers", "--repeat", "params.size". */
  field: string
  min: number
  max: number
  /** Whole numbers only: "1e6" is fine, "2.5" and "1e-3" are not. */
  integer?: boolean
  /** Said after the range: "from 10 to 100,000,000 numbers". */
  unit?: string
}

export interface ListField extends NumberField {
  /** Most entries the list may hold (default 1,000). */
  maxEntries?: number
}

/** A value, or a one-line reason naming the field and its range (never the text itself). */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string }

/** Longest text read as one number: longer is refused before any parsing. */
export const MAX_NUMBER_CHARS = 64
/** Longest text read as a list. */
export const MAX_LIST_CHARS = 4096

// Digits with single `_` between them, an optional fraction, an optional exponent. No hex, no
// Infinity or NaN, nothing after the number.
const DIGITS = '\\d+(?:_\\d+)*'
const NUMBER = new RegExp(`^[-+]?(?:${DIGITS}(?:\\.${DIGITS})?|\\.${DIGITS})(?:[eE][-+]?${DIGITS})?$`)

/** 100000000 → "100,000,000"; 0.001 → "0.001". */
export function formatLimit(n: number): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: 20 })
}

/** "an integer from 1 to 256" or "a number from 0.001 to 1,000 ms". */
function range(spec: NumberField, plural = false): string {
  const kind = spec.integer ? (plural ? 'integers' : 'an integer') : plural ? 'numbers' : 'a number'
  return `${kind} from ${formatLimit(spec.min)} to ${formatLimit(spec.max)}${spec.unit ? ` ${spec.unit}` : ''}`
}

/** What is wrong with one piece of text as a number of `spec`, or its value. */
function read(text: string, spec: NumberField): { value: number } | { problem: string } {
  if (text === '') return { problem: 'is empty' }
  if (text.length > MAX_NUMBER_CHARS) return { problem: 'is too long' }
  if (!NUMBER.test(text)) {
    // "2,000,000" reads as a list elsewhere; say how to write thousands instead of guessing.
    return {
      problem: text.includes(',') ? 'is not a number (write thousands as 2000000 or 2_000_000)' : 'is not a number',
    }
  }
  const value = Number(text.replace(/_/g, ''))
  if (!Number.isFinite(value)) return { problem: value > 0 ? 'is too large' : 'is too small' }
  if (spec.integer && !Number.isInteger(value)) return { problem: 'is not a whole number' }
  if (spec.integer && !Number.isSafeInteger(value)) return { problem: value > 0 ? 'is too large' : 'is too small' }
  if (value < spec.min) return { problem: 'is too small' }
  if (value > spec.max) return { problem: 'is too large' }
  return { value }
}

/** One number from a person's text: "2000000", "2_000_000", "2e6", " 0.5 "; else why not. */
export function parseNumber(text: string, spec: NumberField): Parsed<number> {
  const result = read(text.trim(), spec)
  return 'value' in result
    ? { ok: true, value: result.value }
    : { ok: false, error: `${spec.field} must be ${range(spec)}; it ${result.problem}` }
}

/** Numbers separated by commas and/or spaces: "1,2,4", "1, 2, 4", "1 2 4"; empty entries are skipped. */
export function parseList(text: string, spec: ListField): Parsed<number[]> {
  const fail = (problem: string): Parsed<number[]> => ({
    ok: false,
    error: `${spec.field} must be a list of ${range(spec, true)}; ${problem}`,
  })
  if (text.length > MAX_LIST_CHARS) return fail('it is too long')
  const entries = text.split(/[\s,]+/).filter((s) => s !== '')
  if (entries.length === 0) return fail('it is empty')
  const maxEntries = spec.maxEntries ?? 1000
  if (entries.length > maxEntries) return fail(`it has more than ${formatLimit(maxEntries)} entries`)
  const values: number[] = []
  for (const [i, entry] of entries.entries()) {
    const result = read(entry, spec)
    if (!('value' in result)) return fail(`${entries.length === 1 ? 'it' : `entry ${i + 1}`} ${result.problem}`)
    values.push(result.value)
  }
  return { ok: true, value: values }
}
