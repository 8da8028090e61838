// PNG exports of the charts: drawn again at 2× pixel density, on the page's panel colour (not
// transparent), under a title that names the run (and, for the timeline, the trial).
import { Chart } from 'chart.js'
import { readTheme } from './theme'

/** Pixel density of an exported PNG: sharp when printed or shown on a high-density screen. */
export const EXPORT_SCALE = 2
const TITLE_PX = 15
const SUBTITLE_PX = 12

/** Draws a chart that is not Chart.js (the timeline) at a given pixel density; registered by its component. */
type Redraw = (pixelRatio: number) => void
const redrawers = new Map<string, Redraw>()

/** Lets the export draw chart `id` at another pixel density (and back); returns the unregister. */
export function registerRedraw(id: string, redraw: Redraw): () => void {
  redrawers.set(id, redraw)
  return () => {
    if (redrawers.get(id) === redraw) redrawers.delete(id)
  }
}

/** The size in CSS px of the band above the chart that holds the title (and subtitle). */
export function titleBand(subtitle: string | undefined): number {
  return subtitle ? 50 : 30
}

/** "Timeline — primes, run of 22 Nov 2026, 09:05": the chart, the run's workload and when it started. */
export function exportTitle(
  chart: string,
  workload: string | null | undefined,
  startedAt: string | null | undefined,
): string {
  const when = startedAt ? new Date(startedAt) : null
  const date =
    when && !Number.isNaN(when.getTime())
      ? when.toLocaleString('en-GB', {
          day: 'numeric',
          month: 'short',
          year: 'numeric',
          hour: '2-digit',
          minute: '2-digit',
        })
      : null
  return `${chart} — ${workload ?? 'run'}${date ? `, run of ${date}` : ''}`
}

/** Runs `draw` while the chart on `canvas` is rendered at `ratio`, then puts it back as it was. */
function atPixelRatio(canvas: HTMLCanvasElement, id: string, ratio: number, draw: () => void): void {
  const chart = Chart.getChart(canvas)
  const redraw = redrawers.get(id)
  if (chart) {
    const before = chart.options.devicePixelRatio
    chart.options.devicePixelRatio = ratio
    chart.resize()
    chart.draw()
    try {
      draw()
    } finally {
      chart.options.devicePixelRatio = before
      chart.resize()
      chart.draw()
    }
  } else if (redraw) {
    redraw(ratio)
    try {
      draw()
    } finally {
      redraw(globalThis.devicePixelRatio || 1)
    }
  } else draw()
}

/** A new canvas: the chart at `EXPORT_SCALE`× on the panel colour, with its title above it. */
export function composeExport(
  canvas: HTMLCanvasElement,
  id: string,
  text: { title: string; subtitle?: string },
): HTMLCanvasElement {
  const theme = readTheme()
  const background = getComputedStyle(document.documentElement).getPropertyValue('--panel').trim() || '#ffffff'
  const width = canvas.clientWidth || canvas.width
  const height = canvas.clientHeight || canvas.height
  const band = titleBand(text.subtitle)
  const out = document.createElement('canvas')
  out.width = Math.round(width * EXPORT_SCALE)
  out.height = Math.round((height + band) * EXPORT_SCALE)
  const ctx = out.getContext('2d')
  if (!ctx) return canvas
  ctx.scale(EXPORT_SCALE, EXPORT_SCALE)
  ctx.fillStyle = background
  ctx.fillRect(0, 0, width, height + band)
  ctx.fillStyle = theme.average
  ctx.textBaseline = 'top'
  ctx.font = `600 ${TITLE_PX}px system-ui, sans-serif`
  ctx.fillText(text.title, 12, 8, width - 24)
  if (text.subtitle) {
    ctx.fillStyle = theme.text
    ctx.font = `${SUBTITLE_PX}px system-ui, sans-serif`
    ctx.fillText(text.subtitle, 12, 8 + TITLE_PX + 8, width - 24)
  }
  atPixelRatio(canvas, id, EXPORT_SCALE, () => ctx.drawImage(canvas, 0, band, width, height))
  return out
}
