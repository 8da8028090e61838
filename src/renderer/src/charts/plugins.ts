// Two small Chart.js plugins: trial markers on the CPU chart, error bars on the wall-clock chart.
import type { Chart, Plugin } from 'chart.js'

export interface Marker {
  /** x value on the chart's x scale. */
  x: number
  label: string
}

/** x range of the live CPU chart (s): the whole run while it is short, then the last `windowS` s. */
export function cpuWindow(latestS: number, windowS = 60): { min: number; max: number } {
  if (latestS <= 0) return { min: 0, max: 1 }
  return latestS <= windowS ? { min: 0, max: latestS } : { min: latestS - windowS, max: latestS }
}

/**
 * Which marker labels to draw. Repetitions of a group follow each other, so only the first of a
 * row of equal labels is a candidate; a candidate is drawn (right of its line) only if it ends
 * before the next candidate's line and inside the chart, so no two labels overlap. `markers` are
 * in pixel order; the dropped labels are named on hover instead.
 */
export function labelsThatFit(
  markers: ReadonlyArray<{ px: number; width: number; label: string }>,
  right: number,
): boolean[] {
  const candidate = markers.map((m, i) => i === 0 || markers[i - 1]!.label !== m.label)
  return markers.map((m, i) => {
    if (!candidate[i]) return false
    let next = Infinity
    for (let j = i + 1; j < markers.length && next === Infinity; j++) if (candidate[j]) next = markers[j]!.px
    return m.px + LABEL_OFFSET + m.width + 4 <= Math.min(next, right)
  })
}

/** The span (s) of trial `index` on the CPU chart: from its marker to its end, or to now while it runs. */
export function trialSpan(
  index: number | null,
  markers: readonly Marker[],
  trials: ReadonlyArray<{ wallMs: number }>,
  latestS: number,
): { from: number; to: number } | null {
  const marker = index === null ? undefined : markers[index]
  if (index === null || !marker) return null
  const trial = trials[index]
  return { from: marker.x, to: trial ? marker.x + trial.wallMs / 1000 : Math.max(marker.x, latestS) }
}

/** The label of the trial under x (s): the last marker at or before it. */
export function markerAt(markers: readonly Marker[], x: number): Marker | null {
  let found: Marker | null = null
  for (const m of markers) if (m.x <= x) found = m
  return found
}

const LABEL_OFFSET = 3
/** Height (px) of the band above the plot where marker labels go: the chart's top padding. */
export const MARKER_BAND = 16

interface TrialMarkerOptions {
  markers?: () => readonly Marker[]
  /** The trial to shade (the one the Timeline shows), in x units. */
  highlight?: () => { from: number; to: number } | null
  colour?: string
  shade?: string
}

/**
 * Dashed lines where trials start, each labelled where its label fits, and the chosen trial's
 * span shaded; reads `options.plugins.trialMarkers`.
 */
export const trialMarkersPlugin: Plugin = {
  id: 'trialMarkers',
  beforeDatasetsDraw(chart: Chart, _args, options: TrialMarkerOptions) {
    const span = options.highlight?.()
    const x = chart.scales['x']
    if (!span || !x) return
    const { ctx, chartArea } = chart
    const left = Math.max(chartArea.left, x.getPixelForValue(span.from))
    const right = Math.min(chartArea.right, x.getPixelForValue(span.to))
    if (right <= left) return
    ctx.save()
    ctx.fillStyle = options.shade ?? 'rgba(180, 83, 9, 0.14)'
    ctx.fillRect(left, chartArea.top, Math.max(2, right - left), chartArea.bottom - chartArea.top)
    ctx.restore()
  },
  afterDatasetsDraw(chart: Chart, _args, options: TrialMarkerOptions) {
    const x = chart.scales['x']
    const markers = (options.markers?.() ?? []).filter((m) => x && m.x >= x.min && m.x <= x.max)
    if (!x || markers.length === 0) return
    const { ctx, chartArea } = chart
    ctx.save()
    ctx.strokeStyle = options.colour ?? '#b45309'
    ctx.fillStyle = options.colour ?? '#b45309'
    ctx.font = '11px system-ui, sans-serif'
    ctx.textBaseline = 'top'
    const placed = markers.map((m) => ({
      px: x.getPixelForValue(m.x),
      width: ctx.measureText(m.label).width,
      label: m.label,
    }))
    const fits = labelsThatFit(placed, chartArea.right)
    ctx.setLineDash([4, 3])
    placed.forEach(({ px }, i) => {
      // A labelled line reaches up into the label band; the others stop at the plot.
      ctx.beginPath()
      ctx.moveTo(px, fits[i] ? chartArea.top - MARKER_BAND : chartArea.top)
      ctx.lineTo(px, chartArea.bottom)
      ctx.stroke()
    })
    markers.forEach((m, i) => {
      // In the band above the plot (the chart's top padding), so no label lies over a CPU line.
      if (fits[i]) ctx.fillText(m.label, placed[i]!.px + LABEL_OFFSET, chartArea.top - MARKER_BAND + 2)
    })
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
