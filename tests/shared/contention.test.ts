// The race lab's pure parts: which variants are racy on which Python, the words of a result, the
// checksum rule and the bounds of a config.
import { describe, expect, it } from 'vitest'
import {
  CONTENTION_EXPERIMENTS,
  CONTENTION_VARIANTS,
  contentionChecksum,
  contentionConfigSchema,
  contentionNotes,
  findContentionVariant,
  lostText,
  syncOf,
  type ContentionTrial,
} from '../../src/shared/contention'

const trial = (over: Partial<ContentionTrial>): ContentionTrial => ({
  variant: 'py-increment',
  trial: 1,
  runtime: 'Python 3.11.7',
  version: [3, 11, 7],
  sync: 'rare',
  workers: 2,
  increments: 10,
  expected: 20,
  got: 20,
  lost: 0,
  wallMs: 1,
  waitMs: null,
  checksum: 20,
  ...over,
})

describe('race lab tables and words', () => {
  it('labels counter += 1 racy before Python 3.10 and rare from it; the rest as their rows say', () => {
    const increment = findContentionVariant('py-increment')!
    expect(syncOf(increment, [3, 9, 18])).toBe('racy')
    expect(syncOf(increment, [3, 10, 0])).toBe('rare')
    expect(syncOf(increment, [3, 13, 0])).toBe('rare')
    expect(syncOf(findContentionVariant('py-yield')!, [3, 13, 0])).toBe('racy')
    expect(syncOf(findContentionVariant('node-atomic')!)).toBe('exact')
  })

  it('says expected, got and lost with the share, and the checksum is what was asked', () => {
    expect(lostText({ expected: 4_000_000, got: 3_000_000, lost: 1_000_000 })).toBe(
      'expected 4,000,000, got 3,000,000, lost 1,000,000 (25.0%)',
    )
    expect(lostText({ expected: 20, got: 20, lost: 0 })).toBe('expected 20, got 20, lost 0 (0.0%)')
    expect(contentionChecksum(2, 10)).toBe(20)
    expect(contentionChecksum(16, 20_000_000)).toBe(320_000_000)
  })

  it('explains why counter += 1 lost nothing on 3.10+, and calls a loss in an exact variant a bug', () => {
    expect(contentionNotes([trial({})]).join(' ')).toMatch(/cpython#18334/)
    expect(
      contentionNotes([trial({ variant: 'node-atomic', sync: 'exact', runtime: 'Node v20', got: 19, lost: 1 })]),
    ).toEqual([expect.stringMatching(/lost updates in 1 of 1 trials although it is synchronised — a bug/)])
  })

  it('bounds a config and names the field and its limits', () => {
    const ok = { variants: ['node-plain'], workers: 2, trials: 3 }
    expect(contentionConfigSchema.parse(ok)).toEqual(ok)
    expect(() => contentionConfigSchema.parse({ ...ok, workers: 17 })).toThrow(/workers must be from 2 to 16/)
    expect(() => contentionConfigSchema.parse({ ...ok, increments: 0 })).toThrow(/increments must be from 1/)
    expect(() => contentionConfigSchema.parse({ ...ok, variants: ['nope'] })).toThrow()
    expect(() => contentionConfigSchema.parse({ ...ok, extra: 1 })).toThrow()
  })

  it('every experiment names variants that exist, and every peer is a racy variant of the same runtime', () => {
    for (const e of CONTENTION_EXPERIMENTS)
      for (const v of e.variants) expect(findContentionVariant(v), v).toBeDefined()
    for (const v of CONTENTION_VARIANTS.filter((v) => v.peer)) {
      const peer = findContentionVariant(v.peer!)!
      expect(peer.sync, v.id).toBe('racy')
      expect([peer.runtime, peer.workers], v.id).toEqual([v.runtime, v.workers])
    }
  })
})
