import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { ContentionRunResult } from '@shared/contention'
import { useLabStore } from './lab'

/** The race lab's guided experiment on screen (LabApi runRaceExperiment): running, its result or why it failed. */
export const useRaceStore = defineStore('race', () => {
  const lab = useLabStore()
  const running = ref<string | null>(null)
  const result = shallowRef<ContentionRunResult | null>(null)
  const error = ref<string | null>(null)

  async function run(id: string): Promise<void> {
    if (running.value) return
    running.value = id
    error.value = null
    result.value = null
    try {
      result.value = await lab.requireApi().runRaceExperiment(id)
    } catch (e) {
      error.value = e instanceof Error ? e.message : String(e)
    } finally {
      running.value = null
    }
  }

  function close(): void {
    if (running.value) return
    result.value = null
    error.value = null
  }

  return { running, result, error, run, close }
})
