import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { LabEvent } from '@shared/api'
import type { RunConfigInput } from '@shared/schemas'
import { parseNumber } from '@shared/parse'
import { TUNE_LIMITS, describeTuneProgress, type TuneProgress, type TuneSummary } from '@shared/tune'
import { useLabStore } from './lab'
import { useRunStore } from './run'

/**
 * Run ▸ Find Best Worker Count…: the search's bounds as typed, where it stands (from tune-progress
 * events) and what it found (tune-end). The search runs in the lab (LabApi startTune); its final
 * run at the best counts is an ordinary run, shown and saved like any.
 */
export const useTuneStore = defineStore('tune', () => {
  const lab = useLabStore()
  const run = useRunStore()
  const open = ref(false)
  const maxWorkersText = ref('')
  const budgetText = ref('60')
  const tuneId = ref<string | null>(null)
  const phase = ref<'idle' | 'starting' | 'searching' | 'stopping' | 'done'>('idle')
  const progress = ref<TuneProgress | null>(null)
  const summary = ref<TuneSummary | null>(null)
  const error = ref<string | null>(null)
  const searching = computed(
    () => phase.value === 'starting' || phase.value === 'searching' || phase.value === 'stopping',
  )
  const progressLine = computed(() => (progress.value ? describeTuneProgress(progress.value) : null))

  const fields = computed(() => ({
    maxWorkers: parseNumber(maxWorkersText.value, { field: 'max workers', ...TUNE_LIMITS.maxWorkers, integer: true }),
    budgetS: parseNumber(budgetText.value, { field: 'budget', ...TUNE_LIMITS.budgetS, integer: true, unit: 's' }),
  }))

  /** Starts the search on the configuration as it stands (its worker counts are the search's to choose). */
  async function start(config: RunConfigInput): Promise<void> {
    const { maxWorkers, budgetS } = fields.value
    if (!maxWorkers.ok || !budgetS.ok) {
      error.value = !maxWorkers.ok ? maxWorkers.error : (budgetS as { error: string }).error
      return
    }
    error.value = null
    summary.value = null
    progress.value = null
    phase.value = 'starting'
    try {
      tuneId.value = await lab.requireApi().startTune(config, { maxWorkers: maxWorkers.value, budgetS: budgetS.value })
      if (phase.value === 'starting') phase.value = 'searching'
    } catch (e) {
      phase.value = 'idle'
      error.value = e instanceof Error ? e.message : String(e)
    }
  }

  async function stop(): Promise<void> {
    if (!searching.value) return
    phase.value = 'stopping'
    await lab.requireApi().stopTune()
  }

  function handleEvent(event: LabEvent): void {
    if (event.type !== 'tune-progress' && event.type !== 'tune-end') return
    // A search this page did not start (another window's) is followed all the same: one lab, one search.
    tuneId.value = event.tuneId
    // A page that reloaded mid-search shows the panel again as the search goes on.
    open.value = true
    if (event.type === 'tune-progress') {
      const finalStarted =
        event.progress.finalRunId !== null && progress.value?.finalRunId !== event.progress.finalRunId
      progress.value = event.progress
      if (phase.value !== 'stopping') phase.value = 'searching'
      // The final run at the best counts: followed live, with its CPU and timeline, like any run.
      if (finalStarted && !run.running)
        void lab
          .requireApi()
          .activeRun()
          .then((active) => active && active.run.id === event.progress.finalRunId && run.attach(active))
          .catch(() => undefined)
      return
    }
    phase.value = 'done'
    summary.value = event.summary
    error.value = event.error ?? null
    const finalRunId = event.summary?.finalRunId
    // The final run, at the best counts: on screen like any run (it is already in the session).
    if (finalRunId && !run.running && run.runId !== finalRunId)
      void lab
        .requireApi()
        .getRun(finalRunId)
        .then((r) => run.show(r))
        .catch(() => undefined)
  }

  return {
    open,
    maxWorkersText,
    budgetText,
    tuneId,
    phase,
    progress,
    progressLine,
    summary,
    error,
    searching,
    fields,
    start,
    stop,
    handleEvent,
  }
})
