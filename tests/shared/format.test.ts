import { describe, expect, it } from 'vitest'
import { backgroundLoadWarning, formatDuration, formatRemaining, groupTitle } from '../../src/shared/format'

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

  // Rounding that reaches the next unit reads in that unit: never "1000 µs" or "1 min 60 s".
  it.each([
    [0.9994, '999 µs'],
    [0.9996, '1.00 ms'],
    [9.994, '9.99 ms'],
    [9.996, '10.0 ms'],
    [99.94, '99.9 ms'],
    [99.96, '100 ms'],
    [999.4, '999 ms'],
    [999.6, '1.00 s'],
    [999.96, '1.00 s'],
    [59_994, '59.99 s'],
    [59_996, '1 min 00 s'],
    [119_400, '1 min 59 s'],
    [119_600, '2 min 00 s'],
    [3_599_400, '59 min 59 s'],
    [3_599_600, '1 h 00 min'],
    [5_429_000, '1 h 30 min'],
    [86_370_000, '24 h 00 min'],
  ])('carries the rounding of %d ms into the next unit: %s', (ms, text) => {
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
    expect(text).toMatch(/^Other programs kept up to 0\.4 cores busy while this ran \(during Worker threads × 2\)/)
  })

  it('says nothing under light or unmeasured load', () => {
    expect(backgroundLoadWarning([{ strategy: 'threads', workers: 2, otherCores: 0.2 }])).toBeNull()
    expect(backgroundLoadWarning([{ strategy: 'threads', workers: 2 }])).toBeNull()
    expect(backgroundLoadWarning([])).toBeNull()
  })
})

describe('formatRemaining', () => {
  it('rounds an estimate to what it can claim', () => {
    expect(formatRemaining(47_760)).toBe('about 48 s')
    expect(formatRemaining(300)).toBe('about 1 s')
    expect(formatRemaining(125_400)).toBe('about 2 min 05 s')
    expect(formatRemaining(3 * 3600_000 + 5 * 60_000)).toBe('about 3 h 05 min')
    expect(formatRemaining(Number.NaN)).toBe('—')
  })
})

describe('groupTitle', () => {
  it('names a group as the screen does, never by its id', () => {
    expect(groupTitle({ strategy: 'threads', workers: 2 })).toBe('Worker threads × 2')
    expect(groupTitle({ strategy: 'py-threads-nogil', workers: 4 })).toBe('Python threads, no GIL × 4')
    expect(groupTitle({ strategy: 'async', workers: 1 })).toBe('Async event loop')
    expect(groupTitle({ strategy: 'sequential', workers: 1 })).toBe('Sequential')
    expect(groupTitle({ strategy: 'made-up', workers: 3 })).toBe('made-up × 3')
  })
})
