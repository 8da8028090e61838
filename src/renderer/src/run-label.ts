// How a saved run and a session read in the Sessions and Compare views.
import type { Run } from '@shared/schemas'

/** "today, 14:03:12", or the local date and time when it is not today. */
export function when(iso: string, now = new Date()): string {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  const sameDay = date.toDateString() === now.toDateString()
  return sameDay ? `today, ${date.toLocaleTimeString()}` : `${date.toLocaleDateString()} ${date.toLocaleTimeString()}`
}

/** "primes · sequential, threads × 1, 2 · 14:03:12 · stopped": enough to pick a run from a list. */
export function runLabel(run: Run, index?: number): string {
  const workers = run.config.workers.join(', ')
  const status = run.status === 'finished' ? '' : ` · ${run.status}`
  const prefix = index === undefined ? '' : `${index + 1}. `
  return `${prefix}${run.config.workload} · ${run.config.strategies.join(', ')} × ${workers} · ${when(run.startedAt)}${status}`
}
