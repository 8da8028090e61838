// How many cores a strategy kept busy (CPU time ÷ wall time), and what that reads as for Python,
// where the GIL holds CPU-bound threads near one core however many there are.
import type { GroupStats } from '@shared/schemas'

type Figures = Pick<GroupStats, 'strategy' | 'workers' | 'meanMs' | 'cpuMs'>

/** CPU time ÷ wall time: 1.0 is one core busy the whole time; null without a wall time. */
export function busyCores(g: Pick<GroupStats, 'meanMs' | 'cpuMs'>): number | null {
  return g.meanMs > 0 && Number.isFinite(g.cpuMs) ? g.cpuMs / g.meanMs : null
}

/** "1.02", or "—" when there is no figure. */
export function formatBusyCores(value: number | null): string {
  return value === null || !Number.isFinite(value) ? '—' : value.toFixed(2)
}

/** What ran the tasks of a Python strategy, counted: "2 threads", "1 process", "one event loop". */
function pythonWorkers(strategy: string, workers: number): string | null {
  const n = (one: string, many: string): string => `${workers} ${workers === 1 ? one : many}`
  if (strategy === 'py-threads' || strategy === 'py-threads-nogil') return n('thread', 'threads')
  if (strategy === 'py-processes') return n('process', 'processes')
  if (strategy === 'py-sequential') return '1 thread'
  if (strategy === 'py-asyncio') return 'one event loop'
  return null
}

/** For a Python row, the CLI's reading of its figures: "2 threads kept 1.0 cores busy"; else null. */
export function busyReading(g: Figures): string | null {
  const who = pythonWorkers(g.strategy, g.workers)
  const busy = busyCores(g)
  if (!who || busy === null) return null
  return `${who} kept ${busy.toFixed(1)} cores busy`
}
