import { describe, expect, it } from 'vitest'
import { backgroundLoadWarning, formatDuration } from '../../src/shared/format'

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

describe('backgroundLoadWarning', () => {
  it('names the worst group when other programs kept a quarter core or more busy', () => {
    const text = backgroundLoadWarning([
      { strategy: 'sequential', workers: 1, otherCores: 0.1 },
      { strategy: 'threads', workers: 2, otherCores: 0.42 },
      { strategy: 'processes', workers: 2, otherCores: null },
    ])
    expect(text).toMatch(/^Other programs kept up to 0\.4 cores busy while this ran \(during threads × 2\)/)
  })

  it('says nothing under light or unmeasured load', () => {
    expect(backgroundLoadWarning([{ strategy: 'threads', workers: 2, otherCores: 0.2 }])).toBeNull()
    expect(backgroundLoadWarning([{ strategy: 'threads', workers: 2 }])).toBeNull()
    expect(backgroundLoadWarning([])).toBeNull()
  })
})
