import { defineStore } from 'pinia'
import { computed, ref, shallowRef, triggerRef } from 'vue'
import type { LabEvent } from '@shared/api'
import {
  C10K_LIMITS,
  DEFAULT_CONNECTIONS,
  MAX_SWEEP_STEPS,
  SERVER_MODELS,
  sweepSchema,
  type C10kPreset,
  type C10kState,
  type C10kStep,
  type ServerModelSpec,
  type SweepInput,
} from '@shared/c10k'
import { parseList, parseNumber } from '@shared/parse'
import { describeIssues } from '@shared/schemas'
import { useCatalogStore } from './catalog'
import { useLabStore } from './lab'

type Field = 'models' | 'connections' | 'delay' | 'cpu' | 'payload' | 'workers' | 'seconds' | 'timeout'

const limit = (name: keyof typeof C10K_LIMITS, field: string) => ({ field, integer: true, ...C10K_LIMITS[name] })

/** The C10k lab's page: the sweep being edited (as typed), its problems field by field, and the sweep on screen. */
export const useC10kStore = defineStore('c10k', () => {
  const catalog = useCatalogStore()
  const lab = useLabStore()

  const models = ref<string[]>(['node-http', 'py-threading-http', 'py-asyncio-streams'])
  const connectionsText = ref(DEFAULT_CONNECTIONS.join(', '))
  const delayText = ref('20')
  const cpuText = ref('0')
  const payloadText = ref('256')
  const workersText = ref('2')
  const secondsText = ref('5')
  const timeoutText = ref('2000')
  const stock = ref(false)
  /** The guided experiment last loaded, until the models change. */
  const preset = ref<C10kPreset | null>(null)

  /** The sweep on screen: the one running, or the last that ended. */
  const state = shallowRef<C10kState | null>(null)
  /** The step running now: which model, at how many connections, how many done of the total. */
  const progress = ref<{ model: string; connections: number; done: number; total: number } | null>(null)
  /** Why the last Start or Stop did not happen, in one line. */
  const error = ref<string | null>(null)
  const starting = ref(false)

  const running = computed(() => starting.value || state.value?.status === 'running')
  const steps = computed<C10kStep[]>(() => [...(state.value?.steps ?? [])])

  /** Why a model cannot run here (a Python model whose framework no interpreter has), or null. */
  function unavailable(spec: ServerModelSpec): string | null {
    if (spec.runtime !== 'python') return null
    const pythons = (catalog.catalog?.runtimes ?? []).filter((r) => r.kind === 'python' && !r.unavailable)
    if (pythons.length === 0) return 'needs Python 3.8 or newer, and none was found'
    if (spec.needs.length === 0) return null
    const has = pythons.some((r) => spec.needs.every((need) => r.capabilities?.includes(need)))
    return has ? null : `needs ${spec.needs.join(' and ')}, which no Python found here can import`
  }

  const modelChoices = computed(() => SERVER_MODELS.map((spec) => ({ spec, unavailable: unavailable(spec) })))

  const parsed = computed(() => {
    const errors: Partial<Record<Field, string>> = {}
    const num = (text: string, name: keyof typeof C10K_LIMITS, field: Field, label: string): number => {
      const r = parseNumber(text, limit(name, label))
      if (!r.ok) errors[field] = r.error
      return r.ok ? r.value : 0
    }
    const connections = parseList(connectionsText.value, { ...limit('connections', 'connections'), maxEntries: 16 })
    if (!connections.ok) errors.connections = connections.error
    if (models.value.length === 0) errors.models = 'models: pick at least one server model'
    const chosenUnavailable = models.value
      .map((id) => modelChoices.value.find((m) => m.spec.id === id))
      .find((m) => m?.unavailable)
    if (chosenUnavailable) errors.models = `models: ${chosenUnavailable.spec.id} ${chosenUnavailable.unavailable}`
    const input: SweepInput = {
      models: [...models.value],
      connections: connections.ok ? connections.value : [],
      stepSeconds: num(secondsText.value, 'stepSeconds', 'seconds', 'step length'),
      timeoutMs: num(timeoutText.value, 'timeoutMs', 'timeout', 'timeout'),
      handler: {
        delayMs: num(delayText.value, 'delayMs', 'delay', 'delay'),
        cpuMs: num(cpuText.value, 'cpuMs', 'cpu', 'CPU'),
        payloadBytes: num(payloadText.value, 'payloadBytes', 'payload', 'payload'),
        workers: num(workersText.value, 'workers', 'workers', 'workers'),
        stock: stock.value,
      },
    }
    const seconds = input.stepSeconds ?? 0
    if (!errors.timeout && !errors.seconds && (input.timeoutMs ?? 0) >= seconds * 1000)
      errors.timeout = `timeout must be shorter than the step (${seconds * 1000} ms), so starved connections show up as timeouts`
    const stepCount = models.value.length * (connections.ok ? connections.value.length : 0)
    if (!errors.connections && stepCount > MAX_SWEEP_STEPS)
      errors.connections = `connections: the sweep would have ${stepCount} steps; it may have at most ${MAX_SWEEP_STEPS}`
    if (Object.keys(errors).length === 0) {
      // The schema the lab checks with, as a last word (one line per problem).
      const checked = sweepSchema.safeParse(input)
      if (!checked.success) errors.models = describeIssues(checked.error, []).join('; ')
    }
    return { input, errors }
  })
  const errors = computed(() => parsed.value.errors)
  const valid = computed(() => Object.keys(errors.value).length === 0)
  /** Steps the sweep will take and roughly how long (the step length each, plus start-up). */
  const plan = computed(() => {
    const c = parseList(connectionsText.value, { ...limit('connections', 'connections'), maxEntries: 16 })
    const count = models.value.length * (c.ok ? c.value.length : 0)
    const seconds = parseNumber(secondsText.value, limit('stepSeconds', 'step length'))
    return { steps: count, seconds: seconds.ok ? count * seconds.value : null }
  })

  function toggleModel(id: string, on: boolean): void {
    const set = new Set(models.value)
    if (on) set.add(id)
    else set.delete(id)
    models.value = SERVER_MODELS.map((m) => m.id).filter((m) => set.has(m))
    preset.value = null
  }

  /** Loads a sweep's settings into the fields (a guided experiment, or the sweep on screen). */
  function load(sweep: SweepInput): void {
    models.value = [...sweep.models]
    if (sweep.connections) connectionsText.value = sweep.connections.join(', ')
    if (sweep.stepSeconds !== undefined) secondsText.value = String(sweep.stepSeconds)
    if (sweep.timeoutMs !== undefined) timeoutText.value = String(sweep.timeoutMs)
    const h = sweep.handler ?? {}
    delayText.value = String(h.delayMs ?? 20)
    cpuText.value = String(h.cpuMs ?? 0)
    payloadText.value = String(h.payloadBytes ?? 256)
    workersText.value = String(h.workers ?? 2)
    stock.value = h.stock ?? false
  }

  function applyPreset(p: C10kPreset): void {
    // Only the models this machine can run: a missing framework leaves its model out, said in the form.
    load({
      ...p.sweep,
      models: p.sweep.models.filter((id) => modelChoices.value.some((m) => m.spec.id === id && !m.unavailable)),
    })
    preset.value = p
  }

  async function start(): Promise<void> {
    if (running.value) return
    if (!valid.value) {
      error.value = `Cannot start the sweep: ${Object.values(errors.value)[0]}`
      return
    }
    error.value = null
    starting.value = true
    try {
      const id = await lab.requireApi().startC10k(parsed.value.input)
      // The start event may have arrived first; if not, show the sweep as started.
      if (state.value?.id !== id) state.value = (await lab.requireApi().c10kState()) ?? state.value
    } catch (e) {
      error.value = e instanceof Error ? e.message : String(e)
    } finally {
      starting.value = false
    }
  }

  async function stop(): Promise<void> {
    const id = state.value?.id
    if (!id || state.value?.status !== 'running') return
    try {
      await lab.requireApi().stopC10k(id)
    } catch (e) {
      error.value = e instanceof Error ? e.message : String(e)
    }
  }

  /**
   * A page that (re)connects shows the sweep in progress, or the last that ended (its settings in
   * the fields); else the default models are narrowed to those this machine can run.
   */
  async function attach(): Promise<void> {
    const now = await lab.requireApi().c10kState()
    if (now) {
      state.value = now
      load(now.sweep)
    } else
      models.value = models.value.filter((id) => modelChoices.value.some((m) => m.spec.id === id && !m.unavailable))
  }

  function handleEvent(event: LabEvent): void {
    switch (event.type) {
      case 'c10k-start':
        state.value = event.state
        progress.value = null
        return
      case 'c10k-progress':
        if (state.value?.id !== event.runId) return
        progress.value = { model: event.model, connections: event.connections, done: event.done, total: event.total }
        return
      case 'c10k-step':
        if (state.value?.id !== event.runId) return
        if (state.value.steps.length < event.done) state.value.steps.push(event.step)
        triggerRef(state)
        return
      case 'c10k-end':
        state.value = event.state
        progress.value = null
        return
    }
  }

  return {
    models,
    connectionsText,
    delayText,
    cpuText,
    payloadText,
    workersText,
    secondsText,
    timeoutText,
    stock,
    preset,
    state,
    progress,
    error,
    running,
    steps,
    modelChoices,
    errors,
    valid,
    plan,
    toggleModel,
    load,
    applyPreset,
    start,
    stop,
    attach,
    handleEvent,
  }
})
