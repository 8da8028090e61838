// CPU-bound kernels. Each returns an unsigned 32-bit checksum that the Python kernels reproduce.
import { createHash } from 'node:crypto'
import { payloadByte } from '../../shared/catalog'

/** Counts primes in [lo, hi) by trial division. */
export function countPrimes(lo: number, hi: number): number {
  let count = 0
  for (let n = Math.max(lo, 2); n < hi; n++) {
    if (n < 4) {
      count++
      continue
    }
    if (n % 2 === 0) continue
    let prime = true
    for (let d = 3; d * d <= n; d += 2) {
      if (n % d === 0) {
        prime = false
        break
      }
    }
    if (prime) count++
  }
  return count
}

/** Decrements a counter from hi − lo to zero; returns how many steps it took (mod 2³²). */
export function countdown(lo: number, hi: number): number {
  let n = hi - lo
  let steps = 0
  while (n > 0) {
    n -= 1
    steps += 1
  }
  return steps >>> 0
}

/** Indices summed per call of squaresBlock: about half a millisecond of work. */
const SQUARES_BLOCK = 1 << 20

/** Σ i² mod 2³² for i in [base, base + count), as an int32 (Math.imul and `| 0` keep residues mod 2³²). */
function squaresBlock(base: number, count: number): number {
  let sum = 0
  for (let k = 0; k < count; k++) {
    const i = (base + k) | 0
    sum = (sum + Math.imul(i, i)) | 0
  }
  return sum
}

/**
 * Σ i² for i in [lo, hi), all mod 2³², in blocks of 2²⁰ indices. A short function called often is
 * optimised by V8 within the first blocks of a task and again soon after any deoptimisation; one
 * long loop over the whole range ran at the speed of whatever tier it entered in: a worker's first
 * tasks took 10× longer (3.4 s for a serial part that takes 0.33 s warm), and one worker's tasks
 * ran 50% slower than another's in the same trial, which the amdahl workload read as serial work.
 */
export function sumSquares(lo: number, hi: number): number {
  let sum = 0
  for (let start = lo; start < hi; start += SQUARES_BLOCK)
    sum = (sum + squaresBlock(start, Math.min(SQUARES_BLOCK, hi - start))) | 0
  return sum >>> 0
}

/** Escape-time iterations summed over rows [y0, y1) of a size × size image of [-2, 1] × [-1.5, 1.5]. */
export function mandelbrotRows(y0: number, y1: number, size: number, iterations: number): number {
  let total = 0
  for (let y = y0; y < y1; y++) {
    const ci = -1.5 + (3.0 * y) / size
    for (let x = 0; x < size; x++) {
      const cr = -2.0 + (3.0 * x) / size
      let zr = 0.0
      let zi = 0.0
      let i = 0
      while (i < iterations && zr * zr + zi * zi <= 4.0) {
        const t = zr * zr - zi * zi + cr
        zi = 2.0 * zr * zi + ci
        zr = t
        i++
      }
      total = (total + i) >>> 0
    }
  }
  return total
}

/** Deterministic payload number `seed` of `size` bytes (the same bytes the HTTP fixture serves). */
export function makePayload(seed: number, size: number): Buffer {
  const buf = Buffer.allocUnsafe(size)
  for (let i = 0; i < size; i++) buf[i] = payloadByte(seed, i)
  return buf
}

/** Hashes `data` `rounds` times, chaining each digest into the next; the first 4 digest bytes. */
export function chainedSha256(data: Uint8Array, rounds: number): number {
  let digest: Buffer = Buffer.alloc(32)
  for (let r = 0; r < rounds; r++) {
    digest = createHash('sha256').update(digest).update(data).digest()
  }
  return digest.readUInt32BE(0)
}

/** Sum of the bytes mod 2³², the checksum of data the lab reads back. */
export function byteSum(data: Uint8Array): number {
  let sum = 0
  for (let i = 0; i < data.length; i++) sum += data[i]!
  return sum >>> 0
}
