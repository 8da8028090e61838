// Chart colours from the page's CSS variables, so charts follow the OS light/dark setting.

export interface ChartTheme {
  text: string
  grid: string
  average: string
  marker: string
  series: string[]
}

const FALLBACK: ChartTheme = {
  text: '#444',
  grid: 'rgba(128,128,128,0.25)',
  average: '#111',
  marker: '#b45309',
  series: ['#2563eb', '#16a34a', '#dc2626', '#9333ea', '#ea580c', '#0891b2', '#be185d', '#4d7c0f'],
}

export function readTheme(root: Element = document.documentElement): ChartTheme {
  const css = getComputedStyle(root)
  const v = (name: string, fallback: string): string => css.getPropertyValue(name).trim() || fallback
  return {
    text: v('--text-muted', FALLBACK.text),
    grid: v('--grid', FALLBACK.grid),
    average: v('--text', FALLBACK.average),
    marker: v('--marker', FALLBACK.marker),
    series: FALLBACK.series.map((c, i) => v(`--series-${i}`, c)),
  }
}

/** Calls `listener` when the OS switches between light and dark; returns the unsubscribe. */
export function onColourSchemeChange(listener: () => void): () => void {
  if (typeof matchMedia !== 'function') return () => undefined
  const query = matchMedia('(prefers-color-scheme: dark)')
  query.addEventListener?.('change', listener)
  return () => query.removeEventListener?.('change', listener)
}

/** A colour for core `i` of `n`: evenly spread hues, so 16 cores stay distinguishable. */
export function coreColour(i: number, n: number): string {
  const hue = Math.round((360 * i) / Math.max(1, n))
  return `hsl(${hue} 70% 50% / 0.75)`
}
