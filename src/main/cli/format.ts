// Plain-text rendering of runs for the terminal: a results table in the manner of hyperfine.
import { findWorkload, resolveParams, STRATEGIES, WORKLOADS } from '../../shared/catalog'
import type { GroupStats, Run } from '../../shared/schemas'

export function formatMs(ms: number): string {
  if (ms >= 10_000) return `${(ms / 1000).toFixed(2)} s`
  if (ms >= 100) return `${ms.toFixed(1)} ms`
  if (ms >= 1) return `${ms.toFixed(2)} ms`
  return `${(ms * 1000).toFixed(0)} µs`
}

function table(header: string[], rows: string[][], rightAligned: Set<number>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: string[]): string =>
    cells.map((c, i) => (rightAligned.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd()
  return [line(header), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)].join('\n')
}

export function formatCatalog(): string {
  const parts: string[] = ['Workloads', '']
  for (const w of WORKLOADS) {
    parts.push(`  ${w.id} (${w.kind}) — ${w.explanation}`)
    for (const p of w.params) {
      parts.push(`      ${p.name.padEnd(12)} ${String(p.default).padStart(10)} ${p.unit.padEnd(10)} ${p.min}…${p.max}  ${p.description}`)
    }
  }
  parts.push('', 'Strategies', '')
  for (const s of STRATEGIES) parts.push(`  ${s.id.padEnd(12)} ${s.takesWorkers ? 'W workers ' : '1 worker  '} ${s.explanation}`)
  return parts.join('\n')
}

function speedupCell(g: GroupStats): string {
  return g.speedup === null ? '—' : `${g.speedup.toFixed(2)}×`
}

export function formatRun(run: Run): string {
  const workload = findWorkload(run.config.workload)
  const params = workload ? resolveParams(workload, run.config.params) : run.config.params
  const paramText = Object.entries(params)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ')
  const { machine, config } = run
  const lines = [
    `${config.workload} (${paramText}) · ${config.repetitions} repetition${config.repetitions === 1 ? '' : 's'}, ${config.warmups} warm-up${config.warmups === 1 ? '' : 's'}, chunk ${config.chunkSize}`,
    `${machine.cpuModel} · ${machine.logicalCores} logical cores · ${machine.os} · Node ${machine.node}`,
    '',
  ]
  const rows = run.stats.map((g) => [
    g.strategy,
    String(g.workers),
    `${formatMs(g.meanMs)} ± ${formatMs(g.stdevMs)}`,
    `${formatMs(g.minMs)} … ${formatMs(g.maxMs)}`,
    formatMs(g.cpuMs),
    `${(g.cpuUtilisation * 100).toFixed(0)}%`,
    speedupCell(g),
    g.efficiency === null ? '—' : `${(g.efficiency * 100).toFixed(0)}%`,
    [g.checksumOk ? '' : 'checksum ✗', g.noisy ? 'noisy (σ/mean > 10%)' : ''].filter(Boolean).join(', '),
  ])
  if (rows.length > 0) {
    lines.push(
      table(
        ['strategy', 'workers', 'mean ± σ', 'min … max', 'CPU time', 'CPU use', 'speedup', 'efficiency', 'notes'],
        rows,
        new Set([1, 2, 3, 4, 5, 6, 7]),
      ),
    )
  } else {
    lines.push('No trial finished.')
  }
  lines.push('')
  if (!run.stats.some((g) => g.strategy === 'sequential')) lines.push('Speedups need the sequential strategy in the run.')
  if (run.checksum !== null) {
    lines.push(
      run.errors.some((e) => e.includes('checksum mismatch'))
        ? `checksum ${run.checksum} — strategies DISAGREE`
        : `checksum ${run.checksum} (every trial agrees)`,
    )
  }
  if (run.status === 'stopped') lines.push('Stopped before the end: results cover the trials that finished.')
  return lines.join('\n')
}
