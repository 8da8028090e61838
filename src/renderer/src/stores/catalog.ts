import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { Catalog, LabApi } from '@shared/api'

/** The lab's catalog (workloads, strategies, machine), loaded once from LabApi. */
export const useCatalogStore = defineStore('catalog', () => {
  const catalog = ref<Catalog | null>(null)
  const error = ref<string | null>(null)

  async function load(api: LabApi | undefined): Promise<void> {
    if (!api) {
      error.value = 'The lab is not connected: open this page from the desktop app.'
      return
    }
    try {
      catalog.value = await api.catalog()
      error.value = null
    } catch (e) {
      error.value = e instanceof Error ? e.message : String(e)
    }
  }

  return { catalog, error, load }
})
