import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { Catalog, LabApi } from '@shared/api'
import { USER_WORKLOAD_SPEC } from '@shared/catalog'

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

  /** A workload by id: the catalog's, or the user's own code (`user`, which the catalog does not list). */
  const workload = (id: string | null) =>
    id === USER_WORKLOAD_SPEC.id ? USER_WORKLOAD_SPEC : workloads.value.find((w) => w.id === id)
  const strategy = (id: string) => strategies.value.find((s) => s.id === id)

  return { catalog, error, workloads, strategies, logicalCores, load, workload, strategy }
})
