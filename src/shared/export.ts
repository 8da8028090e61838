// Exports of one run: JSON (the run as the lab holds it), CSV (one row per trial) and a Markdown
// report in the manner of hyperfine's --export-markdown, with a verdict in plain words.
import { findStrategy, findWorkload, resolveParams } from './catalog'
import { backgroundLoadWarning, formatDuration } from './format'
import { formatRatio, timeRatio } from './compare'
import type { GroupStats, Run } from './schemas'
import { describeMachine, type Session } from './session'
import { BASELINE_STRATEGY } from './stats'

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

const label = (g: Pick<GroupStats, 'strategy' | 'workers'>): string =>
  findStrategy(g.strategy)?.takesWorkers === false ? g.strategy : `${g.strategy} × ${g.workers}`

const mdCell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')

/** The verdict of a run in plain sentences: the fastest, its speedup, and any reason for doubt. */
export function verdict(run: Run): string[] {
  const out: string[] = []
  const ok = run.stats.filter((g) => g.n > 0)
  if (ok.length === 0) {
    out.push('No trial finished, so there is nothing to compare.')
  } else {
    const sorted = [...ok].sort((x, y) => x.meanMs - y.meanMs)
    const fastest = sorted[0]!
    out.push(
      `${label(fastest)} was the fastest, at ${formatDuration(fastest.meanMs)} ± ${formatDuration(fastest.stdevMs)} on average.`,
    )
    const runtime = findStrategy(fastest.strategy)?.runtime ?? 'node'
    const baseline = ok.find((g) => g.strategy === BASELINE_STRATEGY[runtime])
    if (baseline && baseline !== fastest) {
      const r = timeRatio(baseline, fastest)
      const eff =
        fastest.efficiency === null
          ? ''
          : `, a parallel efficiency of ${(fastest.efficiency * 100).toFixed(0)}% on ${fastest.workers} worker${fastest.workers === 1 ? '' : 's'}`
      out.push(`It ran ${formatRatio(r)} times faster than ${label(baseline)}${eff}.`)
    } else if (baseline === fastest && sorted.length > 1) {
      out.push(
        `No concurrent strategy beat running the tasks one after another here: the work is too small, too short, or serialised.`,
      )
    }
    if (sorted.length > 1) {
      const slowest = sorted[sorted.length - 1]!
      out.push(
        `${label(slowest)} was the slowest, ${formatRatio(timeRatio(slowest, fastest))} times slower than the fastest.`,
      )
    }
    const noisy = ok.filter((g) => g.noisy)
    if (noisy.length > 0) {
      out.push(
        `Noisy: ${noisy.map(label).join(', ')} varied by more than 10% between repetitions; rerun with more repetitions on a quieter machine before trusting small differences.`,
      )
    }
    const load = backgroundLoadWarning(ok)
    if (load) out.push(load)
  }
  if (run.stats.some((g) => !g.checksumOk) || run.errors.some((e) => e.includes('checksum mismatch'))) {
    out.push('The strategies did not all compute the same result (checksum mismatch): a race condition or a bug.')
  }
  const failed = run.trials.filter((t) => t.error !== null).length
  if (failed > 0)
    out.push(
      `${failed} trial${failed === 1 ? '' : 's'} failed and ${failed === 1 ? 'is' : 'are'} left out of the statistics.`,
    )
  if (run.status === 'stopped')
    out.push('The run was stopped before the end: the results cover the trials that finished.')
  if (run.status === 'failed') out.push('The run failed before the end.')
  return out
}

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
  lines.push(`| Workload | \`${config.workload}\` (${mdCell(paramText)}) |`)
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
  }
  lines.push('## Verdict', '', ...verdict(run).map(mdCell), '')
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
