import { describe, expect, it } from 'vitest'
import { cpuWindow, labelsThatFit, markerAt, trialSpan } from '../../src/renderer/src/charts/plugins'

describe('the live CPU chart follows the run', () => {
  it('spans a short run whole, so a 3 s run fills the chart', () => {
    expect(cpuWindow(3)).toEqual({ min: 0, max: 3 })
    expect(cpuWindow(0.2)).toEqual({ min: 0, max: 0.2 })
    expect(cpuWindow(0)).toEqual({ min: 0, max: 1 })
    expect(cpuWindow(60)).toEqual({ min: 0, max: 60 })
  })

  it('scrolls a window of the last 60 s once the run is longer', () => {
    expect(cpuWindow(95)).toEqual({ min: 35, max: 95 })
  })
})

describe('trial markers', () => {
  it("labels a marker only where its label ends before the next label's line and inside the chart", () => {
    const fits = labelsThatFit(
      [
        { px: 10, width: 60, label: 'a' }, // next line at 40: would be crossed
        { px: 40, width: 60, label: 'b' }, // ends at 107, next at 200: fits
        { px: 200, width: 60, label: 'c' }, // ends at 267, next at 265: crossed
        { px: 265, width: 60, label: 'd' }, // ends at 332 > 300, the chart's right edge
      ],
      300,
    )
    expect(fits).toEqual([false, true, false, false])
  })

  it('labels a row of repetitions once, at the first', () => {
    const fits = labelsThatFit(
      [
        { px: 0, width: 60, label: 'threads × 2' },
        { px: 30, width: 60, label: 'threads × 2' },
        { px: 100, width: 60, label: 'processes × 2' },
        { px: 130, width: 60, label: 'processes × 2' },
      ],
      300,
    )
    expect(fits).toEqual([true, false, true, false])
  })

  it('names the trial under the pointer, for the labels that were dropped', () => {
    const markers = [
      { x: 0, label: 'sequential × 1' },
      { x: 1, label: 'threads × 2' },
    ]
    expect(markerAt(markers, 0.5)?.label).toBe('sequential × 1')
    expect(markerAt(markers, 1.5)?.label).toBe('threads × 2')
    expect(markerAt(markers, -1)).toBeNull()
  })

  it('shades the chosen trial from its start to its end, or to now while it runs', () => {
    const markers = [
      { x: 0.5, label: 'a' },
      { x: 1.5, label: 'b' },
    ]
    expect(trialSpan(0, markers, [{ wallMs: 800 }], 2)).toEqual({ from: 0.5, to: 1.3 })
    expect(trialSpan(1, markers, [{ wallMs: 800 }], 2)).toEqual({ from: 1.5, to: 2 })
    expect(trialSpan(null, markers, [], 2)).toBeNull()
    expect(trialSpan(5, markers, [], 2)).toBeNull()
  })
})
