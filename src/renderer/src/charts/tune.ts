// The tuner's chart: mean time against workers per strategy, each point with its 95% CI bar and
// the number of its place in the order the search tried it (1 first).
import type { Chart, Plugin } from 'chart.js'
import type { TunePoint } from '@shared/tune'

export interface TuneChartPoint {
  x: number
  y: number
  /** 95% CI of the mean, ms. */
  low: number
  high: number
  /** 1 for the first point the search tried, 2 for the next, … */
  tried: number
}

/** A strategy's points sorted by workers (the line is drawn left to right), keeping the order tried. */
export function tuneChartPoints(points: readonly TunePoint[]): TuneChartPoint[] {
  return [...points]
    .sort((a, b) => a.workers - b.workers)
    .map((p) => ({
      x: p.workers,
      y: p.summary.mean,
      low: p.summary.ci95[0],
      high: p.summary.ci95[1],
      tried: p.order + 1,
    }))
}

/** Log scale once the workers tried span more than 16 × (the search steps geometrically). */
export function tuneAxis(points: readonly TuneChartPoint[]): 'linear' | 'logarithmic' {
  const xs = points.map((p) => p.x)
  return xs.length > 0 && Math.max(...xs) / Math.min(...xs) > 16 ? 'logarithmic' : 'linear'
}

/** Draws each point's CI bar and its number in the order tried. */
export const tunePointsPlugin: Plugin = {
  id: 'tunePoints',
  afterDatasetsDraw(chart: Chart, _args, options: { colour?: string }) {
    const y = chart.scales['y']
    if (!y) return
    const { ctx } = chart
    ctx.save()
    ctx.font = '11px system-ui, sans-serif'
    ctx.textBaseline = 'bottom'
    chart.data.datasets.forEach((set, d) => {
      const meta = chart.getDatasetMeta(d)
      if (meta.hidden) return
      ctx.strokeStyle = (set.borderColor as string | undefined) ?? options.colour ?? '#333'
      ctx.fillStyle = options.colour ?? '#333'
      ctx.lineWidth = 1.5
      meta.data.forEach((element, i) => {
        const point = set.data[i] as unknown as TuneChartPoint | undefined
        if (!point) return
        // A wide CI (few repetitions) is cut at the axis rather than drawn outside the chart.
        const top = y.getPixelForValue(Math.min(point.high, y.max))
        const bottom = y.getPixelForValue(Math.max(point.low, y.min))
        ctx.beginPath()
        ctx.moveTo(element.x, top)
        ctx.lineTo(element.x, bottom)
        ctx.moveTo(element.x - 4, top)
        ctx.lineTo(element.x + 4, top)
        ctx.moveTo(element.x - 4, bottom)
        ctx.lineTo(element.x + 4, bottom)
        ctx.stroke()
        ctx.fillText(`#${point.tried}`, element.x + 6, Math.min(top, element.y) - 1)
      })
    })
    ctx.restore()
  },
}
