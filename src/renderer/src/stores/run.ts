import { defineStore } from 'pinia'
import { computed, ref, shallowRef, triggerRef } from 'vue'
import type { ActiveRun, LabEvent } from '@shared/api'
import { groupTitle } from '@shared/format'
import {
  isManyWorkersRefusal,
  type GroupStats,
  type Run,
  type RunConfigInput,
  type RunStatus,
  type Sample,
  type TimelineSlice,
  type Trial,
} from '@shared/schemas'
import { useConfigStore } from './config'
import { useLabStore } from './lab'

export type RunPhase = 'idle' | 'starting' | 'running' | 'stopping' | RunStatus

/** A vertical marker on the CPU chart where a trial started. */
export interface TrialMarker {
  /** µs since the run's clock origin. */
  t: number
  label: string
}

export interface CurrentTrial {
  index: number
  strategy: string
  workers: number
  repetition: number
  warmup: boolean
}

export interface Progress {
  done: number
  total: number
  strategy: string
  workers: number
  etaMs: number | null
}

/** Called with new samples (and the markers so far) as they arrive; `reset` when a run starts. */
export type SampleListener = (samples: readonly Sample[], reset: boolean) => void

/**
 * The run on screen: its events folded into state. Samples and timeline slices arrive many times
 * a second, so they are kept out of deep reactivity: charts subscribe and push them in place.
 */
export const useRunStore = defineStore('run', () => {
  const lab = useLabStore()
  const runId = ref<string | null>(null)
  const phase = ref<RunPhase>('idle')
  const config = shallowRef<Run['config'] | null>(null)
  /** The interpreter the run's Python strategies used, as it described itself (null: none yet). */
  const python = shallowRef<Run['python'] | null>(null)
  /** The Dask cluster py-dask ran on, once the run has ended (the verdict reads its threads). */
  const cluster = shallowRef<Run['machine']['cluster'] | null>(null)
  const lastConfig = shallowRef<RunConfigInput | null>(null)
  const logicalCores = ref(0)
  const trials = shallowRef<Trial[]>([])
  const stats = shallowRef<GroupStats[]>([])
  const progress = ref<Progress | null>(null)
  const current = ref<CurrentTrial | null>(null)
  const errors = ref<string[]>([])
  /** What the lab told of the run that is not a failure (a session rolled over, a timeline thinned). */
  const notices = ref<string[]>([])
  const startedAt = ref<string | null>(null)
  const endedAt = ref<string | null>(null)
  /** µs on the run's clock of the latest sample: the run's elapsed time, as the lab measured it. */
  const latestSampleT = ref(0)
  const latestSample = shallowRef<Sample | null>(null)
  const sampleCount = ref(0)
  /** Bumped whenever live timeline slices arrive (the slices themselves are not reactive). */
  const liveTasksVersion = ref(0)
  /** Where the run on screen comes from: streaming from the lab, or a saved run from a session. */
  const source = ref<'live' | 'saved'>('live')
  /** The live run as it ended (run-end), whole: what its autosave wrote into the current session. */
  const ended = shallowRef<Run | null>(null)
  /** The lab refused the last start for its worker count: its message, until the user confirms or starts another. */
  const manyWorkersRefusal = ref<string | null>(null)

  // Non-reactive stores for high-rate data.
  let samples: Sample[] = []
  let markers: TrialMarker[] = []
  let liveSlices = new Map<number, TimelineSlice[]>()
  const sampleListeners = new Set<SampleListener>()
  /** Events that arrived before startRun told us our run's id. */
  let early: LabEvent[] = []
  /** The trial running when this page attached to a run, and its tasks the snapshot held. */
  let attachedIndex = -1
  let attachedTasks = new Set<number>()

  const running = computed(() => phase.value === 'starting' || phase.value === 'running' || phase.value === 'stopping')
  const measuredTrials = computed(() => trials.value.filter((t) => !t.warmup))

  function reset(): void {
    source.value = 'live'
    phase.value = 'idle'
    runId.value = null
    config.value = null
    python.value = null
    cluster.value = null
    ended.value = null
    manyWorkersRefusal.value = null
    trials.value = []
    stats.value = []
    progress.value = null
    current.value = null
    errors.value = []
    notices.value = []
    startedAt.value = null
    endedAt.value = null
    latestSampleT.value = 0
    latestSample.value = null
    sampleCount.value = 0
    samples = []
    markers = []
    liveSlices = new Map()
    attachedIndex = -1
    attachedTasks = new Set()
    liveTasksVersion.value++
    for (const listener of sampleListeners) listener([], true)
  }

  async function start(input: RunConfigInput): Promise<void> {
    if (running.value) throw new Error('A run is already in progress: stop it first.')
    const api = lab.requireApi()
    reset()
    phase.value = 'starting'
    lastConfig.value = input
    early = []
    try {
      const id = await api.startRun(input)
      runId.value = id
      const buffered = early
      early = []
      for (const event of buffered) if (event.runId === id) handleEvent(event)
      if (phase.value === 'starting') phase.value = 'running'
    } catch (error) {
      phase.value = 'idle'
      const message = error instanceof Error ? error.message : String(error)
      errors.value = [`Could not start the run: ${message}`]
      if (isManyWorkersRefusal(message)) manyWorkersRefusal.value = message
      throw error
    }
  }

  /** The user confirmed the worker count the lab refused: the same run again, with allowManyWorkers. */
  async function startAnyway(): Promise<void> {
    if (!lastConfig.value || !manyWorkersRefusal.value) return
    await start({ ...lastConfig.value, allowManyWorkers: true })
  }

  async function stop(): Promise<void> {
    if (!runId.value || !running.value) return
    phase.value = 'stopping'
    try {
      await lab.requireApi().stopRun(runId.value)
    } catch (error) {
      errors.value = [
        ...errors.value,
        `Could not stop the run: ${error instanceof Error ? error.message : String(error)}`,
      ]
    }
  }

  function handleEvent(event: LabEvent): void {
    if (phase.value === 'starting' && runId.value === null) {
      early.push(event)
      return
    }
    if (event.runId !== runId.value) return
    switch (event.type) {
      case 'run-start':
        config.value = event.run.config
        logicalCores.value = event.run.machine.logicalCores
        startedAt.value = event.run.startedAt
        if (phase.value === 'starting') phase.value = 'running'
        break
      case 'sample': {
        // After attach, a batch sent before the snapshot may still arrive: keep only what is newer.
        const newest = samples[samples.length - 1]?.t ?? -Infinity
        for (const s of event.samples) if (s.t > newest) samples.push(s)
        const last = event.samples[event.samples.length - 1]
        if (last) {
          latestSampleT.value = last.t
          latestSample.value = last
          if (logicalCores.value === 0) logicalCores.value = last.cores.length
        }
        sampleCount.value = samples.length
        for (const listener of sampleListeners) listener(event.samples, false)
        break
      }
      case 'trial-start':
        current.value = {
          index: event.index,
          strategy: event.strategy,
          workers: event.workers,
          repetition: event.repetition,
          warmup: event.warmup,
        }
        if (!markers.some((m) => m.t === event.start))
          markers.push({
            t: event.start,
            label: `${groupTitle(event)}${event.warmup ? ' (warm-up)' : ''}`,
          })
        liveSlices.set(event.index, [])
        liveTasksVersion.value++
        break
      case 'tasks': {
        const list = liveSlices.get(event.index) ?? []
        // A batch sent before the snapshot this page attached to may hold tasks it already has.
        const known = event.index === attachedIndex ? attachedTasks : null
        for (const s of event.slices) {
          if (known?.has(s.task)) continue
          known?.add(s.task)
          list.push(s)
        }
        liveSlices.set(event.index, list)
        liveTasksVersion.value++
        break
      }
      case 'trial-end':
        if (event.index < trials.value.length) break // Already in the snapshot this page attached to.
        trials.value.push(event.trial)
        triggerRef(trials)
        stats.value = event.stats
        // The finished trial carries its whole timeline: the live copy is no longer needed.
        liveSlices.delete(event.index)
        liveTasksVersion.value++
        break
      case 'progress':
        progress.value = {
          done: event.done,
          total: event.total,
          strategy: event.strategy,
          workers: event.workers,
          etaMs: event.etaMs,
        }
        break
      case 'error':
        errors.value = [...errors.value, event.message]
        break
      case 'notice':
        notices.value = [...notices.value, event.message]
        break
      case 'run-end':
        ended.value = event.run
        phase.value = event.run.status
        python.value = event.run.python ?? null
        cluster.value = event.run.machine.cluster ?? null
        endedAt.value = event.run.endedAt
        stats.value = event.run.stats
        errors.value = [...new Set([...errors.value, ...event.run.errors])]
        current.value = null
        break
    }
  }

  /** Shows a saved run (from a session) exactly as it ended: its trials, stats, samples and status. */
  function show(saved: Run): void {
    if (running.value) throw new Error('A run is in progress: stop it before opening a saved one.')
    reset()
    source.value = 'saved'
    phase.value = saved.status === 'running' ? 'stopped' : saved.status
    loadRun(saved, [])
    endedAt.value = saved.endedAt
    liveTasksVersion.value++
    for (const listener of sampleListeners) listener(samples, false)
  }

  /** A run's recorded state into the store: what show and attach share. `running` adds the trial under way. */
  function loadRun(
    recorded: Run,
    running: ReadonlyArray<{ start: number; warmup: boolean; strategy: string; workers: number }>,
  ): void {
    runId.value = recorded.id
    config.value = recorded.config
    python.value = recorded.python ?? null
    cluster.value = recorded.machine.cluster ?? null
    lastConfig.value = recorded.config
    // The panel shows what is on screen, so Run re-runs this run and not the last one edited.
    try {
      useConfigStore().load(recorded.config)
    } catch {
      // A workload this lab no longer has: the panel keeps its fields; the run still shows.
    }
    logicalCores.value = recorded.machine.logicalCores
    trials.value = [...recorded.trials]
    stats.value = recorded.stats
    errors.value = [...recorded.errors]
    startedAt.value = recorded.startedAt
    samples = [...recorded.samples]
    markers = [...recorded.trials, ...running].map((t) => ({
      t: t.start,
      label: `${groupTitle(t)}${t.warmup ? ' (warm-up)' : ''}`,
    }))
    const last = samples[samples.length - 1]
    latestSampleT.value = last?.t ?? 0
    latestSample.value = last ?? null
    sampleCount.value = samples.length
  }

  /**
   * Follows a run already in progress (this page connected or reloaded mid-run): its state so far
   * from the lab, then its events as they come (handleEvent skips what the snapshot already holds).
   */
  function attach(active: ActiveRun): void {
    if (running.value) return
    reset()
    phase.value = 'running'
    loadRun(active.run, active.current ? [active.current] : [])
    progress.value = active.progress
    if (active.current) {
      const { index, strategy, workers, repetition, warmup } = active.current
      current.value = { index, strategy, workers, repetition, warmup }
      liveSlices.set(index, [...active.slices])
      attachedIndex = index
      attachedTasks = new Set(active.slices.map((s) => s.task))
    }
    liveTasksVersion.value++
    for (const listener of sampleListeners) listener(samples, false)
  }

  /** The run `id` as it ended, if it is the live run this page followed to its end. */
  const endedRun = (id: string): Run | null => (ended.value?.id === id ? ended.value : null)

  function onSamples(listener: SampleListener): () => void {
    sampleListeners.add(listener)
    return () => sampleListeners.delete(listener)
  }

  /** Samples so far (read-only view; do not keep it reactive). */
  const allSamples = (): readonly Sample[] => samples
  const allMarkers = (): readonly TrialMarker[] => markers
  /** Timeline of trial `index`: the finished trial's, or what has streamed in so far. */
  const timelineOf = (index: number): readonly TimelineSlice[] =>
    trials.value[index]?.timeline ?? liveSlices.get(index) ?? []

  return {
    python,
    cluster,
    runId,
    phase,
    config,
    lastConfig,
    logicalCores,
    trials,
    measuredTrials,
    stats,
    progress,
    current,
    errors,
    notices,
    startedAt,
    endedAt,
    latestSampleT,
    latestSample,
    sampleCount,
    liveTasksVersion,
    source,
    running,
    manyWorkersRefusal,
    show,
    attach,
    start,
    startAnyway,
    stop,
    reset,
    handleEvent,
    endedRun,
    onSamples,
    allSamples,
    allMarkers,
    timelineOf,
  }
})
