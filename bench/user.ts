// Your own code (issue 11), measured against peers in the same run.
// userOverhead: a user function called through the lab (workload `user`, py-threads and
// py-processes, 2 workers) against the same function from the same file mapped by a plain
// ThreadPoolExecutor / ProcessPoolExecutor script (bench/plain_pool.py) on the same interpreter,
// for tasks of 20 ms (a wait) and 17-20 ms (zlib). Goal: lab ÷ plain ≤ 1.05.
// tuner: trials `tune`'s search spends to find py-threads' best worker count for 200 tasks of a
// 50 ms wait, against an exhaustive sweep of 1 … 256, and whether both name the same knee.
// Goal: ≤ 25% of the sweep's trials, same answer.
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import type { RunConfigInput } from '../src/shared/schemas'
import { summarise } from '../src/shared/stats'
import { KNEE_SHARE, tuneWorkers } from '../src/shared/tune'
import { benchHost, runToEnd, say } from './support'

const exec = promisify(execFile)
const WORK = fileURLToPath(new URL('./user_work.py', import.meta.url))
const PLAIN = fileURLToPath(new URL('./plain_pool.py', import.meta.url))
const median = (xs: readonly number[]): number => summarise(xs).median

const OVERHEAD_GOAL = 1.05
const TASKS = 48
const ROUNDS = 5
const REPS_PER_ROUND = 3
const PAIRS = [
  ['py-threads', 'threads'],
  ['py-processes', 'processes'],
] as const

export async function userOverhead(): Promise<unknown> {
  const rows = []
  for (const fn of ['wait20', 'squeeze']) {
    const config: RunConfigInput = {
      workload: 'user',
      userScript: { path: WORK, function: fn, inputs: { range: TASKS } },
      strategies: ['py-threads', 'py-processes'],
      workers: [2],
      repetitions: REPS_PER_ROUND,
      warmups: 1,
    }
    // Lab and plain script take turns, round after round, so load from other programs falls on both.
    const lab: Record<string, number[]> = { 'py-threads': [], 'py-processes': [] }
    const plain: Record<string, number[]> = { 'py-threads': [], 'py-processes': [] }
    for (let round = 0; round < ROUNDS; round++) {
      const run = await runToEnd(config)
      const python = run.python?.executable
      if (!python) throw new Error('the user-code run recorded no Python interpreter')
      for (const [strategy, mode] of PAIRS) {
        lab[strategy]!.push(...run.trials.filter((t) => t.strategy === strategy && !t.warmup).map((t) => t.wallMs))
        const { stdout } = await exec(python, [PLAIN, WORK, fn, mode, '2', String(TASKS), String(REPS_PER_ROUND)], {
          timeout: 300_000,
        })
        plain[strategy]!.push(...(JSON.parse(stdout) as { wallMs: number[] }).wallMs)
      }
    }
    for (const [strategy, mode] of PAIRS) {
      const labMs = median(lab[strategy]!)
      const plainMs = median(plain[strategy]!)
      const ratio = labMs / plainMs
      say(
        `user code ${fn} (${((plainMs * 2) / TASKS).toFixed(1)} ms a task) on ${strategy}: lab ${labMs.toFixed(1)} ms, plain ${mode} pool ${plainMs.toFixed(1)} ms for ${TASKS} tasks (medians of ${lab[strategy]!.length} trials each, in ${ROUNDS} alternating rounds): ${ratio.toFixed(3)}× (goal ≤ ${OVERHEAD_GOAL})`,
      )
      rows.push({ function: fn, strategy, labMs, plainMs, ratio, goalMet: ratio <= OVERHEAD_GOAL })
    }
  }
  return rows
}

const TUNE_TASKS = 200
const TUNE_REPS = 3
const MAX_WORKERS = 256

export async function tuner(): Promise<unknown> {
  const base: RunConfigInput = {
    workload: 'user',
    userScript: { path: WORK, function: 'wait50', inputs: { range: TUNE_TASKS } },
    strategies: ['py-threads'],
    repetitions: TUNE_REPS,
    warmups: 0,
    allowManyWorkers: true,
  }
  // The search, as `concurrency-lab tune` runs it: one run per worker count tried.
  const host = benchHost()
  let searchTrials = 0
  let result
  try {
    result = await tuneWorkers({
      maxWorkers: MAX_WORKERS,
      takesWorkers: true,
      outOfBudget: () => false,
      measure: async (workers) => {
        const r = await host.waitForRun(await host.startRun({ ...base, workers: [workers] }))
        if (r.errors.length > 0) throw new Error(r.errors[0])
        const walls = r.trials.filter((t) => !t.warmup).map((t) => t.wallMs)
        searchTrials += walls.length
        return walls
      },
    })
  } finally {
    await host.shutdown()
  }
  if (!result.knee || !result.best) throw new Error(`the search found nothing: ${result.error ?? result.ended}`)
  say(
    `tuner: ${result.points.length} worker counts tried (${result.points.map((p) => p.workers).join(', ')}), ${searchTrials} trials; best ${result.best.workers}, knee ${result.knee.workers}`,
  )
  // The exhaustive sweep: every count 1 … 256, the same repetitions.
  const all = Array.from({ length: MAX_WORKERS }, (_, i) => i + 1)
  const sweep = await runToEnd({ ...base, workers: all })
  const byWorkers = all.map((w) => ({
    workers: w,
    summary: summarise(sweep.trials.filter((t) => t.workers === w && !t.warmup).map((t) => t.wallMs)),
  }))
  const sweepTrials = sweep.trials.filter((t) => !t.warmup).length
  const best = byWorkers.reduce((a, b) => (b.summary.mean < a.summary.mean ? b : a))
  const knee = byWorkers.find((p) => p.summary.mean <= best.summary.mean * (1 + KNEE_SHARE))!
  // The same answer: the search's knee is as fast as the sweep's best by the knee's own rule.
  const tunedMean = byWorkers[result.knee.workers - 1]!.summary.mean
  const agree = tunedMean <= best.summary.mean * (1 + KNEE_SHARE)
  const share = searchTrials / sweepTrials
  say(
    `tuner: exhaustive sweep ${sweepTrials} trials, best ${best.workers} (${best.summary.mean.toFixed(1)} ms), knee ${knee.workers}; search ${searchTrials} trials = ${(share * 100).toFixed(1)}% of the sweep (goal ≤ 25%); its knee ${result.knee.workers} runs in ${tunedMean.toFixed(1)} ms in the sweep: ${agree ? 'same answer' : 'a different answer'}`,
  )
  return {
    searchTrials,
    sweepTrials,
    share,
    search: { best: result.best.workers, knee: result.knee.workers, tried: result.points.map((p) => p.workers) },
    sweep: { best: best.workers, knee: knee.workers, bestMs: best.summary.mean },
    agree,
    goalMet: share <= 0.25 && agree,
  }
}
