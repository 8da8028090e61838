// The Node kernels against references computed another way.
import { describe, expect, it } from 'vitest'
import { sumSquares } from '../../src/workers/kernels/cpu'

/** Σ i² for i in [lo, hi) mod 2³², in BigInt. */
function reference(lo: number, hi: number): number {
  let sum = 0n
  for (let i = BigInt(lo); i < BigInt(hi); i++) sum += i * i
  return Number(sum % 2n ** 32n)
}

describe('sumSquares', () => {
  // Ranges where int32 arithmetic could go wrong: past V8's small integers (2³⁰), past int32
  // (2³¹, where `| 0` wraps to negative), across a 2²⁴ block and up to the workload's 2·10⁹ limit.
  const ranges: Array<[number, number]> = [
    [0, 0],
    [0, 1],
    [0, 100_000],
    [2 ** 24 - 1_000, 2 ** 24 + 1_000],
    [2 ** 30 - 1_000, 2 ** 30 + 1_000],
    [2 ** 31 - 1_000, 2 ** 31 + 1_000],
    [2_000_000_000 - 5_000, 2_000_000_000],
  ]
  for (const [lo, hi] of ranges) {
    it(`matches a BigInt reference over [${lo}, ${hi})`, () => {
      expect(sumSquares(lo, hi)).toBe(reference(lo, hi))
    })
  }

  it('splits: the parts of a range add up to the whole, mod 2³²', () => {
    const [lo, mid, hi] = [2 ** 24 - 70_000, 2 ** 24 + 3, 2 ** 24 + 90_000]
    expect((sumSquares(lo, mid) + sumSquares(mid, hi)) % 2 ** 32).toBe(sumSquares(lo, hi))
  })
})
