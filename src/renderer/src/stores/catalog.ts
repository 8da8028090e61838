import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { Catalog, LabApi } from '@shared/api'

/** The lab's catalog (workloads, strategies, runtimes, machine), loaded once from LabApi. */
export const useCatalogStore = defineStore('catalog', () => {
  const catalog = ref<Catalog | null>(null)
  const error = ref<string | null>(null)

  const workloads = computed(() => catalog.value?.workloads ?? [])
  const strategies = computed(() => catalog.value?.strategies ?? [])
  const logicalCores = computed(() => catalog.value?.machine.logicalCores ?? 0)

  async function load(api: LabApi | null | undefined): Promise<void> {
    if (!api) {
      error.value =
        'The lab is not connected: open this page from the desktop app or from the URL `npm run serve` prints.'
      return
    }
    try {
      catalog.value = await api.catalog()
      error.value = null
    } catch (e) {
      error.value = `Cannot load the lab's catalog: ${e instanceof Error ? e.message : String(e)}`
    }
  }

  const workload = (id: string | null) => workloads.value.find((w) => w.id === id)
  const strategy = (id: string) => strategies.value.find((s) => s.id === id)

  return { catalog, error, workloads, strategies, logicalCores, load, workload, strategy }
})
