// The C10k charts' data: one line per server model over the connection counts, for one measured
// figure. A failed step has no point (a gap in the line), never a zero that was not measured.
import { findServerModel, type C10kStep } from '@shared/c10k'

export type C10kMetric = 'rps' | 'p99' | 'rss' | 'threads'

export const C10K_METRICS: Record<C10kMetric, { title: string; axis: string; value(step: C10kStep): number | null }> = {
  rps: {
    title: 'Requests per second (higher is better)',
    axis: 'requests/s',
    value: (s) => s.load?.requestsPerSecond ?? null,
  },
  p99: { title: 'p99 latency (lower is better)', axis: 'ms', value: (s) => s.load?.latencyMs.p99 ?? null },
  rss: {
    title: 'Server memory (RSS of all its processes)',
    axis: 'MB',
    value: (s) => (s.server && s.server.maxRssBytes > 0 ? s.server.maxRssBytes / (1024 * 1024) : null),
  },
  threads: {
    title: 'Server threads (all its processes)',
    axis: 'threads',
    value: (s) => (s.server && s.server.maxThreads > 0 ? s.server.maxThreads : null),
  },
}

export interface C10kLine {
  model: string
  label: string
  points: Array<{ x: number; y: number | null }>
}

/** One line per model, in the order the sweep ran them, with a point per connection count. */
export function c10kLines(steps: readonly C10kStep[], metric: C10kMetric): C10kLine[] {
  const lines = new Map<string, C10kLine>()
  for (const step of steps) {
    let line = lines.get(step.model)
    if (!line) {
      line = { model: step.model, label: findServerModel(step.model)?.title ?? step.model, points: [] }
      lines.set(step.model, line)
    }
    line.points.push({ x: step.connections, y: C10K_METRICS[metric].value(step) })
  }
  return [...lines.values()]
}
