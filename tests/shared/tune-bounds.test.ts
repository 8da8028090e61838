// The bounds of a worker-count search (LabApi startTune): refused in one line that names the field,
// its limits (with thousands separators and the unit) and what it got, as every other field is.
import { describe, expect, it } from 'vitest'
import { ValidationError, parseOrThrow } from '../../src/shared/schemas'
import { tuneBoundsSchema } from '../../src/shared/tune'

const refusal = (value: unknown): string => {
  try {
    parseOrThrow(tuneBoundsSchema, value)
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError)
    return (error as Error).message
  }
  throw new Error('accepted')
}

describe('tune bounds', () => {
  it('accepts whole numbers within the limits', () => {
    expect(parseOrThrow(tuneBoundsSchema, { maxWorkers: 256, budgetS: 86_400 })).toEqual({
      maxWorkers: 256,
      budgetS: 86_400,
    })
  })

  it.each([
    [{ maxWorkers: 0, budgetS: 60 }, 'maxWorkers must be an integer from 1 to 256, got 0'],
    [{ maxWorkers: 2.5, budgetS: 60 }, 'maxWorkers must be an integer from 1 to 256, got 2.5'],
    [{ maxWorkers: 8, budgetS: 100_000 }, 'budgetS must be an integer from 1 to 86,400 s, got 100000'],
    [{ maxWorkers: 8, budgetS: '60' }, 'budgetS must be an integer from 1 to 86,400 s, got "60"'],
  ])('refuses %j: %s', (value, message) => {
    expect(refusal(value)).toContain(message)
  })
})
