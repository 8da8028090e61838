// Comparing two runs (same or different sessions, same or different machines): per strategy ×
// workers, how many times faster one is, with its uncertainty and Welch's t-test; and how the
// two machines and configurations differ.
import { findWorkload, resolveParams } from './catalog'
import type { GroupStats, MachineInfo, Run } from './schemas'
import { welchTTest, type WelchResult } from './stats'

/** Below this p-value a difference is called significant. */
export const SIGNIFICANCE = 0.05

export interface Ratio {
  /** How many times `slow` takes as long as `fast` (≥ 1 when fast is really faster). */
  value: number
  /** One standard deviation of `value`, propagated to first order from both sides' spreads. */
  error: number
}

/**
 * The ratio of two mean times with its propagated standard deviation, as hyperfine reports it:
 * σ_r = r·√((σ_a/m_a)² + (σ_b/m_b)²), where σ is the spread of single trials.
 */
export function timeRatio(a: { meanMs: number; stdevMs: number }, b: { meanMs: number; stdevMs: number }): Ratio {
  const value = a.meanMs / b.meanMs
  const error = value * Math.sqrt((a.stdevMs / a.meanMs) ** 2 + (b.stdevMs / b.meanMs) ** 2)
  return { value, error }
}

/** "1.52 ± 0.10": a ratio with its uncertainty. */
export function formatRatio(r: Ratio): string {
  return `${r.value.toFixed(2)} ± ${r.error.toFixed(2)}`
}

/** "p = 0.032", "p < 0.001". */
export function formatP(p: number): string {
  return p < 0.001 ? 'p < 0.001' : `p = ${p < 0.01 ? p.toFixed(3) : p.toFixed(2)}`
}

type Side = Pick<GroupStats, 'meanMs' | 'stdevMs' | 'n' | 'minMs' | 'maxMs'>

export interface ComparisonRow {
  strategy: string
  workers: number
  a: Side | null
  b: Side | null
  /** Mean of A ÷ mean of B: above 1 when B is faster. Null unless both sides ran. */
  ratio: Ratio | null
  welch: WelchResult | null
  /** Which side is faster, when the difference is significant. */
  faster: 'a' | 'b' | null
  /** The row in words, e.g. "B is 1.52 ± 0.10 times faster than A (p = 0.003)". */
  verdict: string
}

export interface MachineDifference {
  field: keyof MachineInfo
  label: string
  a: string
  b: string
  differs: boolean
}

export interface RunComparison {
  labels: { a: string; b: string }
  rows: ComparisonRow[]
  machine: MachineDifference[]
  /** Differences in what was measured (workload, parameters, chunk size…), one sentence each. */
  configDifferences: string[]
}

const side = (g: GroupStats | undefined): Side | null =>
  g ? { meanMs: g.meanMs, stdevMs: g.stdevMs, n: g.n, minMs: g.minMs, maxMs: g.maxMs } : null

/** Compares run B against run A, group by group (strategy × workers), in A's order then B's. */
export function compareRuns(a: Run, b: Run, labels = { a: 'A', b: 'B' }): RunComparison {
  const key = (g: GroupStats): string => `${g.strategy}\u0000${g.workers}`
  const groupsA = new Map(a.stats.map((g) => [key(g), g]))
  const groupsB = new Map(b.stats.map((g) => [key(g), g]))
  const keys = [...new Set([...groupsA.keys(), ...groupsB.keys()])]
  const rows = keys.map((k): ComparisonRow => {
    const ga = groupsA.get(k)
    const gb = groupsB.get(k)
    const any = (ga ?? gb)!
    const row: ComparisonRow = {
      strategy: any.strategy,
      workers: any.workers,
      a: side(ga),
      b: side(gb),
      ratio: null,
      welch: null,
      faster: null,
      verdict: '',
    }
    if (!ga || !gb) {
      row.verdict = `only in ${ga ? labels.a : labels.b}`
      return row
    }
    row.ratio = timeRatio(ga, gb)
    row.welch = welchTTest(
      { mean: ga.meanMs, stdev: ga.stdevMs, n: ga.n },
      { mean: gb.meanMs, stdev: gb.stdevMs, n: gb.n },
    )
    const bFaster = gb.meanMs < ga.meanMs
    const [fast, slow] = bFaster ? [labels.b, labels.a] : [labels.a, labels.b]
    const ratio = bFaster ? row.ratio : timeRatio(gb, ga)
    const claim = `${fast} is ${formatRatio(ratio)} times faster than ${slow}`
    if (!row.welch) {
      row.verdict = `${claim}; too few repetitions to test it (Welch's t-test needs 2 on each side)`
    } else if (row.welch.p < SIGNIFICANCE) {
      row.faster = bFaster ? 'b' : 'a'
      row.verdict = `${claim} (${formatP(row.welch.p)})`
    } else {
      row.verdict = `no significant difference (${fast} ${formatRatio(ratio)} times faster, ${formatP(row.welch.p)})`
    }
    return row
  })
  return {
    labels,
    rows,
    machine: machineDifferences(machineOf(a), machineOf(b)),
    configDifferences: configDifferences(a, b),
  }
}

/** A run's machine, with the Python version the run itself reported when it used Python. */
function machineOf(run: Run): MachineInfo {
  return run.python ? { ...run.machine, python: run.python.version } : run.machine
}

const GiB = 1024 ** 3
const MACHINE_FIELDS: Array<[keyof MachineInfo, string, (m: MachineInfo) => string]> = [
  ['cpuModel', 'CPU', (m) => m.cpuModel],
  ['logicalCores', 'logical cores', (m) => String(m.logicalCores)],
  ['physicalCores', 'physical cores', (m) => (m.physicalCores === null ? 'unknown' : String(m.physicalCores))],
  ['memoryBytes', 'memory', (m) => `${(m.memoryBytes / GiB).toFixed(1)} GiB`],
  ['osName', 'OS', (m) => m.osName ?? m.os],
  ['kernel', 'kernel', (m) => m.kernel ?? m.os],
  ['arch', 'architecture', (m) => m.arch ?? 'unknown'],
  ['node', 'Node', (m) => m.node],
  ['electron', 'Electron', (m) => m.electron ?? 'none'],
  ['python', 'Python', (m) => m.python ?? 'unknown'],
  ['cpuGovernor', 'CPU governor', (m) => m.cpuGovernor ?? 'unknown'],
  ['cluster', 'Dask cluster', (m) => describeCluster(m.cluster)],
]

/** "local: 2 workers, 2 threads, distributed 2022.12.1", or "none" for a run that used no cluster. */
export function describeCluster(cluster: MachineInfo['cluster']): string {
  if (!cluster) return 'none'
  const where = cluster.kind === 'local' ? 'local' : `at ${cluster.address ?? 'an address'}`
  const version = cluster.versions['distributed'] ? `, distributed ${cluster.versions['distributed']}` : ''
  return `${where}: ${cluster.workers} workers, ${cluster.threads} threads${version}`
}

/** The two machine fingerprints side by side, each field marked where they differ. */
export function machineDifferences(a: MachineInfo, b: MachineInfo): MachineDifference[] {
  return MACHINE_FIELDS.map(([field, label, show]) => {
    const va = show(a)
    const vb = show(b)
    return { field, label, a: va, b: vb, differs: va !== vb }
  })
}

function configDifferences(a: Run, b: Run): string[] {
  const out: string[] = []
  if (a.config.workload !== b.config.workload) {
    out.push(
      `they ran different workloads (${a.config.workload} and ${b.config.workload}), so their times measure different work`,
    )
    return out
  }
  const workload = findWorkload(a.config.workload)
  const pa = workload ? resolveParams(workload, a.config.params) : a.config.params
  const pb = workload ? resolveParams(workload, b.config.params) : b.config.params
  for (const name of new Set([...Object.keys(pa), ...Object.keys(pb)])) {
    if (pa[name] !== pb[name]) out.push(`${name} differs: ${pa[name] ?? 'default'} and ${pb[name] ?? 'default'}`)
  }
  if (a.config.chunkSize !== b.config.chunkSize)
    out.push(`chunk size differs: ${a.config.chunkSize} and ${b.config.chunkSize}`)
  if (a.config.repetitions !== b.config.repetitions)
    out.push(`repetitions differ: ${a.config.repetitions} and ${b.config.repetitions}`)
  return out
}
