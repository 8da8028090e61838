// Exports of one run: JSON (the run as the lab holds it), CSV (one row per trial) and a Markdown
// report in the manner of hyperfine's --export-markdown, with the analysis's verdict in plain words.
import { findStrategy, findWorkload, resolveParams } from './catalog'
import { describeCluster, formatRatio, timeRatio } from './compare'
import type { Run } from './schemas'
import { describeMachine, type Session } from './session'
import { runningSentences } from './analysis/running'
import { verdict } from './analysis/verdict'
import { describeUserScript } from './user-script'

export const EXPORT_FORMATS = ['json', 'csv', 'md'] as const
export type ExportFormat = (typeof EXPORT_FORMATS)[number]

/** The run as pretty-printed JSON (config, trials with timelines, samples, stats, machine). */
export function exportRunJson(run: Run): string {
  return `${JSON.stringify(run, null, 2)}\n`
}

export const CSV_COLUMNS = [
  'run_id',
  'workload',
  'strategy',
  'runtime',
  'workers',
  'repetition',
  'warmup',
  'start_us',
  'wall_ms',
  'cpu_ms',
  'peak_rss_bytes',
  'tasks',
  'checksum',
  'error',
] as const

/** A CSV field (RFC 4180): quoted when it holds a comma, quote or line break. */
export function csvField(value: string | number | boolean | null): string {
  const text = value === null ? '' : String(value)
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/** One row per trial (warm-ups included and marked); repetitions count from 1. */
export function exportRunCsv(run: Run): string {
  const rows = run.trials.map((t) =>
    [
      run.id,
      run.config.workload,
      t.strategy,
      findStrategy(t.strategy)?.runtime ?? '',
      t.workers,
      t.repetition + 1,
      t.warmup,
      t.start,
      t.wallMs,
      t.cpuMs,
      t.peakRssBytes,
      t.timeline.length,
      t.checksum,
      t.error,
    ]
      .map(csvField)
      .join(','),
  )
  return `${[CSV_COLUMNS.join(','), ...rows].join('\r\n')}\r\n`
}

const mdCell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')

/** A Markdown report: configuration, machine, results table (hyperfine's columns) and verdict. */
export function exportRunMarkdown(run: Run, session?: Pick<Session, 'name'>): string {
  const { config, machine } = run
  const workload = findWorkload(config.workload)
  const params = workload ? resolveParams(workload, config.params) : config.params
  const paramText = Object.entries(params)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ')
  const lines: string[] = [
    `# ${mdCell(workload?.title ?? config.workload)} — ${run.startedAt.slice(0, 16).replace('T', ' ')} UTC`,
    '',
  ]
  if (session) lines.push(`Session: ${mdCell(session.name)} · run ${run.id} · ${run.status}`, '')
  else lines.push(`Run ${run.id} · ${run.status}`, '')

  lines.push('## Configuration', '', '| Setting | Value |', '|:---|:---|')
  lines.push(
    config.userScript
      ? `| Workload | ${mdCell(describeUserScript(config.userScript))} |`
      : `| Workload | \`${config.workload}\` (${mdCell(paramText)}) |`,
  )
  lines.push(`| Strategies | ${config.strategies.map((s) => `\`${s}\``).join(', ')} |`)
  lines.push(`| Worker counts | ${config.workers.join(', ')} |`)
  lines.push(`| Repetitions | ${config.repetitions} measured, ${config.warmups} warm-up |`)
  lines.push(`| Chunk size | ${config.chunkSize} task${config.chunkSize === 1 ? '' : 's'} per message |`)
  lines.push(`| Sampler | ${config.samplerHz} Hz |`)
  if (run.python)
    lines.push(
      `| Python | ${mdCell(run.python.version)} (${run.python.freeThreaded ? 'free-threaded' : 'GIL on'}, switch interval ${run.python.switchIntervalMs} ms) |`,
    )
  lines.push('')

  lines.push('## Machine', '', '| | |', '|:---|:---|')
  lines.push(`| CPU | ${mdCell(describeMachine(machine))} |`)
  lines.push(`| Memory | ${(machine.memoryBytes / 1024 ** 3).toFixed(1)} GiB |`)
  lines.push(`| OS | ${mdCell(machine.os)} |`)
  lines.push(`| Node | ${machine.node}${machine.electron ? ` · Electron ${machine.electron}` : ''} |`)
  if (machine.cpuGovernor) lines.push(`| CPU governor | ${mdCell(machine.cpuGovernor)} |`)
  if (machine.cluster) lines.push(`| Dask cluster | ${mdCell(describeCluster(machine.cluster))} |`)
  lines.push('')

  lines.push('## Results', '')
  const ok = run.stats.filter((g) => g.n > 0)
  if (ok.length === 0) {
    lines.push('No trial finished.', '')
  } else {
    const fastest = ok.reduce((f, g) => (g.meanMs < f.meanMs ? g : f))
    lines.push(
      '| Strategy | Workers | Mean [ms] | Min [ms] | Max [ms] | Speedup | Relative |',
      '|:---|---:|---:|---:|---:|---:|---:|',
    )
    for (const g of run.stats) {
      const relative = g === fastest ? '1.00' : formatRatio(timeRatio(g, fastest))
      const speedup = g.speedup === null ? '—' : `${g.speedup.toFixed(2)}×`
      lines.push(
        `| \`${g.strategy}\` | ${g.workers} | ${g.meanMs.toFixed(1)} ± ${g.stdevMs.toFixed(1)} | ${g.minMs.toFixed(1)} | ${g.maxMs.toFixed(1)} | ${speedup} | ${relative} |`,
      )
    }
    lines.push('')
    // Running against waiting, from each Python task's thread CPU time (as the app and CLI say it).
    const running = runningSentences(run)
    if (running.length > 0) lines.push(...running.map((r) => `- ${mdCell(r)}`), '')
  }
  // The verdict's own sentences, as the app shows them: the headline, then the reasons as a list.
  const { headline, reasons } = verdict(run)
  lines.push('## Verdict', '', mdCell(headline), '')
  if (reasons.length > 0) lines.push(...reasons.map((r) => `- ${mdCell(r)}`), '')
  return lines.join('\n')
}

/** The run in `format`; `session` names the report's session where there is one. */
export function exportRun(run: Run, format: ExportFormat, session?: Pick<Session, 'name'>): string {
  switch (format) {
    case 'json':
      return exportRunJson(run)
    case 'csv':
      return exportRunCsv(run)
    case 'md':
      return exportRunMarkdown(run, session)
  }
}
