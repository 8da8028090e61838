// How many cores a strategy kept busy (CPU time ÷ wall time), and what that reads as for Python,
// where the GIL holds CPU-bound threads near one core however many there are.
import type { StrategySpec } from '../catalog'
import type { GroupStats } from '../schemas'

type Figures = Pick<GroupStats, 'workers' | 'meanMs' | 'cpuMs'>

/** CPU time ÷ wall time: 1.0 is one core busy the whole time; null without a wall time. */
export function busyCores(g: Pick<GroupStats, 'meanMs' | 'cpuMs'>): number | null {
  return g.meanMs > 0 && g.cpuMs !== null && Number.isFinite(g.cpuMs) ? g.cpuMs / g.meanMs : null
}

/** "1.02", or "—" when there is no figure. */
export function formatBusyCores(value: number | null): string {
  return value === null || !Number.isFinite(value) ? '—' : value.toFixed(2)
}

type Counted = Pick<StrategySpec, 'unit' | 'lanes'>

/** What ran the tasks, counted from the spec's unit: "2 threads", "1 process", "one event loop". */
export function countedUnit(spec: Counted, workers: number): string {
  // Tasks in flight share one loop whatever the worker count says.
  if (spec.lanes === 'in-flight') return `one ${spec.unit.one}`
  return `${workers} ${workers === 1 ? spec.unit.one : spec.unit.many}`
}

/** For a Python row, its figures in words: "2 threads kept 1.0 cores busy"; else null. */
export function busyReading(g: Figures, spec: (Counted & Pick<StrategySpec, 'runtime'>) | undefined): string | null {
  const busy = busyCores(g)
  if (!spec || spec.runtime !== 'python' || busy === null) return null
  return `${countedUnit(spec, g.workers)} kept ${busy.toFixed(1)} cores busy`
}
