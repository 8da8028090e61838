// Runs the race lab: each variant × interpreter × trial as one child process of its own (the
// built node-race entry, or src/workers/python/contention.py), which starts the W workers behind
// a barrier, joins them and prints one result line. Children are SpawnedChild: a process group
// each, swept on exit, and every one the registry holds is stopped before runContention returns.
import { dirname, join } from 'node:path'
import {
  contentionChecksum,
  contentionConfigSchema,
  contentionReportSchema,
  findContentionVariant,
  syncOf,
  type ContentionConfig,
  type ContentionRunResult,
  type ContentionTrial,
  type ContentionVariantSpec,
} from '../../../shared/contention'
import { ChildRegistry } from '../children'
import { defaultPythonRunner } from '../children/python'
import { SpawnedChild } from '../children/spawned'
import { chooseInterpreter, discoverInterpreters, type PythonInterpreter } from '../python/interpreters'
import { nodeCommand } from '../c10k/servers'

const STOP_TIMEOUT_MS = 2000
/** A trial that has not reported after this long is killed and fails (a hung worker, a deadlock). */
const TRIAL_TIMEOUT_MS = 120_000

export interface ContentionEntries {
  /** The built Node race program (out/main/contention-node.js). */
  nodeRace: string
  /** src/workers/python/contention.py. */
  pythonRace?: string
}

export function defaultPythonRace(): string {
  return join(dirname(defaultPythonRunner(import.meta.url)), 'contention.py')
}

export interface ContentionRunOptions {
  entries: ContentionEntries
  registry?: ChildRegistry
  onTrial?(trial: ContentionTrial): void
  /** Called before each trial starts: for progress lines and for tests that look at the children. */
  onTrialStart?(info: { variant: string; trial: number; pid: number | undefined }): void
  signal?: AbortSignal
}

/** The trials, and the variants that could not run with the reason (no interpreter of that kind here). */
export type ContentionResult = Pick<ContentionRunResult, 'config' | 'trials' | 'skipped'>

/** One trial of one variant: spawn its program, read its one line, check it. */
export async function runContentionTrial(args: {
  variant: ContentionVariantSpec
  workers: number
  increments: number
  trial: number
  python?: PythonInterpreter
  entries: ContentionEntries
  registry: ChildRegistry
  onStart?: (pid: number | undefined) => void
  signal?: AbortSignal
}): Promise<ContentionTrial> {
  const { variant, workers, increments, entries, registry } = args
  const input = JSON.stringify({ variant: variant.id, workers, increments })
  const command =
    variant.runtime === 'node'
      ? nodeCommand(entries.nodeRace, [input])
      : {
          command: args.python?.executable ?? 'python3',
          args: [entries.pythonRace ?? defaultPythonRace(), input],
          env: {},
        }
  const child = new SpawnedChild(registry, { ...command, label: `the race program ${variant.id}` })
  args.onStart?.(child.pid)
  const line = await new Promise<unknown>((resolve, reject) => {
    let report: unknown = null
    child.onLine((l) => {
      if ((l as { type?: unknown }).type === 'result') report = l
    })
    const deadline = setTimeout(() => void child.stop(STOP_TIMEOUT_MS), TRIAL_TIMEOUT_MS)
    const stop = (): void => void child.stop(STOP_TIMEOUT_MS)
    args.signal?.addEventListener('abort', stop, { once: true })
    child.onExit((info) => {
      clearTimeout(deadline)
      args.signal?.removeEventListener('abort', stop)
      if (args.signal?.aborted) reject(new Error(`the race run was stopped (${variant.id}, trial ${args.trial})`))
      else if (report !== null && info.code === 0) resolve(report)
      else reject(new Error(child.describe(info, 'before it reported')))
    })
  })
  const parsed = contentionReportSchema.safeParse(line)
  if (!parsed.success) throw new Error(`the race program ${variant.id} printed a result that does not fit its schema`)
  const report = parsed.data
  // The checksum rule (src/shared/contention.ts): what was asked, N = W × T, must come back; the
  // count the counter reached is reported as got/lost, never folded into the checksum.
  const checksum = contentionChecksum(workers, increments)
  if (report.variant !== variant.id || contentionChecksum(report.expected, 1) !== checksum)
    throw new Error(
      `the race program ${variant.id} ran ${report.expected} increments, not the ${workers * increments} asked`,
    )
  return {
    variant: variant.id,
    trial: args.trial,
    runtime: report.runtime,
    version: report.version,
    sync: syncOf(variant, report.version),
    workers,
    increments,
    expected: report.expected,
    got: report.got,
    lost: report.expected - report.got,
    wallMs: report.wallMs,
    waitMs: report.waitMs,
    checksum,
  }
}

/**
 * The Python interpreters of a config: the ones it names, else the default one. For the
 * "Python 3.10 hid the race" experiment, `across310` picks one before 3.10 and one from 3.10 on,
 * or says why it cannot.
 */
export async function contentionPythons(
  names: readonly string[] | undefined,
  across310 = false,
): Promise<PythonInterpreter[] | string> {
  if (names) return Promise.all(names.map((n) => chooseInterpreter(n)))
  if (!across310) return [await chooseInterpreter(undefined)]
  const found = (await discoverInterpreters()).filter((p) => !p.unavailable && !p.freeThreaded)
  const before = found.filter((p) => p.versionInfo[0] === 3 && p.versionInfo[1] < 10)
  const after = found.filter((p) => p.versionInfo[0] === 3 && p.versionInfo[1] >= 10)
  const newest = (list: PythonInterpreter[]) =>
    list.reduce((a, b) => (b.versionInfo[1] > a.versionInfo[1] ? b : a), list[0]!)
  if (before.length === 0)
    return `no Python before 3.10 is installed here (found ${found.map((p) => p.version).join(', ') || 'none'}), so there is nothing to compare 3.10+ with`
  if (after.length === 0) return 'no Python 3.10 or later is installed here'
  // The newest of each side: 3.9 against the default 3.11 where both are there.
  const preferred = after.find((p) => p.versionInfo[1] === 11) ?? newest(after)
  return [newest(before), preferred]
}

/** Runs every variant × interpreter × trial in turn (one at a time: they must not share the cores). */
export async function runContention(
  input: ContentionConfig,
  options: ContentionRunOptions & { across310?: boolean },
): Promise<ContentionResult> {
  const config = contentionConfigSchema.parse(input)
  const registry = options.registry ?? new ChildRegistry()
  const trials: ContentionTrial[] = []
  const skipped: ContentionResult['skipped'] = []
  let pythons: PythonInterpreter[] | string | null = null
  try {
    for (const id of config.variants) {
      const variant = findContentionVariant(id)!
      let on: Array<PythonInterpreter | undefined> = [undefined]
      if (variant.runtime === 'python') {
        pythons ??= await contentionPythons(config.pythons, options.across310).catch((e: unknown) =>
          e instanceof Error ? e.message : String(e),
        )
        if (typeof pythons === 'string') {
          skipped.push({ variant: id, reason: pythons })
          continue
        }
        on = pythons
      }
      for (const python of on) {
        for (let trial = 1; trial <= config.trials; trial++) {
          if (options.signal?.aborted) throw new Error('the race run was stopped')
          const result = await runContentionTrial({
            variant,
            workers: config.workers,
            increments: config.increments ?? variant.increments,
            trial,
            ...(python ? { python } : {}),
            entries: options.entries,
            registry,
            onStart: (pid) => options.onTrialStart?.({ variant: id, trial, pid }),
            ...(options.signal ? { signal: options.signal } : {}),
          })
          trials.push(result)
          options.onTrial?.(result)
        }
      }
    }
  } finally {
    await registry.stopAll(STOP_TIMEOUT_MS)
  }
  return { config, trials, skipped }
}
