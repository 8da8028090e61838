// Two small Chart.js plugins: trial markers on the CPU chart, error bars on the wall-clock chart.
import type { Chart, Plugin } from 'chart.js'

export interface Marker {
  /** x value on the chart's x scale. */
  x: number
  label: string
}

/** Vertical dashed lines with a label at each marker; reads `options.plugins.trialMarkers`. */
export const trialMarkersPlugin: Plugin = {
  id: 'trialMarkers',
  afterDatasetsDraw(chart: Chart, _args, options: { markers?: () => readonly Marker[]; colour?: string }) {
    const markers = options.markers?.() ?? []
    const x = chart.scales['x']
    if (!x || markers.length === 0) return
    const { ctx, chartArea } = chart
    ctx.save()
    ctx.strokeStyle = options.colour ?? '#b45309'
    ctx.fillStyle = options.colour ?? '#b45309'
    ctx.setLineDash([4, 3])
    ctx.font = '11px system-ui, sans-serif'
    let lastLabelX = -Infinity
    for (const m of markers) {
      if (m.x < x.min || m.x > x.max) continue
      const px = x.getPixelForValue(m.x)
      ctx.beginPath()
      ctx.moveTo(px, chartArea.top)
      ctx.lineTo(px, chartArea.bottom)
      ctx.stroke()
      // Skip a label that would overlap the previous one; the line still shows.
      if (px - lastLabelX < 14) continue
      lastLabelX = px
      ctx.save()
      ctx.translate(px + 3, chartArea.top + 4)
      ctx.rotate(Math.PI / 2)
      ctx.fillText(m.label, 0, 0)
      ctx.restore()
    }
    ctx.restore()
  },
}

/** Whiskers of ± `errors[i]` over each bar of dataset 0; reads `options.plugins.errorBars`. */
export const errorBarsPlugin: Plugin = {
  id: 'errorBars',
  afterDatasetsDraw(chart: Chart, _args, options: { errors?: () => readonly number[]; colour?: string }) {
    const errors = options.errors?.() ?? []
    const meta = chart.getDatasetMeta(0)
    const y = chart.scales['y']
    if (!y || !meta) return
    const { ctx } = chart
    ctx.save()
    ctx.strokeStyle = options.colour ?? '#333'
    ctx.lineWidth = 1.5
    meta.data.forEach((bar, i) => {
      const value = chart.data.datasets[0]?.data[i]
      const error = errors[i]
      if (typeof value !== 'number' || !error) return
      const top = y.getPixelForValue(value + error)
      const bottom = y.getPixelForValue(Math.max(0, value - error))
      const cx = bar.x
      ctx.beginPath()
      ctx.moveTo(cx, top)
      ctx.lineTo(cx, bottom)
      ctx.moveTo(cx - 6, top)
      ctx.lineTo(cx + 6, top)
      ctx.moveTo(cx - 6, bottom)
      ctx.lineTo(cx + 6, bottom)
      ctx.stroke()
    })
    ctx.restore()
  },
}
