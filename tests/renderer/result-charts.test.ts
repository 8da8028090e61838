import { describe, expect, it } from 'vitest'
import { STRATEGIES } from '@shared/catalog'
import { speedupAxes, speedupSeries, wallClockBars } from '../../src/renderer/src/charts/results'
import { strategyColour } from '../../src/renderer/src/charts/theme'
import { makeStats } from './fake-lab'

const takesWorkers = (id: string): boolean => STRATEGIES.find((s) => s.id === id)?.takesWorkers ?? true

const stats = [
  makeStats('sequential', 1, 1000, 1),
  makeStats('threads', 1, 1010, 0.99, { stdevMs: 300 }),
  makeStats('threads', 2, 520, 1.92),
  makeStats('processes', 1, 1100, 0.91),
  makeStats('processes', 2, 560, 2.3),
]

describe('one colour per strategy', () => {
  it('gives every strategy of the catalog its own colour', () => {
    const colours = STRATEGIES.map((s) => strategyColour(s.id))
    expect(new Set(colours).size).toBe(STRATEGIES.length)
    expect(strategyColour('threads')).toBe(strategyColour('threads'))
  })

  it('draws "threads × 1" in the bar chart in the colour of threads in the speedup chart', () => {
    const bars = wallClockBars(stats, takesWorkers)
    const series = speedupSeries(stats, takesWorkers)
    const threadsLine = series.find((s) => s.strategy === 'threads')!.colour
    const processesLine = series.find((s) => s.strategy === 'processes')!.colour
    // Bars are labelled as the screen names strategies (titles), never by id.
    expect(bars.colours[bars.labels.indexOf('Worker threads × 1')]).toBe(threadsLine)
    expect(bars.colours[bars.labels.indexOf('Worker threads × 2')]).toBe(threadsLine)
    expect(bars.colours[bars.labels.indexOf('Processes × 2')]).toBe(processesLine)
    expect(series.find((s) => s.strategy === 'threads')!.title).toBe('Worker threads')
    expect(threadsLine).not.toBe(processesLine)
  })
})

describe('axes that never clip data', () => {
  it('puts the top of the wall-clock axis above every +σ whisker', () => {
    const bars = wallClockBars(stats, takesWorkers)
    for (const g of stats) expect(bars.yMax).toBeGreaterThan(g.meanMs + g.stdevMs)
  })

  it('puts the top of the speedup axis above the highest point and the ideal line', () => {
    const axes = speedupAxes(speedupSeries(stats, takesWorkers))
    expect(axes.xMax).toBe(2)
    expect(axes.yMax).toBeGreaterThan(2.3)
    const superlinear = speedupAxes([
      { strategy: 'threads', title: 'Worker threads', colour: '', points: [{ x: 2, y: 2 }] },
    ])
    expect(superlinear.yMax).toBeGreaterThan(2)
  })
})
