// The user's place, kept across a reload (issue 10): the configuration panel as it was typed,
// the open page and panels, and the run on screen. Kept in the page's localStorage; whatever is
// read back is checked with a schema first, and anything missing, damaged or from another shape
// is ignored (the page then starts from its defaults), never an error.
import { z } from 'zod'
import { DASK_SCHEDULER_MAX_CHARS } from '@shared/dask'

const KEY = 'concurrency-lab:place:v1'
/** Bounds on everything read back: field text, list lengths. */
const text = z.string().max(200)
const id = z.string().min(1).max(100)
const path = z.string().min(1).max(4096)
const sha256 = z.string().regex(/^[0-9a-f]{64}$/)

/** Most scripts the Recent scripts list keeps. */
export const MAX_RECENT_SCRIPTS = 8

/** A script run from Workload ▸ Your Code…: where it is, what was called, and its content's hash then. */
const recentScriptSchema = z.object({
  path,
  function: id,
  runtime: z.enum(['python', 'node']),
  sha256: sha256.optional(),
})
export type RecentScript = z.infer<typeof recentScriptSchema>

const placeSchema = z.object({
  config: z
    .object({
      workloadId: id.nullable(),
      paramText: z.record(id, z.record(id, text)).refine((r) => Object.keys(r).length <= 64),
      strategies: z.array(id).max(64),
      workersText: text,
      repetitionsText: text,
      warmupsText: text,
      chunkSizeText: text,
      pythonId: id.nullable(),
      switchIntervalText: text,
      /** Optional: places kept before the Dask scheduler field still read back. */
      daskSchedulerText: z.string().max(DASK_SCHEDULER_MAX_CHARS).optional(),
      heartbeat: z.boolean().optional(),
      userScript: z
        .object({
          path,
          function: id,
          sha256: sha256.optional(),
          inputsMode: z.enum(['range', 'file']),
          rangeText: text,
          inputsFile: z.string().max(4096),
        })
        .optional(),
    })
    .optional(),
  /** Workload ▸ Your Code…'s Recent scripts, newest first. */
  recentScripts: z.array(recentScriptSchema).max(MAX_RECENT_SCRIPTS).optional(),
  view: z
    .object({
      page: z.enum(['lab', 'sessions', 'compare', 'c10k']),
      panels: z.object({ cpu: z.boolean(), timeline: z.boolean(), results: z.boolean() }),
    })
    .optional(),
  /** The run on screen (a finished one, read back from the current session after a reload). */
  runId: id.nullable().optional(),
})

export type Place = z.infer<typeof placeSchema>
export type ConfigDraft = NonNullable<Place['config']>

type Storage = Pick<globalThis.Storage, 'getItem' | 'setItem'>

const storage = (): Storage | null => {
  try {
    return globalThis.localStorage ?? null
  } catch {
    return null // Storage denied (a sandboxed or private page): the place is simply not kept.
  }
}

/** The place kept by an earlier page, or an empty one. */
export function readPlace(store: Storage | null = storage()): Place {
  try {
    const raw = store?.getItem(KEY)
    if (!raw || raw.length > 256 * 1024) return {}
    const parsed = placeSchema.safeParse(JSON.parse(raw))
    return parsed.success ? parsed.data : {}
  } catch {
    return {}
  }
}

/** Merges `part` into the kept place. */
export function keepPlace(part: Partial<Place>, store: Storage | null = storage()): void {
  try {
    store?.setItem(KEY, JSON.stringify({ ...readPlace(store), ...part }))
  } catch {
    // Full or denied: the place is not kept this time.
  }
}

/** Puts `script` first in the Recent scripts list (once per path and function), keeping MAX_RECENT_SCRIPTS. */
export function keepRecentScript(script: RecentScript, store: Storage | null = storage()): RecentScript[] {
  const others = (readPlace(store).recentScripts ?? []).filter(
    (s) => s.path !== script.path || s.function !== script.function,
  )
  const recent = [script, ...others].slice(0, MAX_RECENT_SCRIPTS)
  keepPlace({ recentScripts: recent }, store)
  return recent
}
