import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { RuntimeInfo } from '@shared/api'
import { USER_WORKLOAD_SPEC, type WorkloadSpec } from '@shared/catalog'
import type { ExperimentPreset } from '@shared/menu'
import { parseList, parseNumber, type Parsed } from '@shared/parse'
import { describeIssues, LIMITS, runConfigSchema, type RunConfigInput } from '@shared/schemas'
import { USER_WORKLOAD, type UserInputs } from '@shared/user-script'
import type { ConfigDraft } from '../place'
import { useCatalogStore } from './catalog'

/** The run configuration being edited, and what is wrong with it, field by field. */
export const useConfigStore = defineStore('config', () => {
  const catalog = useCatalogStore()
  const workloadId = ref<string | null>(null)
  /** Per workload, the text of each parameter field (so switching workloads keeps edits). */
  const paramText = ref<Record<string, Record<string, string>>>({})
  const strategies = ref<string[]>([])
  const workersText = ref('1, 2')
  const repetitionsText = ref('3')
  const warmupsText = ref('1')
  const chunkSizeText = ref('1')
  /** Interpreter id for the py-* strategies; null: the one the catalog marks as default. */
  const pythonId = ref<string | null>(null)
  /** sys.setswitchinterval in ms; empty: the interpreter's own default. */
  const switchIntervalText = ref('')
  /** Measure the heartbeat (src/shared/heartbeat.ts); off unless asked, as in the CLI. */
  const heartbeat = ref(false)
  /** py-dask: the user's Dask scheduler address; empty: a local cluster the lab starts and stops. */
  const daskSchedulerText = ref('')
  /** The guided experiment last loaded from the Experiments menu, until the workload changes. */
  const activePreset = ref<ExperimentPreset | null>(null)

  /**
   * Workload ▸ Your Code…: the script, the function picked from its list, its SHA-256 when read
   * (so a changed file is said), and the inputs: `range` (0 … N−1, typed) or values the lab read
   * from a file (readInputs). The page never reads or runs the script itself.
   */
  const userScript = ref<{
    path: string
    function: string
    sha256?: string
    inputsMode: 'range' | 'file'
    rangeText: string
    inputsFile: string
  } | null>(null)
  /** The values the lab read from userScript.inputsFile (not kept across a reload: read again). */
  const userInputsRead = ref<UserInputs | null>(null)

  /** Workload ▸ Your Code… chose a script: select workload `user` with it. */
  function setUserScript(script: NonNullable<typeof userScript.value>, inputs: UserInputs | null): void {
    userScript.value = { ...script }
    userInputsRead.value = inputs
    activePreset.value = null
    workloadId.value = USER_WORKLOAD
  }

  const workload = computed<WorkloadSpec | undefined>(() =>
    workloadId.value === USER_WORKLOAD ? USER_WORKLOAD_SPEC : catalog.workload(workloadId.value),
  )

  function ensureParams(spec: WorkloadSpec): Record<string, string> {
    const existing = paramText.value[spec.id]
    if (existing) return existing
    const fresh = Object.fromEntries(spec.params.map((p) => [p.name, String(p.default)]))
    paramText.value = { ...paramText.value, [spec.id]: fresh }
    return fresh
  }

  const pythonRuntimes = computed<RuntimeInfo[]>(() =>
    (catalog.catalog?.runtimes ?? []).filter((r) => r.kind === 'python'),
  )
  const defaultPython = computed(
    () =>
      pythonRuntimes.value.find((r) => r.default && !r.unavailable) ?? pythonRuntimes.value.find((r) => !r.unavailable),
  )
  /** The interpreter the run will name: the user's choice, else the default. */
  const python = computed(() =>
    pythonId.value !== null ? pythonRuntimes.value.find((r) => r.id === pythonId.value) : defaultPython.value,
  )
  /** Why the Python strategies cannot run here, when the catalog lists no usable interpreter. */
  const pythonUnavailable = computed(() => {
    if (defaultPython.value) return null
    const found = pythonRuntimes.value.map((r) => `${r.version}: ${r.unavailable ?? 'unusable'}`)
    return `no Python 3.8 or newer was found${found.length > 0 ? ` (${found.join('; ')})` : ''}`
  })
  const usesPython = computed(() => strategies.value.some((id) => catalog.strategy(id)?.runtime === 'python'))
  /** Whether a chosen strategy runs on a Dask cluster (py-dask), so the scheduler field applies. */
  const usesDask = computed(() => strategies.value.some((id) => catalog.strategy(id)?.python?.mode === 'dask'))

  const params = computed<Record<string, string>>(() =>
    workload.value ? (paramText.value[workload.value.id] ?? {}) : {},
  )

  function selectWorkload(id: string): void {
    const spec = id === USER_WORKLOAD ? USER_WORKLOAD_SPEC : catalog.workload(id)
    if (!spec) throw new Error(`no workload ${JSON.stringify(id)} in the catalog`)
    if (id !== workloadId.value) activePreset.value = null
    workloadId.value = id
    ensureParams(spec)
  }

  function setParam(name: string, text: string): void {
    if (!workload.value) return
    const current = ensureParams(workload.value)
    paramText.value = { ...paramText.value, [workload.value.id]: { ...current, [name]: text } }
  }

  function toggleStrategy(id: string, on: boolean): void {
    const set = new Set(strategies.value)
    if (on) set.add(id)
    else set.delete(id)
    // Keep the catalog's order, so runs and charts list strategies the same way every time.
    strategies.value = catalog.strategies.map((s) => s.id as string).filter((s) => set.has(s))
  }

  /** Picks sensible first choices once the catalog is known. */
  /** The fields as typed, for keeping across a reload (src/renderer/src/place.ts). */
  const draft = computed<ConfigDraft>(() => ({
    workloadId: workloadId.value,
    paramText: paramText.value,
    strategies: strategies.value,
    workersText: workersText.value,
    repetitionsText: repetitionsText.value,
    warmupsText: warmupsText.value,
    chunkSizeText: chunkSizeText.value,
    pythonId: pythonId.value,
    switchIntervalText: switchIntervalText.value,
    daskSchedulerText: daskSchedulerText.value,
    heartbeat: heartbeat.value,
    ...(userScript.value ? { userScript: userScript.value } : {}),
  }))

  /** Puts back fields kept from an earlier page, leaving out what this lab's catalog lacks. */
  function restore(kept: ConfigDraft): void {
    paramText.value = Object.fromEntries(
      Object.entries(kept.paramText).filter(([workload]) => catalog.workload(workload)),
    )
    if (kept.userScript) userScript.value = { ...kept.userScript }
    if (kept.workloadId === USER_WORKLOAD ? kept.userScript : kept.workloadId && catalog.workload(kept.workloadId))
      selectWorkload(kept.workloadId!)
    strategies.value = kept.strategies.filter((id) => catalog.strategy(id))
    workersText.value = kept.workersText
    repetitionsText.value = kept.repetitionsText
    warmupsText.value = kept.warmupsText
    chunkSizeText.value = kept.chunkSizeText
    pythonId.value = kept.pythonId && pythonRuntimes.value.some((r) => r.id === kept.pythonId) ? kept.pythonId : null
    switchIntervalText.value = kept.switchIntervalText
    daskSchedulerText.value = kept.daskSchedulerText ?? ''
    heartbeat.value = kept.heartbeat ?? false
  }

  /** Fills what is still empty with defaults, after restoring `kept` fields if given. */
  function initialise(kept?: ConfigDraft): void {
    if (kept) restore(kept)
    if (!workloadId.value && catalog.workloads[0]) selectWorkload(catalog.workloads[0].id)
    if (strategies.value.length === 0) {
      const defaults = ['sequential', 'threads'].filter((id) => catalog.strategy(id))
      strategies.value = defaults.length > 0 ? defaults : catalog.strategies.slice(0, 1).map((s) => s.id)
    }
  }

  function applyPreset(preset: ExperimentPreset): void {
    selectWorkload(preset.workload)
    for (const [name, value] of Object.entries(preset.params)) setParam(name, String(value))
    strategies.value = preset.strategies.filter((id) => catalog.strategy(id))
    workersText.value = preset.workers.join(', ')
    repetitionsText.value = String(preset.repetitions)
    if (preset.chunkSize !== undefined) chunkSizeText.value = String(preset.chunkSize)
    if (preset.switchIntervalMs !== undefined) switchIntervalText.value = String(preset.switchIntervalMs)
    heartbeat.value = preset.heartbeat === true
    activePreset.value = preset
  }

  /** Loads a configuration (Run Again, presets) back into the fields. */
  function load(config: RunConfigInput): void {
    if (config.userScript) {
      const inputs = config.userScript.inputs
      const fromFile = 'values' in inputs
      userScript.value = {
        path: config.userScript.path,
        function: config.userScript.function,
        ...(config.userScript.sha256 ? { sha256: config.userScript.sha256 } : {}),
        inputsMode: fromFile ? 'file' : 'range',
        rangeText: fromFile ? (userScript.value?.rangeText ?? '20') : String(inputs.range),
        inputsFile: fromFile ? (inputs.file ?? '') : (userScript.value?.inputsFile ?? ''),
      }
      userInputsRead.value = fromFile ? (inputs as UserInputs) : null
    }
    selectWorkload(config.workload)
    for (const [name, value] of Object.entries(config.params ?? {})) setParam(name, String(value))
    strategies.value = [...config.strategies]
    if (config.workers) workersText.value = config.workers.join(', ')
    if (config.repetitions !== undefined) repetitionsText.value = String(config.repetitions)
    if (config.warmups !== undefined) warmupsText.value = String(config.warmups)
    if (config.chunkSize !== undefined) chunkSizeText.value = String(config.chunkSize)
    pythonId.value = config.python ?? null
    switchIntervalText.value = config.switchIntervalMs !== undefined ? String(config.switchIntervalMs) : ''
    daskSchedulerText.value = config.daskScheduler ?? ''
    heartbeat.value = config.heartbeat === true
  }

  /**
   * Each numeric field read by the shared rules (src/shared/parse, as the CLI reads its options),
   * keyed by its path in the configuration. A field that does not parse keeps its text, so the
   * configuration stays invalid, and shows the parser's reason.
   */
  const parsed = computed(() => {
    const fields: Record<string, Parsed<number | number[]>> = {}
    for (const spec of workload.value?.params ?? []) {
      const field = `params.${spec.name}`
      fields[field] = parseNumber(params.value[spec.name] ?? '', {
        field,
        min: spec.min,
        max: spec.max,
        unit: spec.unit,
        integer: true,
      })
    }
    fields['workers'] = parseList(workersText.value, { field: 'workers', ...LIMITS.workers, integer: true })
    fields['repetitions'] = parseNumber(repetitionsText.value, {
      field: 'repetitions',
      ...LIMITS.repetitions,
      integer: true,
    })
    fields['warmups'] = parseNumber(warmupsText.value, { field: 'warmups', ...LIMITS.warmups, integer: true })
    fields['chunkSize'] = parseNumber(chunkSizeText.value, { field: 'chunkSize', ...LIMITS.chunkSize, integer: true })
    if (workloadId.value === USER_WORKLOAD && userScript.value?.inputsMode === 'range')
      fields['userScript.inputs.range'] = parseNumber(userScript.value.rangeText, {
        field: 'userScript.inputs.range',
        min: 1,
        max: 10_000,
        integer: true,
      })
    if (usesPython.value && switchIntervalText.value.trim() !== '')
      fields['switchIntervalMs'] = parseNumber(switchIntervalText.value, {
        field: 'switchIntervalMs',
        ...LIMITS.switchIntervalMs,
        unit: 'ms',
      })
    return fields
  })
  const valueOf = (field: string, text: string): number | number[] | string => {
    const result = parsed.value[field]
    return result?.ok ? result.value : text
  }

  /** The run's userScript: a range as typed, or the values the lab read from the inputs file. */
  const userScriptInput = (): unknown => {
    const script = userScript.value!
    const inputs =
      script.inputsMode === 'range'
        ? { range: valueOf('userScript.inputs.range', script.rangeText) }
        : (userInputsRead.value ?? { values: [] })
    return {
      path: script.path,
      function: script.function,
      ...(script.sha256 ? { sha256: script.sha256 } : {}),
      inputs,
    }
  }

  const input = computed(
    () =>
      ({
        workload: workloadId.value ?? '',
        params: Object.fromEntries(Object.entries(params.value).map(([k, v]) => [k, valueOf(`params.${k}`, v)])),
        strategies: strategies.value,
        workers: valueOf('workers', workersText.value),
        repetitions: valueOf('repetitions', repetitionsText.value),
        warmups: valueOf('warmups', warmupsText.value),
        chunkSize: valueOf('chunkSize', chunkSizeText.value),
        // Only a run with Python strategies names an interpreter; the default is left to the lab,
        // which then also picks a free-threaded build for "threads, no GIL".
        ...(usesPython.value && pythonId.value !== null ? { python: pythonId.value } : {}),
        ...(usesPython.value && switchIntervalText.value.trim() !== ''
          ? { switchIntervalMs: valueOf('switchIntervalMs', switchIntervalText.value) }
          : {}),
        ...(usesDask.value && daskSchedulerText.value.trim() !== ''
          ? { daskScheduler: daskSchedulerText.value.trim() }
          : {}),
        ...(workloadId.value === USER_WORKLOAD && userScript.value ? { userScript: userScriptInput() } : {}),
        ...(heartbeat.value ? { heartbeat: true } : {}),
      }) as RunConfigInput,
  )

  /** Field path ("params.size", "workers", "strategies") → what is wrong there. */
  const errors = computed<Record<string, string>>(() => {
    const out: Record<string, string> = {}
    // The parser's reasons first: they say what is wrong with the text as typed.
    for (const [field, result] of Object.entries(parsed.value)) if (!result.ok) out[field] = result.error
    const collect = (value: unknown, only?: (path: string) => boolean): void => {
      const result = runConfigSchema.safeParse(value)
      if (result.success) return
      const messages = describeIssues(result.error)
      result.error.issues.forEach((issue, i) => {
        // Items of a list report on the list's own field: "workers", "strategies".
        const path = issue.path.filter((p) => typeof p === 'string').join('.') || 'config'
        if (!only || only(path)) out[path] ??= messages[i]!
      })
    }
    collect(input.value)
    // The schema checks parameters only once the rest is valid; check them on their own too, so
    // every wrong field shows its message at once.
    const anyStrategy = catalog.strategies[0]?.id
    if (anyStrategy) {
      collect(
        { workload: input.value.workload, params: input.value.params, strategies: [anyStrategy] },
        (path) => path.startsWith('params') || path === 'workload',
      )
    }
    if (usesPython.value) {
      const chosen = python.value
      if (pythonId.value !== null && !chosen)
        out['python'] ??= `python must be an interpreter the lab found; ${JSON.stringify(pythonId.value)} is not one`
      else if (chosen?.unavailable) out['python'] ??= `python cannot be used: ${chosen.unavailable}`
      else if (!chosen)
        out['python'] ??= `python cannot be used: ${pythonUnavailable.value ?? 'no Python interpreter was found'}`
      else if (pythonId.value !== null && !chosen.freeThreaded) {
        const needsFreeThreaded = strategies.value
          .map((id) => catalog.strategy(id))
          .find((s) => s?.needs.includes('free-threaded'))
        if (needsFreeThreaded)
          out['python'] ??=
            `python must be a free-threaded build for ${needsFreeThreaded.title}; ${chosen.id} has the GIL on`
      }
    }
    return out
  })

  const valid = computed(() => Object.keys(errors.value).length === 0 && workload.value !== undefined)

  return {
    workloadId,
    workload,
    userScript,
    userInputsRead,
    setUserScript,
    paramText,
    params,
    strategies,
    workersText,
    repetitionsText,
    warmupsText,
    chunkSizeText,
    activePreset,
    pythonId,
    switchIntervalText,
    daskSchedulerText,
    heartbeat,
    usesDask,
    pythonRuntimes,
    defaultPython,
    python,
    pythonUnavailable,
    usesPython,
    switchIntervalLimits: LIMITS.switchIntervalMs,
    input,
    errors,
    valid,
    selectWorkload,
    setParam,
    toggleStrategy,
    initialise,
    draft,
    applyPreset,
    load,
  }
})
