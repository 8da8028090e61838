// The `amdahl` workload: a known serial fraction of sum-of-squares work that runs alone before
// the rest is split across the workers, so Amdahl's law can be checked against a known answer.
import type { ParamSpec, TaskInput, WorkloadSpec } from './catalog'

export const AMDAHL_WORKLOAD: WorkloadSpec = {
  id: 'amdahl',
  kind: 'cpu',
  title: 'Amdahl: serial then parallel',
  explanation:
    'Adds up i² over a range: the first serial % of it runs alone while every other worker waits, the rest is split across the workers. Amdahl’s law should find that fraction again.',
  params: [
    {
      name: 'serial',
      unit: '%',
      default: 30,
      min: 0,
      max: 100,
      description: 'share of the work that runs alone, before the parallel part (the serial fraction f × 100)',
    },
    {
      name: 'size',
      unit: 'numbers',
      default: 20_000_000,
      min: 1,
      max: 2_000_000_000,
      description: 'sum the squares of 0 … size−1, serial part first',
    },
    {
      name: 'tasks',
      unit: 'tasks',
      default: 16,
      min: 1,
      max: 100_000,
      description: 'how many tasks the parallel part is split into',
    } satisfies ParamSpec,
  ],
  needs: [],
}

/**
 * The serial task (when the serial share is above 0) and then the parallel part in `tasks`
 * contiguous ranges. Every range sums squares, so the checksum is that of 0 … size−1 whatever
 * the serial share and whoever runs it.
 */
export function planAmdahl(
  params: Record<string, number>,
  split: (n: number, parts: number) => Array<[number, number]>,
): TaskInput[] {
  const size = params['size']!
  const serialEnd = Math.round((size * params['serial']!) / 100)
  const out: TaskInput[] = []
  if (serialEnd > 0) out.push({ kind: 'amdahl', phase: 'serial', lo: 0, hi: serialEnd })
  if (serialEnd < size) {
    for (const [lo, hi] of split(size - serialEnd, params['tasks']!))
      out.push({ kind: 'amdahl', phase: 'parallel', lo: serialEnd + lo, hi: serialEnd + hi })
  }
  return out
}

/**
 * How many tasks at the start of a plan must finish, alone, before any other task is sent: the
 * serial part of the `amdahl` workload; 0 for every other plan.
 */
export function serialPrologue(tasks: readonly TaskInput[]): number {
  let count = 0
  while (count < tasks.length) {
    const t = tasks[count]!
    if (t.kind !== 'amdahl' || t.phase !== 'serial') break
    count++
  }
  return count
}
