// How a saved run and a session read in the Sessions and Compare views.
import { findStrategy, findWorkload } from '@shared/catalog'
import type { Run } from '@shared/schemas'

/** "today, 14:03:12", or the local date and time when it is not today. */
export function when(iso: string, now = new Date()): string {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  const sameDay = date.toDateString() === now.toDateString()
  return sameDay ? `today, ${date.toLocaleTimeString()}` : `${date.toLocaleDateString()} ${date.toLocaleTimeString()}`
}

/**
 * "Count primes · Sequential, Worker threads × 1, 2 · today, 14:03:12 · stopped": enough to pick a
 * run from a list, in the names the screen uses. `status: false` where a badge beside it says it.
 */
export function runLabel(run: Run, index?: number, { status = true }: { status?: boolean } = {}): string {
  const workers = run.config.workers.join(', ')
  const ended = status && run.status !== 'finished' ? ` · ${run.status}` : ''
  const prefix = index === undefined ? '' : `${index + 1}. `
  const workload = findWorkload(run.config.workload)?.title ?? run.config.workload
  const strategies = run.config.strategies.map((id) => findStrategy(id)?.title ?? id).join(', ')
  return `${prefix}${workload} · ${strategies} × ${workers} · ${when(run.startedAt)}${ended}`
}
