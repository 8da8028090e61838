import { defineStore } from 'pinia'
import { markRaw, ref, shallowRef } from 'vue'
import type { LabApi } from '@shared/api'
import type { LabShell, Transport } from '../transport'

/** The connection to the lab: the LabApi in use and the desktop shell, chosen once at start. */
export const useLabStore = defineStore('lab', () => {
  const api = shallowRef<LabApi | null>(null)
  const shell = shallowRef<LabShell | null>(null)
  const mode = ref<'desktop' | 'browser' | null>(null)
  const connectionError = ref<string | null>(null)

  function connect(transport: Pick<Transport, 'api' | 'shell' | 'kind'>): void {
    api.value = markRaw(transport.api)
    shell.value = transport.shell ? markRaw(transport.shell) : null
    mode.value = transport.kind
  }

  function requireApi(): LabApi {
    if (!api.value) throw new Error('The lab is not connected yet.')
    return api.value
  }

  return { api, shell, mode, connectionError, connect, requireApi }
})
