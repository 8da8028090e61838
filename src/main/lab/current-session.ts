// The current-session service: the session finished runs are autosaved into, and every session
// call of LabApi over the library (SessionStore). Changes to the current session happen one at a
// time, in order (sessionStep), so an autosave never races an open, a rename or a save.
import { randomUUID } from 'node:crypto'
import type { LabCalls, LabEvent } from '../../shared/api'
import type { MachineInfo, Run } from '../../shared/schemas'
import {
  SessionError,
  decodeSessionText,
  encodeSession,
  newSession,
  ROLLOVER_SHARE,
  formatBytes,
  oneLine,
  parseSession,
  sessionSchema,
  thinTimelines,
  withRun,
  type Session,
  type SessionSummary,
} from '../../shared/session'
import { machineInfo } from './machine'
import { chooseInterpreter } from './python/interpreters'
import { SessionStore, WRITTEN_BY, encodeSessionFile, readSessionFile, writeSessionFile } from './sessions'

/** The LabApi calls this service serves (LabHost delegates them here). */
export type SessionMethod =
  | 'listSessions'
  | 'openSession'
  | 'getSession'
  | 'saveSession'
  | 'deleteSession'
  | 'currentSession'
  | 'newSession'
  | 'renameSession'
  | 'setSessionNotes'
  | 'restoreSession'
  | 'listTrash'
  | 'importSession'
  | 'exportSession'

/** What became of a run's autosave. */
export type AutosaveResult = { saved: true; sessionId: string; path: string } | { saved: false; reason: string }

export interface CurrentSessionOptions {
  /** The library, or null when the lab was started without a data folder (session calls then fail with why). */
  store: SessionStore | null
  /** Python interpreters the user added, for the machine fingerprint's Python version. */
  pythonPaths?: readonly string[]
  /** Where `session-saved` and autosave `error` events go. */
  emit: (event: LabEvent) => void
  /** Whether this lab is running the run with this id (a `running` run it does not own was interrupted). */
  isLive?: (runId: string) => boolean
}

const MAX_NOTES = 100_000
/** Checkpoints of a run in progress are written at most this often (and the run's end always). */
export const CHECKPOINT_INTERVAL_MS = 2000

const NO_LIBRARY = 'sessions are off: this lab was started without a data folder for its session library'

export class CurrentSession implements Pick<LabCalls, SessionMethod> {
  private current: Session | null = null
  // Whether every run of the current session is in its file (false after a failed save): only
  // then may autosave roll over to a new session, leaving this one behind.
  private currentOnDisk = true
  /** The last run deleted from each session (by session id), for restoreRun. */
  private readonly deletedRuns = new Map<string, { run: Run; index: number }>()
  // Changes to the current session (autosave, open, rename…) happen one at a time, in order.
  private sessionWork: Promise<unknown> = Promise.resolve()
  private pythonVersion: Promise<string | null> | null = null
  /** When each run in progress was last checkpointed (Date.now()). */
  private readonly checkpoints = new Map<string, number>()

  constructor(private readonly options: CurrentSessionOptions) {
    // Before anything else touches the library: clear what a lab that was killed left behind.
    if (options.store) this.sessionWork = options.store.tidy().catch(() => undefined)
  }

  /** The run with this id in the current session, and that session (for exportRun). */
  findRun(runId: string): { run: Run; session: Session } | null {
    const run = this.current?.runs.find((r) => r.id === runId)
    return run && this.current ? { run, session: this.current } : null
  }

  async listSessions(): Promise<SessionSummary[]> {
    return this.library().list()
  }

  async openSession(id: string): Promise<Session> {
    const store = this.library()
    return this.sessionStep(async () => {
      // A file that cannot be opened throws here, leaving the current session as it was.
      const session = this.interrupted(await store.open(id))
      this.current = session
      this.currentOnDisk = true
      return session
    })
  }

  async getSession(id: string): Promise<Session> {
    const store = this.library()
    // The current session may hold runs whose autosave failed: it, not its file, is the truth.
    const current = await this.sessionStep(async () => (this.current?.id === id ? this.current : null))
    return current ?? this.interrupted(await store.open(id))
  }

  async saveSession(input: unknown): Promise<string> {
    const store = this.library()
    // In-process callers (the CLI, tests) reach here without a transport's check.
    const session = parseSession(input)
    return this.sessionStep(async () => {
      // The caller's copy may predate an autosave: never drop a run the current session holds.
      const toSave = this.current?.id === session.id ? keepRuns(session, this.current) : session
      const summary = await store.save(toSave)
      if (this.current?.id === session.id) {
        this.current = toSave
        this.currentOnDisk = true
      }
      this.options.emit({ type: 'session-saved', runId: null, session: summary })
      return toSave.id
    })
  }

  async deleteSession(id: string): Promise<void> {
    const store = this.library()
    await this.sessionStep(async () => {
      await store.delete(id)
      if (this.current?.id === id) {
        this.current = null
        this.currentOnDisk = true
      }
    })
  }

  async currentSession(): Promise<Session | null> {
    return this.sessionStep(async () => this.current)
  }

  async newSession(name?: string): Promise<Session> {
    this.library()
    const checkedName = name === undefined ? undefined : sessionSchema.shape.name.parse(name)
    return this.sessionStep(async () => {
      this.current = await this.freshSession(null, checkedName)
      this.currentOnDisk = true
      return this.current
    })
  }

  async renameSession(id: string, name: string): Promise<Session> {
    const checked = sessionSchema.shape.name.safeParse(name)
    if (!checked.success) throw new SessionError('invalid', `a session name must be text of at most 200 characters`)
    return this.changeSession(
      id,
      (s) => ({ ...s, name: checked.data }),
      (store) => store.rename(id, checked.data),
    )
  }

  /**
   * Deletes one run from a session. The run is kept in memory (the last one per session, while
   * the lab runs) so that restoreRun can put it back: the page's Undo.
   */
  async deleteRun(sessionId: string, runId: string): Promise<Session> {
    if (this.options.isLive?.(runId))
      throw new SessionError('invalid', 'a run in progress cannot be deleted: stop it first')
    let removed: { run: Run; index: number } | null = null
    const remove = (s: Session): Session => {
      const index = s.runs.findIndex((r) => r.id === runId)
      if (index < 0) throw new SessionError('not-found', `the session “${s.name}” has no run ${JSON.stringify(runId)}`)
      removed = { run: s.runs[index]!, index }
      return { ...s, runs: s.runs.filter((_, i) => i !== index) }
    }
    const changed = await this.changeSession(sessionId, remove, (store) => store.update(sessionId, remove))
    if (removed) this.deletedRuns.set(sessionId, removed)
    return changed
  }

  /** Undoes deleteRun: the run goes back where it was. Only the last run deleted from a session, while the lab runs. */
  async restoreRun(sessionId: string, runId: string): Promise<Session> {
    const kept = this.deletedRuns.get(sessionId)
    if (kept?.run.id !== runId)
      throw new SessionError(
        'not-found',
        `run ${JSON.stringify(runId)} cannot be restored: only the last run deleted from a session can, until the lab restarts`,
      )
    const put = (s: Session): Session => {
      if (s.runs.some((r) => r.id === runId)) return s
      const runs = [...s.runs]
      runs.splice(Math.min(kept.index, runs.length), 0, kept.run)
      return { ...s, runs }
    }
    const changed = await this.changeSession(sessionId, put, (store) => store.update(sessionId, put))
    this.deletedRuns.delete(sessionId)
    return changed
  }

  async setSessionNotes(id: string, notes: string): Promise<Session> {
    const checked = sessionSchema.shape.notes.safeParse(notes)
    if (!checked.success) throw new SessionError('invalid', `session notes must be text of at most 100,000 characters`)
    return this.changeSession(
      id,
      (s) => ({ ...s, notes: checked.data }),
      (store) => store.setNotes(id, checked.data),
    )
  }

  async restoreSession(id: string): Promise<SessionSummary> {
    return this.library().restore(id)
  }

  async listTrash(): Promise<SessionSummary[]> {
    return this.library().listTrash()
  }

  async importSession(text: string, fileName: string): Promise<Session> {
    const store = this.library()
    const read = decodeSessionText(text, oneLine(fileName, 200) || 'the file')
    return this.adopt(store, read)
  }

  async exportSession(id: string): Promise<string> {
    return encodeSession(await this.getSession(id), WRITTEN_BY)
  }

  /** Main process only (the path comes from its Open dialog): opens a session file from anywhere. */
  async openSessionFile(path: string): Promise<Session> {
    const store = this.library()
    const { session } = await readSessionFile(path)
    return this.adopt(store, session)
  }

  /** Main process only (the path comes from its Save dialog): writes a library session to `path`. */
  async saveSessionAs(id: string, path: string): Promise<void> {
    await writeSessionFile(path, await this.getSession(id))
  }

  /** Saves a run into the current session (starting one if there is none). Failures are reported, never thrown. */
  autosave(run: Run): Promise<AutosaveResult> {
    const store = this.options.store
    if (!store) return Promise.resolve({ saved: false, reason: NO_LIBRARY })
    return this.sessionStep(async (): Promise<AutosaveResult> => {
      const placed = await this.place(store, run)
      if ('refused' in placed) {
        this.options.emit({ type: 'error', runId: run.id, message: placed.refused })
        return { saved: false, reason: placed.refused }
      }
      // The run joins the session in memory first, so a failed write loses nothing.
      this.current = placed.session
      for (const notice of placed.notices) this.options.emit({ type: 'notice', runId: run.id, message: notice })
      try {
        const summary = await store.save(this.current, placed.bytes)
        this.currentOnDisk = true
        this.options.emit({ type: 'session-saved', runId: run.id, session: summary })
        return { saved: true, sessionId: this.current.id, path: store.pathOf(this.current.id) }
      } catch (error) {
        this.currentOnDisk = false
        const reason = `autosave failed: ${error instanceof Error ? error.message : String(error)}; the run is kept in memory, save the session elsewhere`
        this.options.emit({ type: 'error', runId: run.id, message: reason })
        return { saved: false, reason }
      }
    })
  }

  /**
   * The session `run` is autosaved into, and its file bytes, kept under the rollover threshold
   * (ROLLOVER_SHARE of the file limit) so the lab can always open what it wrote: the current
   * session; else a new session that says which one it continues; else, when the run alone is
   * too large, the run with its timelines thinned (marked on the run and in the notes); else refused.
   */
  private async place(
    store: SessionStore,
    run: Run,
  ): Promise<{ session: Session; bytes: Buffer; notices: string[] } | { refused: string }> {
    const threshold = Math.floor(store.maxBytes * ROLLOVER_SHARE)
    const notices: string[] = []
    let base = this.current ?? (await this.freshSession(run))
    let session = withRun(base, run)
    let bytes = encodeSessionFile(session)
    if (bytes.length <= threshold) return { session, bytes, notices }
    if (!this.currentOnDisk && this.current) {
      // Rolling over would drop runs that exist only here: keep them together, in memory.
      return { session, bytes, notices }
    }
    if (base.runs.some((r) => r.id !== run.id)) {
      // The old session may hold a checkpoint of this run: the run moves, so take the copy out.
      const others = base.runs.filter((r) => r.id !== run.id)
      if (others.length < base.runs.length) await store.save({ ...base, runs: others })
      const fresh = await this.freshSession(run, oneLine(`${base.name} (continued)`, 200))
      const full = `“${oneLine(base.name, 100)}” (${base.id}) reached ${formatBytes(threshold)}, the size at which the lab starts a new session (it cannot open session files over ${formatBytes(store.maxBytes)})`
      notices.push(`run ${run.id} was saved into a new session, “${fresh.name}”: ${full}`)
      base = { ...fresh, notes: `This session continues ${full}.` }
      session = withRun(base, run)
      bytes = encodeSessionFile(session)
      if (bytes.length <= threshold) return { session, bytes, notices }
    }
    // The run alone passes the threshold. Without timelines, what is left must fit; the timelines
    // then get the room that remains, every keepEvery-th slice of each trial.
    const bare = encodeSessionFile(withRun(base, { ...run, trials: run.trials.map((t) => ({ ...t, timeline: [] })) }))
    const too = (size: number): string =>
      `run ${run.id} was not saved: alone it would make a ${formatBytes(size)} session file, over the ${formatBytes(threshold)} the lab allows a session (the limit for session files is ${formatBytes(store.maxBytes)})`
    if (bare.length > threshold)
      return { refused: `${too(bytes.length)}, even with its timelines left out; export it now` }
    let keepEvery = Math.max(2, Math.ceil((bytes.length - bare.length) / Math.max(1, threshold - bare.length)))
    for (;;) {
      const thinned = thinTimelines(run, keepEvery)
      const mark = thinned.timelineThinned!
      const notice = `run ${run.id}: its timelines were thinned to every ${keepEvery}th task slice (${mark.kept} of ${mark.slices} kept) to fit the ${formatBytes(threshold)} session size; its statistics, CPU and samples are whole`
      const notes = base.notes === '' ? notice : `${base.notes}\n${notice}`
      session = withRun({ ...base, notes: notes.length <= MAX_NOTES ? notes : base.notes }, thinned)
      bytes = encodeSessionFile(session)
      if (bytes.length <= threshold) return { session, bytes, notices: [...notices, notice] }
      if (mark.kept <= run.trials.length)
        return { refused: `${too(bytes.length)}, even with its timelines thinned; export it now` }
      keepEvery *= 2
    }
  }

  /**
   * Saves the run so far into the current session, marked `running`, so that a lab killed mid-run
   * leaves its finished trials on disk. Called after each trial; writes at most once every
   * CHECKPOINT_INTERVAL_MS per run (the run's end is always saved, by autosave). Silent: a failed
   * checkpoint is retried by the next one, and autosave reports the run's own failure.
   */
  checkpoint(run: Run): Promise<void> {
    const store = this.options.store
    const last = this.checkpoints.get(run.id)
    if (!store || run.status !== 'running' || (last !== undefined && Date.now() - last < CHECKPOINT_INTERVAL_MS))
      return Promise.resolve()
    this.checkpoints.set(run.id, Date.now())
    // A copy as it stands: the live run goes on changing while the write waits its turn.
    const snapshot: Run = { ...run, trials: [...run.trials], samples: [...run.samples], errors: [...run.errors] }
    return this.sessionStep(async () => {
      // Its end may have been saved while this waited: never put an older copy over it.
      if (this.current?.runs.some((r) => r.id === run.id && r.status !== 'running')) return
      const session = withRun(this.current ?? (await this.freshSession(run)), snapshot)
      const bytes = encodeSessionFile(session)
      // A checkpoint never rolls over or thins: past the threshold it leaves the run to autosave.
      if (bytes.length > Math.floor(store.maxBytes * ROLLOVER_SHARE)) return
      try {
        await store.save(session, bytes)
        this.current = session
        this.currentOnDisk = true
      } catch {
        // Retried by the next checkpoint; autosave reports the run's own failure.
      }
    })
  }

  /** Forgets a run's checkpoint clock once it has ended. */
  ended(runId: string): void {
    this.checkpoints.delete(runId)
  }

  /** `session` with every `running` run this lab is not running marked `interrupted`. */
  private interrupted(session: Session): Session {
    const isLive = this.options.isLive ?? (() => false)
    if (!session.runs.some((r) => r.status === 'running' && !isLive(r.id))) return session
    return {
      ...session,
      runs: session.runs.map((r) => (r.status === 'running' && !isLive(r.id) ? { ...r, status: 'interrupted' } : r)),
    }
  }

  /** Adds a session read from a file to the library (under a new id if its id is taken) and makes it current. */
  /**
   * Makes a session read from a file current. A file of a session the library already holds, as
   * it is there, switches to that one (no duplicate); the same id with other content (edited
   * elsewhere) comes in as a copy under a new id, so neither overwrites the other.
   */
  private adopt(store: SessionStore, read: Session): Promise<Session> {
    return this.sessionStep(async () => {
      const taken = (await store.list()).some((s) => s.id === read.id)
      if (taken) {
        if (this.current?.id === read.id && sameSession(this.current, read)) return this.current
        const held = await store.open(read.id).catch(() => null)
        if (held && sameSession(held, read)) {
          this.current = this.interrupted(held)
          this.currentOnDisk = true
          return this.current
        }
      }
      const session = this.interrupted(taken ? { ...read, id: randomUUID() } : read)
      await store.save(session)
      this.current = session
      this.currentOnDisk = true
      return session
    })
  }

  private changeSession(
    id: string,
    change: (s: Session) => Session,
    inLibrary: (store: SessionStore) => Promise<Session>,
  ): Promise<Session> {
    const store = this.library()
    return this.sessionStep(async () => {
      if (this.current?.id !== id) return inLibrary(store)
      // The current session may hold runs not yet on disk (a failed autosave): save all of it.
      const changed = { ...change(this.current), updatedAt: new Date().toISOString() }
      await store.save(changed)
      this.current = changed
      this.currentOnDisk = true
      return changed
    })
  }

  private async freshSession(run: Run | null, name?: string): Promise<Session> {
    const now = new Date()
    const pad = (n: number): string => String(n).padStart(2, '0')
    const stamp = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())} ${pad(now.getHours())}:${pad(now.getMinutes())}`
    return newSession({ id: randomUUID(), name: name ?? `Session ${stamp}`, machine: await this.fingerprint(run), now })
  }

  /** This machine's facts plus the Python version the py-* strategies use, where one is found. */
  private async fingerprint(run: Run | null): Promise<MachineInfo> {
    if (run?.python) return { ...machineInfo(), python: run.python.version }
    this.pythonVersion ??= chooseInterpreter(undefined, { extra: this.options.pythonPaths }).then(
      (p) => p.version,
      () => null,
    )
    return { ...machineInfo(), python: await this.pythonVersion }
  }

  private sessionStep<T>(work: () => Promise<T>): Promise<T> {
    const next = this.sessionWork.then(work, work)
    this.sessionWork = next.catch(() => undefined)
    return next
  }

  private library(): SessionStore {
    if (!this.options.store) throw new SessionError('not-found', NO_LIBRARY)
    return this.options.store
  }
}

/** `session` with every run of `current` it lacks (a caller's copy may predate an autosave). */
function keepRuns(session: Session, current: Session): Session {
  const ids = new Set(session.runs.map((r) => r.id))
  const missing = current.runs.filter((r) => !ids.has(r.id))
  return missing.length === 0 ? session : { ...session, runs: [...session.runs, ...missing] }
}

/** Whether two copies of a session hold the same runs as of the same moment (a file opened twice). */
function sameSession(a: Session, b: Session): boolean {
  return (
    a.updatedAt === b.updatedAt && a.runs.length === b.runs.length && a.runs.every((run, i) => run.id === b.runs[i]?.id)
  )
}
