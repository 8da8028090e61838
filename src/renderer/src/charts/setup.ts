// Chart.js with only the parts the lab draws, plus the two small plugins of its own.
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Filler,
  Legend,
  LineController,
  LineElement,
  LinearScale,
  LogarithmicScale,
  PointElement,
  ScatterController,
  Tooltip,
  type ChartConfiguration,
  type ChartOptions,
  type ChartType,
  type DefaultDataPoint,
} from 'chart.js'
import { markRaw, onBeforeUnmount, onMounted, shallowRef, type Ref, type ShallowRef } from 'vue'
import { onColourSchemeChange } from './theme'

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  Filler,
  Legend,
  LineController,
  LineElement,
  LinearScale,
  LogarithmicScale,
  PointElement,
  ScatterController,
  Tooltip,
)

/**
 * A chart on `canvas`, marked raw so Vue never wraps it in a proxy; null where the canvas has no
 * 2D context (happy-dom in tests), so components still render their text without a chart.
 */
export function createChart<T extends ChartType, D = DefaultDataPoint<T>, L = unknown>(
  canvas: HTMLCanvasElement,
  config: ChartConfiguration<T, D, L>,
): Chart<T, D, L> | null {
  let context: CanvasRenderingContext2D | null = null
  try {
    context = canvas.getContext('2d')
  } catch {
    context = null
  }
  if (!context) return null
  return markRaw(new Chart(canvas, config))
}

/**
 * A chart that lives as long as the component: made from `config()` on mount, then `refresh`
 * fills it in and runs again whenever the OS colour scheme changes; destroyed on unmount.
 */
export function useChart<T extends ChartType, D = DefaultDataPoint<T>, L = unknown>(
  canvas: Ref<HTMLCanvasElement | null>,
  config: () => ChartConfiguration<T, D, L>,
  refresh: () => void,
): ShallowRef<Chart<T, D, L> | null> {
  const chart = shallowRef<Chart<T, D, L> | null>(null)
  let unwatchTheme: () => void = () => undefined
  onMounted(() => {
    if (canvas.value) chart.value = createChart(canvas.value, config())
    refresh()
    unwatchTheme = onColourSchemeChange(refresh)
  })
  onBeforeUnmount(() => {
    unwatchTheme()
    chart.value?.destroy()
    chart.value = null
  })
  return chart
}

/** Calls `draw` at most once per animation frame, however often it is asked. */
export function frameThrottle(draw: () => void): { request(): void; cancel(): void } {
  let frame: number | null = null
  return {
    request(): void {
      if (frame !== null) return
      frame = requestAnimationFrame(() => {
        frame = null
        draw()
      })
    },
    cancel(): void {
      if (frame !== null) cancelAnimationFrame(frame)
      frame = null
    },
  }
}

/** Options of a speedup-against-workers scatter chart (the run's own and Compare's). */
export function speedupChartOptions(): ChartOptions<'scatter'> {
  return {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    // Points on the first and last worker count sit on the chart's edge: draw them whole.
    layout: { padding: { right: 10, top: 4 } },
    datasets: { scatter: { clip: false } },
    scales: {
      x: { type: 'linear', min: 1, title: { display: true, text: 'workers' }, ticks: { stepSize: 1 } },
      y: { beginAtZero: true, title: { display: true, text: 'speedup vs sequential' } },
    },
    // The lower edge of a band is drawn, not named: the band has one legend entry.
    plugins: { legend: { labels: { boxWidth: 10, filter: (item) => !item.text.endsWith('(low)') } } },
  }
}
