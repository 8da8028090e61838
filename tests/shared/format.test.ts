import { describe, expect, it } from 'vitest'
import { formatDuration } from '../../src/shared/format'

describe('formatDuration', () => {
  it.each([
    [0.85, '850 µs'],
    [4, '4.00 ms'],
    [12.34, '12.3 ms'],
    [412.3, '412 ms'],
    [3204, '3.20 s'],
    [64_400, '1 min 04 s'],
    [Number.NaN, '—'],
  ])('%d ms reads %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text)
  })
})
