// `concurrency-lab experiment NAME`: the guided experiments of the race lab
// (CONTENTION_EXPERIMENTS, src/shared/contention.ts); `experiment --list` names them.
import { fileURLToPath } from 'node:url'
import type { Command } from 'commander'
import {
  CONTENTION_EXPERIMENTS,
  CONTENTION_LIMITS,
  contentionConfigSchema,
  contentionNotes,
  findContentionExperiment,
  findContentionVariant,
  lostText,
  nsPerIncrement,
  type ContentionConfig,
  type ContentionExperiment,
  type ContentionTrial,
} from '../../shared/contention'
import { PRESETS, type ExperimentPreset } from '../../shared/menu'
import { runContention, type ContentionResult } from '../lab/contention/run'
import { numberOption, UsageError, type RunOptions } from './config'
import { onStopSignals } from './signals'

export interface ExperimentOptions {
  list?: boolean
  trials?: string
  workers?: string
  increments?: string
  python?: string
  json?: boolean
}

/** The experiment and the config its options describe; a bad option is a UsageError naming it. */
export function experimentSettings(
  name: string | undefined,
  options: ExperimentOptions,
): { experiment: ContentionExperiment; config: ContentionConfig } | null {
  if (options.list) return null
  if (name === undefined) throw new UsageError('experiment needs a NAME (see `experiment --list`)')
  const experiment = findContentionExperiment(name)
  if (!experiment)
    throw new UsageError(
      `no experiment is called ${JSON.stringify(name.slice(0, 100))} (one of ${[...CONTENTION_EXPERIMENTS, ...RUN_EXPERIMENTS].map((e) => e.id).join(', ')})`,
    )
  const n = (text: string | undefined, field: string, limits: { min: number; max: number }) =>
    text === undefined ? undefined : numberOption(text, { field, min: limits.min, max: limits.max, integer: true })
  const pythons = options.python?.split(',').map((p) => p.trim())
  if (pythons && pythons.length > CONTENTION_LIMITS.pythons)
    throw new UsageError(`--python takes at most ${CONTENTION_LIMITS.pythons} interpreters`)
  const increments = n(options.increments, '--increments', CONTENTION_LIMITS.increments)
  const config = contentionConfigSchema.parse({
    variants: experiment.variants,
    workers: n(options.workers, '--workers', CONTENTION_LIMITS.workers) ?? experiment.workers,
    trials: n(options.trials, '--trials', CONTENTION_LIMITS.trials) ?? experiment.trials,
    ...(increments !== undefined ? { increments } : {}),
    ...(pythons ? { pythons } : {}),
  })
  return { experiment, config }
}

/** Guided experiments that are ordinary runs (the Experiments menu's), run by `experiment NAME` as `run` would. */
export const RUN_EXPERIMENTS: readonly ExperimentPreset[] = PRESETS

export function formatExperimentList(): string {
  return [...CONTENTION_EXPERIMENTS, ...RUN_EXPERIMENTS]
    .map((e) => `${e.id.padEnd(26)} ${e.title}\n${' '.repeat(27)}${e.lesson}`)
    .join('\n')
}

/**
 * The `run` options of a guided experiment that is an ordinary run, or null for a race-lab one.
 * --python and --json carry over; the race lab's own options are refused, naming the experiment.
 */
export function presetRunOptions(name: string | undefined, options: ExperimentOptions): RunOptions | null {
  const preset = RUN_EXPERIMENTS.find((p) => p.id === name)
  if (!preset || options.list) return null
  for (const [option, value] of [
    ['--trials', options.trials],
    ['--workers', options.workers],
    ['--increments', options.increments],
  ] as const)
    if (value !== undefined)
      throw new UsageError(`${option} is an option of the race lab's experiments, not of ${preset.id}`)
  return {
    workload: preset.workload,
    strategies: preset.strategies.join(','),
    workers: preset.workers.join(','),
    repeat: String(preset.repetitions),
    warmup: '1',
    param: Object.fromEntries(Object.entries(preset.params).map(([k, v]) => [k, String(v)])),
    chunk: String(preset.chunkSize ?? 1),
    timeout: '120000',
    samplerHz: '10',
    ...(options.python !== undefined ? { python: options.python } : {}),
    ...(preset.switchIntervalMs !== undefined ? { switchInterval: String(preset.switchIntervalMs) } : {}),
    ...(options.json ? { json: true } : {}),
    dataDir: '',
    autosave: false,
    progress: !options.json,
    heartbeat: preset.heartbeat === true,
  }
}

const fixed = (v: number, digits = 0): string =>
  v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })

/** The table of trials, then the notes: the same sentences the page prints. */
export function formatContention(experiment: ContentionExperiment, result: ContentionResult): string {
  const head = ['variant', 'runtime', 'kind', '#', 'result', 'time', 'ns/increment', 'lock wait']
  const rows = result.trials.map((t: ContentionTrial) => [
    findContentionVariant(t.variant)!.title,
    t.runtime,
    t.sync,
    String(t.trial),
    lostText(t),
    `${fixed(t.wallMs, 1)} ms`,
    fixed(nsPerIncrement(t), 1),
    t.waitMs === null ? '—' : `${fixed(t.waitMs, 1)} ms`,
  ])
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd()
  return [
    `${experiment.title} — ${result.config.workers} workers, ${result.config.trials} trials each`,
    experiment.lesson,
    '',
    line(head),
    ...rows.map(line),
    '',
    ...contentionNotes(result.trials).map((n) => `* ${n}`),
    ...result.skipped.map((s) => `* ${findContentionVariant(s.variant)?.title ?? s.variant}: not run — ${s.reason}`),
  ].join('\n')
}

export async function experimentCommand(name: string | undefined, options: ExperimentOptions): Promise<number> {
  const settings = experimentSettings(name, options)
  if (!settings) {
    process.stdout.write(
      options.json
        ? `${JSON.stringify([...CONTENTION_EXPERIMENTS, ...RUN_EXPERIMENTS], null, 2)}\n`
        : `${formatExperimentList()}\n`,
    )
    return 0
  }
  const { experiment, config } = settings
  const abort = new AbortController()
  const onSigint = (): void => {
    if (abort.signal.aborted) return
    process.stderr.write('Stopping: ending the race program and its workers…\n')
    abort.abort()
  }
  const stopListening = onStopSignals(onSigint)
  let result: ContentionResult
  try {
    result = await runContention(config, {
      entries: { nodeRace: fileURLToPath(new URL('./contention-node.js', import.meta.url)) },
      signal: abort.signal,
      ...(experiment.pythonsAcross310 ? { across310: true } : {}),
      onTrial: (t) =>
        options.json
          ? undefined
          : process.stderr.write(`${t.variant} (${t.runtime}) trial ${t.trial}: ${lostText(t)}\n`),
    })
  } catch (error) {
    if (abort.signal.aborted) return 130
    throw error
  } finally {
    stopListening()
  }
  process.stdout.write(
    options.json
      ? `${JSON.stringify({ experiment, ...result, notes: contentionNotes(result.trials) }, null, 2)}\n`
      : `${formatContention(experiment, result)}\n`,
  )
  // A synchronised variant that lost an update is a failure of the lab (exit 1).
  return result.trials.some((t) => t.sync === 'exact' && t.lost !== 0) ? 1 : 0
}

/** Adds `experiment`; the handler runs it or only checks its options. */
export function addExperimentCommand(
  program: Command,
  handler: (name: string | undefined, options: ExperimentOptions) => void | Promise<void>,
): void {
  program
    .command('experiment')
    .description(
      'run a guided experiment: the race lab (lost updates, Python 3.10, the cost of locks) or a run of the Experiments menu (cooperative scheduling, the GIL on the timeline…)',
    )
    .argument('[name]', 'the experiment (see --list)')
    .option('--list', 'list the experiments and their lessons')
    .option('--trials <n>', 'trials of each variant (default: the experiment’s)')
    .option('--workers <n>', 'workers sharing the counter (default: the experiment’s)')
    .option('--increments <n>', 'increments per worker for every variant (default: each variant’s own)')
    .option('--python <list>', 'comma-separated interpreters (ids or paths) for the Python variants')
    .option('--json', 'print the trials as JSON')
    .action((name: string | undefined, options: ExperimentOptions) => handler(name, options))
}
