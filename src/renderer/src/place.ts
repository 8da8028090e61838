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
    })
    .optional(),
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
