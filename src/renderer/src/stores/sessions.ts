import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { LabEvent } from '@shared/api'
import type { Run } from '@shared/schemas'
import {
  SESSION_FILE_LIMIT_BYTES,
  oneLine,
  outlineRun,
  outlineSession,
  tooLarge,
  type Session,
  type SessionHead,
  type SessionSummary,
} from '@shared/session'
import { downloadText, fileSafe } from '../download'
import { useLabStore } from './lab'
import { useRunStore } from './run'

const RECENT_KEY = 'concurrency-lab.recent-sessions'
export const RECENT_LIMIT = 10
/** Sessions read for Compare or Show all runs that the page keeps (outlined), the most recently read first. */
export const CACHED_SESSIONS = 8
/**
 * How many of the current session's runs the page holds, the latest (outlined, ~1.7 KB each, so
 * ~85 KB): a usual session fits whole, so its list needs no read; a 1,300-run soak does not grow the page.
 */
export const SHOWN_RUNS = 50

/**
 * The current session as the page holds it: its own fields, its latest runs (outlined, oldest
 * first, at most SHOWN_RUNS) and how many runs come before them. Not a Session, so nothing can
 * take the window for the whole: the rest is in the lab, read with getSession when needed.
 */
export interface HeldSession extends SessionHead {
  latestRuns: Run[]
  /** Runs of the session before `latestRuns`, which the page does not hold. */
  earlierRuns: number
}

/** `session` as the page holds it: its latest SHOWN_RUNS runs, outlined. */
function hold(session: Session): HeldSession {
  const { runs, ...head } = session
  const latestRuns = runs.slice(-SHOWN_RUNS).map(outlineRun)
  return { ...head, latestRuns, earlierRuns: runs.length - latestRuns.length }
}

/** The session's own fields, without the page's window on its runs. */
function headOf(held: HeldSession): SessionHead {
  const { latestRuns: _latest, earlierRuns: _earlier, ...head } = held
  return head
}

/** A run picked for Compare: which session it is in, and its id. */
export interface RunRef {
  sessionId: string
  runId: string
}

/** The little of a File this store reads (a DOM File fits; tests pass plain objects). */
export interface FileLike {
  name: string
  size: number
  text(): Promise<string>
}

const message = (error: unknown): string => oneLine(error instanceof Error ? error.message : String(error))

function readRecent(): string[] {
  try {
    const value: unknown = JSON.parse(globalThis.localStorage?.getItem(RECENT_KEY) ?? '[]')
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string').slice(0, RECENT_LIMIT) : []
  } catch {
    return []
  }
}

/**
 * What Save sends: the session's name and notes with no runs. The page holds only its latest
 * runs, outlined; the lab keeps every run the session has in the library (saveSession never drops one).
 */
const forSaving = (held: HeldSession): Session => ({ ...headOf(held), runs: [] })

/** The library list with `summary` in place of its old entry, newest first as the lab lists it. */
function withSummary(list: readonly SessionSummary[], summary: SessionSummary): SessionSummary[] {
  return [...list.filter((s) => s.id !== summary.id), summary].sort(
    (a, b) => b.updatedAt.localeCompare(a.updatedAt) || a.name.localeCompare(b.name),
  )
}

/**
 * The session library as the page sees it: the list, the trash, the current session (which
 * finished runs autosave into), recent sessions, and the last delete (so it can be undone).
 * The current session is held as its latest SHOWN_RUNS runs, outlined (outlineRun: no trials or
 * samples), so what the page holds stays small however many runs a session has; a run is
 * fetched whole when it is shown, the whole session (outlined) when Compare or the list needs it.
 */
export const useSessionsStore = defineStore('sessions', () => {
  const lab = useLabStore()
  const run = useRunStore()
  const list = ref<SessionSummary[]>([])
  const trash = ref<SessionSummary[]>([])
  /** The current session, its latest runs outlined: kept shallow, replaced whole. */
  const current = shallowRef<HeldSession | null>(null)
  /** The last problem (a bad file, a failed save), one line; the library and current session are unchanged. */
  const error = ref<string | null>(null)
  /** The last session moved to the trash, until undone or dismissed. */
  const deleted = ref<SessionSummary | null>(null)
  /** The last run deleted from a session, until undone or dismissed. */
  const deletedRun = ref<{ sessionId: string; runId: string; label: string; session: string } | null>(null)
  const recentIds = ref<string[]>(readRecent())
  /** Whether this lab has a session library at all (false until the first listing succeeds). */
  const available = ref(false)
  /** Why not, when it has none (e.g. a lab started without a data folder). */
  const unavailable = ref<string | null>(null)
  // Sessions read for Compare and Show all runs (by getSession, which does not change the current
  // session), outlined.
  const cache = new Map<string, Session>()

  const recent = computed(() => {
    const byId = new Map(list.value.filter((s) => !s.problem).map((s) => [s.id, s]))
    const ids = [
      ...recentIds.value.filter((id) => byId.has(id)),
      ...list.value.map((s) => s.id).filter((id) => byId.has(id)),
    ]
    return [...new Set(ids)].slice(0, RECENT_LIMIT).map((id) => ({ id, name: byId.get(id)!.name }))
  })

  function remember(id: string): void {
    recentIds.value = [id, ...recentIds.value.filter((r) => r !== id)].slice(0, RECENT_LIMIT)
    try {
      globalThis.localStorage?.setItem(RECENT_KEY, JSON.stringify(recentIds.value))
    } catch {
      // Private mode or a full quota: recent sessions are a convenience.
    }
  }

  /** Runs a session call; a failure becomes the one-line `error` and resolves to null. */
  async function attempt<T>(work: () => Promise<T>): Promise<T | null> {
    try {
      const value = await work()
      error.value = null
      return value
    } catch (e) {
      error.value = message(e)
      return null
    }
  }

  async function refresh(): Promise<void> {
    const api = lab.api
    if (!api) return
    try {
      const [sessions, inTrash, now] = await Promise.all([api.listSessions(), api.listTrash(), api.currentSession()])
      list.value = sessions
      trash.value = inTrash
      current.value = now && hold(now)
      available.value = true
      unavailable.value = null
    } catch (e) {
      available.value = false
      unavailable.value = message(e)
    }
  }

  /** Makes `session` current and shows its latest run (as it was when it ran). */
  function adopt(session: Session): void {
    current.value = hold(session)
    cache.delete(session.id)
    remember(session.id)
    const last = session.runs[session.runs.length - 1]
    if (last) run.show(last)
    else run.reset()
  }

  function guardRunning(): boolean {
    if (!run.running) return true
    error.value = 'A run is in progress: stop it before opening or starting another session.'
    return false
  }

  async function open(id: string): Promise<Session | null> {
    if (!guardRunning()) return null
    const session = await attempt(() => lab.requireApi().openSession(id))
    if (session) adopt(session)
    await refresh()
    return session
  }

  /** Open Session… in browser mode and drag-and-drop: the file's text goes to the lab, which checks it. */
  async function importFile(file: FileLike): Promise<Session | null> {
    if (!guardRunning()) return null
    const session = await attempt(async () => {
      if (file.size > SESSION_FILE_LIMIT_BYTES) throw tooLarge(file.name, file.size, SESSION_FILE_LIMIT_BYTES)
      return lab.requireApi().importSession(await file.text(), file.name)
    })
    if (session) {
      adopt(session)
      await refresh()
    }
    return session
  }

  /** Open Session… in the desktop app: main's dialog. */
  async function openWithDialog(): Promise<Session | null> {
    const dialog = lab.shell?.openSessionDialog
    if (!dialog || !guardRunning()) return null
    const session = await attempt(() => dialog())
    if (session) {
      adopt(session)
      await refresh()
    }
    return session
  }

  async function createNew(): Promise<void> {
    if (!guardRunning()) return
    const session = await attempt(() => lab.requireApi().newSession())
    if (!session) return
    current.value = hold(session)
    run.reset()
    await refresh()
  }

  /** Save Session: writes the current session (a new, empty one included) into the library; its name once saved, else null. */
  async function save(): Promise<string | null> {
    const session = current.value
    if (!session) return null
    const id = await attempt(() => lab.requireApi().saveSession(forSaving(session)))
    if (id) remember(id)
    await refresh()
    return id ? session.name : null
  }

  /** Save Session As…: main's Save dialog in the desktop app, a download of the session file in browser mode. */
  async function saveAs(save: typeof downloadText = downloadText): Promise<void> {
    const session = current.value
    if (!session) {
      error.value = 'Nothing to save yet: run something, or open a session.'
      return
    }
    const dialog = lab.shell?.saveSessionAsDialog
    await attempt(async () => {
      // Write it into the library first, so a new session has a file to save from.
      await lab.requireApi().saveSession(forSaving(session))
      if (dialog) return dialog(session.id)
      save(`${fileSafe(session.name)}.json`, await lab.requireApi().exportSession(session.id), 'application/json')
      return null
    })
    await refresh()
  }

  async function rename(id: string, name: string): Promise<void> {
    const changed = await attempt(() => lab.requireApi().renameSession(id, name))
    if (changed && current.value?.id === id) current.value = hold(changed)
    cache.delete(id)
    await refresh()
  }

  async function setNotes(id: string, notes: string): Promise<void> {
    const changed = await attempt(() => lab.requireApi().setSessionNotes(id, notes))
    if (changed && current.value?.id === id) current.value = hold(changed)
    cache.delete(id)
    await refresh()
  }

  /** Moves a session to the trash; `undo` brings it back. */
  async function remove(id: string): Promise<void> {
    const summary = list.value.find((s) => s.id === id) ?? null
    const done = await attempt(async () => {
      await lab.requireApi().deleteSession(id)
      return true
    })
    if (done) {
      deleted.value = summary ?? {
        id,
        name: id,
        notes: '',
        createdAt: '',
        updatedAt: '',
        machine: '',
        runs: 0,
        sizeBytes: 0,
      }
      cache.delete(id)
    }
    await refresh()
  }

  /** A session back from the trash (Show trash ▸ Restore). */
  async function restore(id: string): Promise<void> {
    const restored = await attempt(() => lab.requireApi().restoreSession(id))
    if (restored && deleted.value?.id === id) deleted.value = null
    await refresh()
  }

  /** Deletes one run of a session; `undoRun` puts it back. A run on screen that is deleted leaves the screen. */
  async function deleteRun(sessionId: string, saved: Run, label: string): Promise<void> {
    const changed = await attempt(() => lab.requireApi().deleteRun(sessionId, saved.id))
    if (!changed) return
    deletedRun.value = { sessionId, runId: saved.id, label, session: changed.name }
    if (current.value?.id === sessionId) current.value = hold(changed)
    cache.delete(sessionId)
    if (run.runId === saved.id && !run.running) run.reset()
    await refresh()
  }

  async function undoRun(): Promise<void> {
    const last = deletedRun.value
    if (!last) return
    const changed = await attempt(() => lab.requireApi().restoreRun(last.sessionId, last.runId))
    if (changed) {
      deletedRun.value = null
      if (current.value?.id === last.sessionId) current.value = hold(changed)
      cache.delete(last.sessionId)
    }
    await refresh()
  }

  async function undo(): Promise<void> {
    const last = deleted.value
    if (!last) return
    const restored = await attempt(() => lab.requireApi().restoreSession(last.id))
    if (restored) deleted.value = null
    await refresh()
  }

  /**
   * A session with all its runs, outlined, for Compare and Show all runs: read without changing
   * the current session. The current session is read too when the page holds only its latest runs.
   */
  async function sessionById(id: string): Promise<Session> {
    const held = current.value
    if (held?.id === id && held.earlierRuns === 0) return { ...headOf(held), runs: held.latestRuns }
    const cached = cache.get(id)
    if (cached) return cached
    const session = outlineSession(await lab.requireApi().getSession(id))
    cache.set(id, session)
    for (const old of [...cache.keys()].slice(0, -CACHED_SESSIONS)) cache.delete(old)
    return session
  }

  /** Shows a run of the current session as it ended, fetched whole from the lab; false if it could not be. */
  async function showRun(runId: string): Promise<boolean> {
    const whole = await attempt(() => lab.requireApi().getRun(runId))
    if (!whole) return false
    run.show(whole)
    return true
  }

  /**
   * Autosave: the list and the current session follow the lab. The event's summary and the run
   * this page followed to its end are enough; the session is read again only when the page does
   * not hold it (an autosave that started a new session, a run from another page, a Save).
   */
  function handleEvent(event: LabEvent): void {
    if (event.type !== 'session-saved') return
    const summary = event.session
    cache.delete(summary.id)
    remember(summary.id)
    const saved = event.runId === null ? null : run.endedRun(event.runId)
    const held = current.value
    if (!saved || held?.id !== summary.id) return void refresh()
    const index = held.latestRuns.findIndex((r) => r.id === saved.id)
    // A new run makes one more; a count the lab disagrees with means the page missed a change.
    if (index === -1 && summary.runs !== held.earlierRuns + held.latestRuns.length + 1) return void refresh()
    list.value = withSummary(list.value, summary)
    const runs =
      index === -1
        ? [...held.latestRuns, outlineRun(saved)]
        : held.latestRuns.map((r, i) => (i === index ? outlineRun(saved) : r))
    const latestRuns = runs.slice(-SHOWN_RUNS)
    current.value = {
      ...held,
      latestRuns,
      earlierRuns: held.earlierRuns + runs.length - latestRuns.length,
      name: summary.name,
      notes: summary.notes,
      updatedAt: summary.updatedAt,
    }
  }

  return {
    list,
    trash,
    current,
    error,
    deleted,
    deletedRun,
    recent,
    available,
    unavailable,
    refresh,
    restore,
    deleteRun,
    undoRun,
    open,
    importFile,
    openWithDialog,
    createNew,
    save,
    saveAs,
    rename,
    setNotes,
    remove,
    undo,
    sessionById,
    showRun,
    handleEvent,
  }
})
