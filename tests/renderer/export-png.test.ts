import { describe, expect, it } from 'vitest'
import { EXPORT_SCALE, exportTitle, titleBand } from '../../src/renderer/src/charts/export'

describe('PNG exports', () => {
  it('are titled with the run: its workload and when it started', () => {
    const title = exportTitle('Timeline', 'primes', '2026-11-22T09:05:00.000Z')
    expect(title).toMatch(/^Timeline — primes, run of 22 Nov 2026/)
    expect(exportTitle('CPU chart', null, null)).toBe('CPU chart — run')
  })

  it("are drawn at twice the pixel density, with room for a subtitle (the timeline's trial)", () => {
    expect(EXPORT_SCALE).toBe(2)
    expect(titleBand('Trial 3: threads × 2')).toBeGreaterThan(titleBand(undefined))
  })
})
