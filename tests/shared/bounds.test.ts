import { describe, expect, it } from 'vitest'
import { checkBounds } from '../../src/shared/bounds'

const nested = (levels: number): unknown => {
  let value: unknown = 1
  for (let i = 0; i < levels; i++) value = i % 2 ? [value] : { a: value }
  return value
}

describe('checkBounds', () => {
  const bounds = { maxDepth: 8, maxBytes: 1000 }

  it('accepts a value within its depth and size', () => {
    expect(() => checkBounds(nested(8), bounds)).not.toThrow()
    expect(() => checkBounds('x'.repeat(900), bounds)).not.toThrow()
  })

  it('refuses a value nested too deep, however deep, without overflowing the stack', () => {
    expect(() => checkBounds(nested(9), bounds)).toThrow('the payload is nested deeper than 8 levels')
    expect(() => checkBounds(nested(1_000_000), bounds, 'args')).toThrow(/^args is nested deeper than 8 levels$/)
  })

  it('refuses a value too large, naming the limit and not the value', () => {
    const big = { notes: 'secret '.repeat(200) }
    expect(() => checkBounds(big, bounds)).toThrow(/^the payload is larger than 1,000 bytes$/)
    expect(() =>
      checkBounds(
        Array.from({ length: 300 }, () => 0),
        bounds,
      ),
    ).toThrow(/larger than/)
    expect(() => checkBounds(new Uint8Array(2000), bounds)).toThrow(/larger than/)
  })

  it('counts a shared or circular reference once', () => {
    const shared: Record<string, unknown> = { a: 1 }
    shared['self'] = shared
    expect(() => checkBounds([shared, shared], bounds)).not.toThrow()
  })
})
