// How busy the renderer's main thread is during a live run: 16 cores sampled at 10 Hz (a
// synthetic lab, so the figure does not depend on this machine's core count), measured with the
// Chrome DevTools Protocol's Performance metrics in the Chromium that e2e/chromium.ts finds. Prints
// figures; asserts nothing. Run with `npm run bench:ui` (it builds first when sources changed).
import { fileURLToPath } from 'node:url'
import { chromium } from '@playwright/test'
import type { Catalog, LabApi, LabEvent, LabEventListener, Session } from '../src/shared/api'
import { STRATEGIES, WORKLOADS } from '../src/shared/catalog'
import type { GroupStats, Run, RunConfigInput, TimelineSlice, Trial } from '../src/shared/schemas'
import { startLabServer } from '../src/main/server/server'
import { findChromium } from '../e2e/chromium'

const CORES = 16
const HZ = 10
const WARMUP_S = 3
const MEASURE_S = Number(process.env['BENCH_SECONDS'] ?? 20)
const TRIAL_S = 2
const TASKS_PER_TRIAL = 400

const machine = {
  cpuModel: 'synthetic 16-core CPU',
  logicalCores: CORES,
  physicalCores: 8,
  memoryBytes: 32 * 1024 ** 3,
  os: 'synthetic',
  node: process.versions.node,
}

/** A LabApi that emits what a real 16-core run would, at the sampler rate, with no real work. */
class SyntheticLab implements LabApi {
  private listeners = new Set<LabEventListener>()
  private timers: NodeJS.Timeout[] = []
  samplesSent = 0

  async catalog(): Promise<Catalog> {
    return { version: 'bench', workloads: WORKLOADS, strategies: STRATEGIES, runtimes: [], machine }
  }

  async startRun(_config: RunConfigInput): Promise<string> {
    const runId = 'synthetic'
    const t0 = Date.now()
    const now = () => (Date.now() - t0) * 1000
    const run = {
      id: runId,
      config: {
        workload: 'primes',
        params: {},
        strategies: ['sequential', 'threads'],
        workers: [16],
        repetitions: 100,
        warmups: 0,
        chunkSize: 1,
        timeoutMs: 100_000,
        samplerHz: HZ,
      },
      status: 'running',
      clockOrigin: t0 * 1000,
      startedAt: new Date(t0).toISOString(),
      endedAt: null,
      machine,
      trials: [],
      samples: [],
      stats: [],
      checksum: null,
      errors: [],
    } as unknown as Run
    this.emit({ type: 'run-start', runId, run })
    let tick = 0
    this.timers.push(
      setInterval(() => {
        tick++
        const cores = Array.from({ length: CORES }, (_, i) =>
          Math.max(0, Math.min(100, 60 + 35 * Math.sin(tick / 7 + i) + ((tick * 13 + i * 7) % 10))),
        )
        this.samplesSent++
        this.emit({ type: 'sample', runId, samples: [{ t: now(), cores, rss: 200e6 }] })
      }, 1000 / HZ),
    )
    let index = 0
    const trials: Trial[] = []
    const startTrial = (): void => {
      const strategy = index % 2 ? 'threads' : 'sequential'
      const workers = strategy === 'threads' ? 16 : 1
      const start = now()
      this.emit({
        type: 'trial-start',
        runId,
        index,
        strategy,
        workers,
        repetition: Math.floor(index / 2),
        warmup: false,
        start,
      })
      const slices: TimelineSlice[] = Array.from({ length: TASKS_PER_TRIAL }, (_, task) => {
        const lane = task % workers
        const slot = Math.floor(task / workers)
        const width = (TRIAL_S * 1e6 * workers) / TASKS_PER_TRIAL
        return { task, worker: lane, lane, start: start + slot * width, end: start + (slot + 0.9) * width }
      })
      this.emit({ type: 'tasks', runId, index, slices: slices.slice(0, TASKS_PER_TRIAL / 2) })
      const trial: Trial = {
        strategy,
        workers,
        repetition: Math.floor(index / 2),
        warmup: false,
        start,
        wallMs: TRIAL_S * 1000,
        cpuMs: 1000,
        peakRssBytes: 1,
        checksum: 1,
        timeline: slices,
        samples: [0, 0],
        error: null,
      }
      trials.push(trial)
      const stats: GroupStats[] = ['sequential', 'threads'].map((s, i) => ({
        strategy: s,
        workers: i ? 16 : 1,
        n: Math.ceil(trials.length / 2),
        meanMs: i ? 180 : 2000,
        medianMs: i ? 180 : 2000,
        stdevMs: 5,
        minMs: 170,
        maxMs: 2100,
        ci95Ms: [170, 2100],
        cpuMs: 2000,
        cpuUtilisation: i ? 0.7 : 0.06,
        speedup: i ? 11.1 : 1,
        efficiency: i ? 0.69 : 1,
        noisy: false,
        checksumOk: true,
      }))
      this.emit({ type: 'trial-end', runId, index, trial, stats })
      this.emit({ type: 'progress', runId, done: index + 1, total: 200, strategy, workers, etaMs: 100_000 })
      index++
    }
    startTrial()
    this.timers.push(setInterval(startTrial, TRIAL_S * 1000))
    return runId
  }

  async stopRun(): Promise<void> {
    this.shutdown()
  }
  async deleteRun(): Promise<Session> {
    throw new Error('synthetic lab: deleteRun is not part of this benchmark')
  }

  async restoreRun(): Promise<Session> {
    throw new Error('synthetic lab: restoreRun is not part of this benchmark')
  }

  async activeRun(): Promise<null> {
    return null
  }

  async getRun(): Promise<Run> {
    throw new Error('synthetic lab: getRun is not part of this benchmark')
  }
  async exportRun(): Promise<string> {
    return '{}'
  }
  onEvent(listener: LabEventListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
  async listSessions(): Promise<never> {
    throw new Error('synthetic lab: no sessions')
  }
  async openSession(): Promise<never> {
    throw new Error('synthetic lab: no sessions')
  }
  async saveSession(): Promise<never> {
    throw new Error('synthetic lab: no sessions')
  }
  async deleteSession(): Promise<never> {
    throw new Error('synthetic lab: no sessions')
  }
  // The rest of the session calls: the synthetic lab has no session library.
  getSession = this.noSessions
  currentSession = this.noSessions
  newSession = this.noSessions
  renameSession = this.noSessions
  setSessionNotes = this.noSessions
  restoreSession = this.noSessions
  listTrash = this.noSessions
  importSession = this.noSessions
  exportSession = this.noSessions
  inspectScript = this.noSessions
  // No C10k lab either: the bench measures the run view.
  startC10k = this.noC10k
  stopC10k = this.noC10k
  async c10kState(): Promise<null> {
    return null
  }
  private async noC10k(): Promise<never> {
    throw new Error('synthetic lab: no C10k lab')
  }
  readInputs = this.noSessions
  startTune = this.noSessions
  stopTune = this.noSessions
  runRaceExperiment = this.noSessions
  private async noSessions(): Promise<never> {
    throw new Error('synthetic lab: no sessions')
  }
  shutdown(): void {
    this.timers.forEach(clearInterval)
    this.timers = []
  }
  private emit(event: LabEvent): void {
    for (const l of this.listeners) l(event)
  }
}

const lab = new SyntheticLab()
const server = await startLabServer({ lab, rendererDir: fileURLToPath(new URL('../out/renderer', import.meta.url)) })
const browser = await chromium.launch((await findChromium()).launchOptions)
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } })
  await page.goto(server.url)
  await page.getByRole('button', { name: /^Run/ }).click()
  await page.getByTestId('cpu-sample-count').waitFor()
  await page.waitForTimeout(WARMUP_S * 1000)
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Performance.enable', { timeDomain: 'timeTicks' })
  const metrics = async (): Promise<Record<string, number>> =>
    Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]))
  const before = await metrics()
  const samplesBefore = lab.samplesSent
  await page.waitForTimeout(MEASURE_S * 1000)
  const after = await metrics()
  const samples = lab.samplesSent - samplesBefore
  const shown = Number(await page.getByTestId('cpu-sample-count').innerText())
  const wall = after['Timestamp']! - before['Timestamp']!
  const share = (name: string): number => (100 * (after[name]! - before[name]!)) / wall
  const busy = share('TaskDuration')
  console.log(
    `Renderer main thread during a live run: ${CORES} cores at ${HZ} Hz, ${MEASURE_S} s measured, ${samples} samples sent, ${shown} shown in total`,
  )
  console.log(`  busy (TaskDuration / wall):   ${busy.toFixed(1)}%`)
  console.log(`  of which script:              ${share('ScriptDuration').toFixed(1)}%`)
  console.log(`  layout + style recalculation: ${(share('LayoutDuration') + share('RecalcStyleDuration')).toFixed(1)}%`)
  console.log(`  JS heap used at the end:      ${(after['JSHeapUsedSize']! / 1024 ** 2).toFixed(1)} MiB`)
  console.log(`  target < 20% busy: ${busy < 20 ? 'met' : 'NOT met'}`)
} finally {
  await browser.close()
  lab.shutdown()
  await server.close()
}
