// Chart colours from the page's CSS variables, so charts follow the OS light/dark setting.
import { STRATEGIES } from '@shared/catalog'

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

/** Ten colours that stay apart on light and dark backgrounds (Tableau 10, a little deeper). */
const STRATEGY_PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#59a14f',
  '#b07aa1',
  '#edc948',
  '#76b7b2',
  '#ff9da7',
  '#9c755f',
  '#8c8c8c',
]

/**
 * The one colour of a strategy in every chart and legend: from its place in the catalog, so
 * "threads" is the same colour in the bars, the speedup lines, the timeline and Compare.
 */
export function strategyColour(id: string): string {
  let index = STRATEGIES.findIndex((s) => s.id === id)
  if (index < 0) index = STRATEGIES.length + ([...id].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7) % 97)
  // Past the palette, hues a golden angle apart keep later strategies apart from each other.
  return STRATEGY_PALETTE[index] ?? `hsl(${Math.round((index * 137.508) % 360)} 55% 48%)`
}
