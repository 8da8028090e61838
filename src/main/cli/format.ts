// Plain-text rendering of runs for the terminal: a results table in the manner of hyperfine, then
// the verdict's sentences from src/shared/analysis (the same the app and the Markdown report show).
import { formatDuration } from '../../shared/format'
import { findWorkload, resolveParams, STRATEGIES, WORKLOADS } from '../../shared/catalog'
import { busyCores, formatBusyCores } from '../../shared/analysis/busy'
import { formatCpuMs, formatMeanSpread, formatUtilisation, repetitionsShort } from '../../shared/analysis/format'
import { describeUserScript } from '../../shared/user-script'
import { HEARTBEAT_LESSON, heartbeatGroups, heartbeatText } from '../../shared/heartbeat'
import { verdict, verdictSentences } from '../../shared/analysis/verdict'
import { runningSentences } from '../../shared/analysis/running'
import type { Catalog } from '../../shared/api'
import type { GroupStats, Run } from '../../shared/schemas'
import { describeCluster, formatRatio, type ComparisonRow, type RunComparison } from '../../shared/compare'
import { describeMachine, type Session, type SessionSummary } from '../../shared/session'

/** The CLI's name for the shared duration format. */
export const formatMs = formatDuration

/** Columns padded to their widest cell, a rule under the header. */
export function table(header: string[], rows: string[][], rightAligned: Set<number>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (rightAligned.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd()
  return [line(header), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)].join('\n')
}

/** Workloads and strategies; with the lab's catalog, also the runtimes found and what is unavailable. */
export function formatCatalog(catalog?: Pick<Catalog, 'strategies' | 'runtimes'>): string {
  const parts: string[] = ['Workloads', '']
  for (const w of WORKLOADS) {
    parts.push(`  ${w.id} (${w.kind}) — ${w.explanation}`)
    for (const p of w.params) {
      parts.push(
        `      ${p.name.padEnd(12)} ${String(p.default).padStart(10)} ${p.unit.padEnd(10)} ${p.min}…${p.max}  ${p.description}`,
      )
    }
  }
  parts.push('', 'Strategies', '')
  const strategies = catalog?.strategies ?? STRATEGIES
  // One id column for both lists, as wide as the longest id (py-asyncio-uvloop).
  const idWidth = Math.max(
    16,
    ...strategies.map((s) => s.id.length),
    ...(catalog?.runtimes ?? []).map((r) => r.id.length),
  )
  for (const s of strategies) {
    const note = s.unavailable ? ` (unavailable: ${s.unavailable})` : ''
    parts.push(`  ${s.id.padEnd(idWidth)} ${s.takesWorkers ? 'W workers ' : '1 worker  '} ${s.explanation}${note}`)
  }
  if (catalog) {
    parts.push('', 'Runtimes', '')
    for (const r of catalog.runtimes) {
      const modules = (r.capabilities ?? []).filter((c) => c !== 'free-threaded')
      const facts = [
        r.kind === 'python' ? (r.freeThreaded ? `free-threaded, GIL ${r.gil ? 'on' : 'off'}` : 'GIL on') : '',
        modules.length ? `has ${modules.join(', ')}` : '',
        r.default ? 'default for py-* strategies' : '',
        r.unavailable ? `unavailable: ${r.unavailable}` : '',
      ].filter(Boolean)
      parts.push(
        `  ${r.id.padEnd(idWidth)} ${r.version.padEnd(10)} ${r.executable}${facts.length ? ` (${facts.join('; ')})` : ''}`,
      )
    }
  }
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
    `${config.userScript ? describeUserScript(config.userScript) : `${config.workload} (${paramText})`} · ${config.repetitions} repetition${config.repetitions === 1 ? '' : 's'}, ${config.warmups} warm-up${config.warmups === 1 ? '' : 's'}, chunk ${config.chunkSize}`,
    `${machine.cpuModel} · ${machine.logicalCores} logical cores · ${machine.os} · Node ${machine.node}`,
  ]
  if (run.python) {
    const p = run.python
    const gil = p.freeThreaded ? 'free-threaded' : 'GIL on'
    lines.push(`Python ${p.version} (${gil}, switch interval ${p.switchIntervalMs} ms) · ${p.executable}`)
  }
  if (run.machine.cluster)
    lines.push(
      // "Dask cluster at tcp://…: 2 workers…" or "Dask cluster, local: 2 workers…"
      `Dask cluster${run.machine.cluster.kind === 'local' ? ',' : ''} ${describeCluster(run.machine.cluster)}`,
    )
  if (run.timelineThinned) {
    const t = run.timelineThinned
    lines.push(
      `timelines thinned to fit the session file: every ${t.keepEvery}th task slice kept (${t.kept} of ${t.slices}); statistics are whole`,
    )
  }
  lines.push('')
  const rows = run.stats.map((g) => [
    g.strategy,
    String(g.workers),
    formatMeanSpread(g),
    `${formatMs(g.minMs)} … ${formatMs(g.maxMs)}`,
    formatCpuMs(g.cpuMs),
    formatUtilisation(g.cpuUtilisation),
    // CPU time over wall time: how many cores the strategy kept busy (the GIL holds threads near 1).
    formatBusyCores(busyCores(g)),
    speedupCell(g),
    g.efficiency === null ? '—' : `${(g.efficiency * 100).toFixed(0)}%`,
    [
      g.checksumOk ? '' : 'checksum ✗',
      g.noisy ? 'noisy (σ/mean > 10%)' : '',
      repetitionsShort(g.n, run.config.repetitions, run.status === 'running') ?? '',
    ]
      .filter(Boolean)
      .join(', '),
  ])
  if (rows.length > 0) {
    lines.push(
      table(
        [
          'strategy',
          'workers',
          'mean ± σ',
          'min … max',
          'CPU time',
          'CPU use',
          'busy cores',
          'speedup',
          'efficiency',
          'notes',
        ],
        rows,
        new Set([1, 2, 3, 4, 5, 6, 7, 8]),
      ),
      '',
    )
  }
  // Running against waiting, from each Python task's thread CPU time (the GIL on the timeline).
  const running = runningSentences(run)
  if (running.length > 0) lines.push(...running, '')
  const beats = heartbeatGroups(run.trials)
  if (beats.length > 0) {
    lines.push('Heartbeat — how late a 10 ms timer fired:')
    const width = Math.max(...beats.map((b) => `${b.strategy} × ${b.workers}`.length))
    for (const b of beats) {
      const where = b.summary.on === 'scheduler' ? 'on its scheduler' : 'beside the workers'
      lines.push(`  ${`${b.strategy} × ${b.workers}`.padEnd(width)}  ${heartbeatText(b.summary)}, ${where}`)
    }
    lines.push(HEARTBEAT_LESSON, '')
  }
  // The verdict's own sentences, as the app shows them: the headline, then one reason a line.
  lines.push(...verdictSentences(verdict(run)))
  if (run.checksum !== null) {
    lines.push(
      run.errors.some((e) => e.includes('checksum mismatch'))
        ? `checksum ${run.checksum} — strategies DISAGREE`
        : `checksum ${run.checksum} (every trial agrees)`,
    )
  }
  return lines.join('\n')
}

// ---- Sessions and comparisons ----------------------------------------------------------

/** A session: its header, then each run's table. */
export function formatSession(session: Session, source: string): string {
  const parts = [
    `${session.name} · ${session.runs.length} run${session.runs.length === 1 ? '' : 's'} · created ${session.createdAt.slice(0, 16).replace('T', ' ')} UTC, updated ${session.updatedAt.slice(0, 16).replace('T', ' ')} UTC`,
    `${source} · session ${session.id}`,
    `${describeMachine(session.machine)}${session.machine.cpuGovernor ? ` · governor ${session.machine.cpuGovernor}` : ''}`,
  ]
  if (session.notes.trim()) parts.push(`Notes: ${session.notes.trim()}`)
  session.runs.forEach((run, i) => {
    parts.push(
      '',
      `Run ${i + 1} of ${session.runs.length} · ${run.status} · started ${run.startedAt.slice(0, 19).replace('T', ' ')} UTC`,
      formatRun(run),
    )
  })
  if (session.runs.length === 0) parts.push('', 'No runs yet.')
  return parts.join('\n')
}

/** The library: one line per session. */
export function formatSessionList(sessions: readonly SessionSummary[], dir: string): string {
  if (sessions.length === 0) return `No sessions in ${dir}.`
  const rows = sessions.map((s) => [
    s.id,
    s.problem ? `(cannot open) ${s.name}` : s.name,
    s.updatedAt.slice(0, 16).replace('T', ' '),
    String(s.runs),
    s.problem ?? s.machine,
  ])
  return table(['id', 'name', 'updated (UTC)', 'runs', 'machine'], rows, new Set([3]))
}

/** A comparison of two runs: per strategy × workers, then the machines and what differs. */
export function formatComparison(
  c: RunComparison,
  a: { source: string; run: Run },
  b: { source: string; run: Run },
): string {
  const head = (label: string, x: { source: string; run: Run }): string =>
    `${label}: ${x.source} · ${x.run.config.workload} · ${x.run.status} · ${x.run.startedAt.slice(0, 16).replace('T', ' ')} UTC`
  const lines = [head(c.labels.a, a), head(c.labels.b, b), '']
  const side = (s: ComparisonRow['a']): string => (s ? `${formatMs(s.meanMs)} ± ${formatMs(s.stdevMs)}` : '—')
  const rows = c.rows.map((r) => [
    r.strategy,
    String(r.workers),
    side(r.a),
    side(r.b),
    r.ratio ? `${formatRatio(r.ratio)}×` : '—',
    r.welch ? (r.welch.p < 0.001 ? '< 0.001' : r.welch.p.toFixed(3)) : '—',
    r.verdict,
  ])
  lines.push(
    table(
      [
        'strategy',
        'workers',
        `${c.labels.a} mean ± σ`,
        `${c.labels.b} mean ± σ`,
        `${c.labels.a} ÷ ${c.labels.b}`,
        'p (Welch)',
        'verdict',
      ],
      rows,
      new Set([1, 2, 3, 4, 5]),
    ),
  )
  lines.push('', 'Machines (* where they differ)')
  lines.push(
    table(
      ['', 'field', c.labels.a, c.labels.b],
      c.machine.map((m) => [m.differs ? '*' : '', m.label, m.a, m.b]),
      new Set(),
    ),
  )
  if (c.configDifferences.length > 0) {
    lines.push('', 'Configurations differ:')
    for (const d of c.configDifferences) lines.push(`  ${d}`)
  }
  return lines.join('\n')
}
