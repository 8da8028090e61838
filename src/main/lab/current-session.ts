// The current-session service: the session finished runs are autosaved into, and every session
// call of LabApi over the library (SessionStore). Changes to the current session happen one at a
// time, in order (sessionStep), so an autosave never races an open, a rename or a save. Only the
// session's latest runs are held whole in memory; the others are byte ranges of its file, read
// back on demand, and a save writes the new run's text beside the bytes the others already have.
import { randomUUID } from 'node:crypto'
import type { LabCalls, LabEvent } from '../../shared/api'
import type { MachineInfo, Run } from '../../shared/schemas'
import {
  SessionError,
  decodeRunText,
  decodeSessionText,
  encodeRunText,
  encodeSession,
  encodeSessionFrame,
  newSession,
  ROLLOVER_SHARE,
  formatBytes,
  oneLine,
  parseSession,
  sessionSchema,
  thinTimelines,
  type Session,
  type SessionHead,
  type SessionSummary,
} from '../../shared/session'
import { machineInfo } from './machine'
import { chooseInterpreter } from './python/interpreters'
import {
  SessionStore,
  WRITTEN_BY,
  readSessionFile,
  writeSessionFile,
  type FileStamp,
  type SplicePiece,
} from './sessions'

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

/** How many of the current session's latest runs stay whole in memory; the rest are read from its file. */
export const HELD_RUNS = 2

/** A run of the current session: whole in memory, or only where its bytes lie in the session file. */
interface HeldRun {
  id: string
  status: Run['status']
  /** The run, while held: one of the latest HELD_RUNS, or one whose latest copy is not in the file. */
  run: Run | null
  /** Where it lies in the file as this lab last wrote or read it (`stamp`); null while its copy there is not the latest. */
  at: { start: number; end: number } | null
  /** Whether its latest copy is in the file (located or not: a file laid out otherwise is read whole). */
  inFile: boolean
}

/** The current session as held in memory: its own fields, and its runs. */
interface Held {
  head: SessionHead
  runs: HeldRun[]
  /** The file the runs' byte ranges are in, as this lab last wrote or read it; null before its first write. */
  stamp: FileStamp | null
}

/** A session file to write: each run's bytes are new text, or a byte range of the file as it is (`stamp`). */
interface Plan extends Held {
  /** The text of runs written anew, by run id (the others are copied from the file, or encoded from memory). */
  fresh: ReadonlyMap<string, Buffer>
  /** The file's size, in bytes. */
  size: number
}

const byteRange = (e: HeldRun, stamp: FileStamp | null): { start: number; end: number } | null =>
  stamp && e.at ? e.at : null

export class CurrentSession implements Pick<LabCalls, SessionMethod> {
  // The current session: its fields and run list, the latest runs whole, the rest as byte ranges
  // of its file, read back on demand. A run whose latest copy is not in the file (a failed save)
  // stays whole in memory until a save puts it there.
  private current: Held | null = null
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

  /** How many runs of the current session are held whole in memory (the rest are in its file). */
  get heldRuns(): number {
    return this.current?.runs.filter((r) => r.run !== null).length ?? 0
  }

  /** The run with this id in the current session (read from its file if not held), and that session's fields. */
  async findRun(runId: string): Promise<{ run: Run; session: SessionHead } | null> {
    return this.sessionStep(async () => {
      const held = this.current
      const entry = held?.runs.find((r) => r.id === runId)
      if (!held || !entry) return null
      const run = entry.run ?? (await this.readRuns(held, [entry])).get(runId)
      return run ? { run: this.interruptedRun(run), session: held.head } : null
    })
  }

  async listSessions(): Promise<SessionSummary[]> {
    return this.library().list()
  }

  async openSession(id: string): Promise<Session> {
    const store = this.library()
    return this.sessionStep(async () => {
      // A file that cannot be opened throws here, leaving the current session as it was.
      const { session, bytes, stamp } = await store.openFile(id)
      this.current = this.heldFromFile(session, bytes, stamp)
      return this.interrupted(session)
    })
  }

  async getSession(id: string): Promise<Session> {
    const store = this.library()
    // The current session may hold runs whose autosave failed: it, not its file, is the truth.
    const current = await this.sessionStep(async () =>
      this.current?.head.id === id ? this.materialise(this.current) : null,
    )
    return current ?? this.interrupted(await store.open(id))
  }

  async saveSession(input: unknown): Promise<string> {
    const store = this.library()
    // In-process callers (the CLI, tests) reach here without a transport's check.
    const session = parseSession(input)
    return this.sessionStep(async () => {
      const held = this.current?.head.id === session.id ? this.current : null
      if (!held) {
        // Nor a run its file holds (a page sends a session's name and notes without its runs).
        const inFile = await store.open(session.id).catch(() => null)
        const ids = new Set(session.runs.map((r) => r.id))
        const kept = inFile?.runs.filter((r) => !ids.has(r.id)) ?? []
        const summary = await store.save(kept.length > 0 ? { ...session, runs: [...session.runs, ...kept] } : session)
        this.options.emit({ type: 'session-saved', runId: null, session: summary })
        return session.id
      }
      // The caller's copy may predate an autosave: never drop a run the current session holds.
      const ids = new Set(session.runs.map((r) => r.id))
      const missing = held.runs.filter((r) => !ids.has(r.id))
      const read = await this.readRuns(held, missing)
      const kept = missing.flatMap((r) => r.run ?? read.get(r.id) ?? [])
      const written = await this.write(store, this.planWhole({ ...session, runs: [...session.runs, ...kept] }))
      this.current = written.held
      this.options.emit({ type: 'session-saved', runId: null, session: written.summary })
      return session.id
    })
  }

  async deleteSession(id: string): Promise<void> {
    const store = this.library()
    await this.sessionStep(async () => {
      await store.delete(id)
      if (this.current?.head.id === id) this.current = null
    })
  }

  async currentSession(): Promise<Session | null> {
    return this.sessionStep(async () => (this.current ? this.materialise(this.current) : null))
  }

  async newSession(name?: string): Promise<Session> {
    this.library()
    const checkedName = name === undefined ? undefined : sessionSchema.shape.name.parse(name)
    return this.sessionStep(async () => {
      const session = await this.freshSession(null, checkedName)
      this.current = { head: headOf(session), runs: [], stamp: null }
      return session
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
    const changed = await this.changeRuns(
      sessionId,
      async (held) => {
        const index = held.runs.findIndex((r) => r.id === runId)
        if (index < 0)
          throw new SessionError('not-found', `the session “${held.head.name}” has no run ${JSON.stringify(runId)}`)
        const entry = held.runs[index]!
        const run = entry.run ?? (await this.readRuns(held, [entry])).get(runId)
        if (run) removed = { run, index }
        return held.runs.filter((_, i) => i !== index)
      },
      (store) => store.update(sessionId, remove),
    )
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
    const changed = await this.changeRuns(
      sessionId,
      async (held) => {
        if (held.runs.some((r) => r.id === runId)) return held.runs
        const runs = [...held.runs]
        const entry: HeldRun = { id: runId, status: kept.run.status, run: kept.run, at: null, inFile: false }
        runs.splice(Math.min(kept.index, runs.length), 0, entry)
        return runs
      },
      (store) => store.update(sessionId, put),
    )
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
      const plan = placed.plan
      this.current = { head: plan.head, runs: plan.runs, stamp: plan.stamp }
      for (const notice of placed.notices) this.options.emit({ type: 'notice', runId: run.id, message: notice })
      try {
        const written = await this.write(store, plan)
        this.current = written.held
        this.options.emit({ type: 'session-saved', runId: run.id, session: written.summary })
        return { saved: true, sessionId: plan.head.id, path: store.pathOf(plan.head.id) }
      } catch (error) {
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
   * Only the run is encoded: the session's other runs keep the bytes they have in its file.
   */
  private async place(store: SessionStore, run: Run): Promise<{ plan: Plan; notices: string[] } | { refused: string }> {
    const threshold = Math.floor(store.maxBytes * ROLLOVER_SHARE)
    const notices: string[] = []
    let base: Held = this.current ?? { head: headOf(await this.freshSession(run)), runs: [], stamp: null }
    let plan = this.planWith(base, run)
    if (plan.size <= threshold) return { plan, notices }
    if (!this.onDisk()) {
      // Rolling over would drop runs that exist only here: keep them together, in memory.
      return { plan, notices }
    }
    if (base.runs.some((r) => r.id !== run.id)) {
      // The old session may hold a checkpoint of this run: the run moves, so take the copy out.
      const others = base.runs.filter((r) => r.id !== run.id)
      if (others.length < base.runs.length) {
        const { held } = await this.write(store, this.plan({ ...base, runs: others }, new Map()))
        this.current = held
      }
      const fresh = await this.freshSession(run, oneLine(`${base.head.name} (continued)`, 200))
      const full = `“${oneLine(base.head.name, 100)}” (${base.head.id}) reached ${formatBytes(threshold)}, the size at which the lab starts a new session (it cannot open session files over ${formatBytes(store.maxBytes)})`
      notices.push(`run ${run.id} was saved into a new session, “${fresh.name}”: ${full}`)
      base = { head: { ...headOf(fresh), notes: `This session continues ${full}.` }, runs: [], stamp: null }
      plan = this.planWith(base, run)
      if (plan.size <= threshold) return { plan, notices }
    }
    // The run alone passes the threshold. Without timelines, what is left must fit; the timelines
    // then get the room that remains, every keepEvery-th slice of each trial.
    const bare = this.planWith(base, { ...run, trials: run.trials.map((t) => ({ ...t, timeline: [] })) }).size
    const too = (size: number): string =>
      `run ${run.id} was not saved: alone it would make a ${formatBytes(size)} session file, over the ${formatBytes(threshold)} the lab allows a session (the limit for session files is ${formatBytes(store.maxBytes)})`
    if (bare > threshold) return { refused: `${too(plan.size)}, even with its timelines left out; export it now` }
    let keepEvery = Math.max(2, Math.ceil((plan.size - bare) / Math.max(1, threshold - bare)))
    for (;;) {
      const thinned = thinTimelines(run, keepEvery)
      const mark = thinned.timelineThinned!
      const notice = `run ${run.id}: its timelines were thinned to every ${keepEvery}th task slice (${mark.kept} of ${mark.slices} kept) to fit the ${formatBytes(threshold)} session size; its statistics, CPU and samples are whole`
      const notes = base.head.notes === '' ? notice : `${base.head.notes}\n${notice}`
      plan = this.planWith(
        { ...base, head: { ...base.head, notes: notes.length <= MAX_NOTES ? notes : base.head.notes } },
        thinned,
      )
      if (plan.size <= threshold) return { plan, notices: [...notices, notice] }
      if (mark.kept <= run.trials.length)
        return { refused: `${too(plan.size)}, even with its timelines thinned; export it now` }
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
      const base = this.current ?? { head: headOf(await this.freshSession(run)), runs: [], stamp: null }
      const plan = this.planWith(base, snapshot)
      // A checkpoint never rolls over or thins: past the threshold it leaves the run to autosave.
      if (plan.size > Math.floor(store.maxBytes * ROLLOVER_SHARE)) return
      try {
        this.current = (await this.write(store, plan)).held
      } catch {
        // Retried by the next checkpoint; autosave reports the run's own failure.
      }
    })
  }

  /** Forgets a run's checkpoint clock once it has ended. */
  ended(runId: string): void {
    this.checkpoints.delete(runId)
  }

  /** Whether every run of the current session has its latest copy in its file: only then may autosave roll over. */
  private onDisk(): boolean {
    return this.current?.runs.every((r) => r.inFile) ?? true
  }

  /** `held` with `run` added (or replacing the run with its id), as a file to write. */
  private planWith(held: Held, run: Run, now = new Date()): Plan {
    const entry: HeldRun = { id: run.id, status: run.status, run, at: null, inFile: false }
    const index = held.runs.findIndex((r) => r.id === run.id)
    const runs = index === -1 ? [...held.runs, entry] : held.runs.map((r, i) => (i === index ? entry : r))
    const head = { ...held.head, updatedAt: now.toISOString() }
    const text = Buffer.from(encodeRunText(run, index === -1 ? held.runs.length : index, head.name), 'utf8')
    return this.plan({ head, runs, stamp: held.stamp }, new Map([[run.id, text]]))
  }

  /** A whole session, every run encoded anew, as a file to write. */
  private planWhole(session: Session): Plan {
    const runs = session.runs.map((run): HeldRun => ({ id: run.id, status: run.status, run, at: null, inFile: false }))
    return this.plan({ head: headOf(session), runs, stamp: null }, new Map())
  }

  /**
   * The file of `held`: runs in `fresh` as given, runs in the file as their bytes there, the rest
   * (held whole after a failed save) encoded. Its size is known before anything is read.
   */
  private plan(held: Held, fresh: Map<string, Buffer>): Plan {
    const frame = encodeSessionFrame(held.head, WRITTEN_BY)
    let size = Buffer.byteLength(frame.prefix) + Buffer.byteLength(frame.suffix) + Math.max(0, held.runs.length - 1)
    held.runs.forEach((e, i) => {
      let text = fresh.get(e.id)
      const at = byteRange(e, held.stamp)
      if (!text && !at) {
        if (!e.run) throw new Error(`run ${e.id} of the current session is neither in memory nor in its file`)
        text = Buffer.from(encodeRunText(e.run, i, held.head.name), 'utf8')
        fresh.set(e.id, text)
      }
      size += text ? text.length : at!.end - at!.start
    })
    return { ...held, fresh, size }
  }

  /**
   * Writes `plan` as its session's file: new text where it has it, the other runs copied from the
   * file as it is, a chunk at a time (if someone else rewrote it meanwhile, its runs are found by
   * id and written anew). Resolves to the held session as it then is (only its latest runs whole)
   * and the summary.
   */
  private async write(store: SessionStore, plan: Plan): Promise<{ held: Held; summary: SessionSummary }> {
    const fresh = new Map(plan.fresh)
    const copied = plan.runs.filter((e) => !fresh.has(e.id))
    if (copied.length === 0 || (plan.stamp && copied.every((e) => e.at))) {
      const written = await this.splice(store, plan.head, plan.runs, fresh, plan.stamp)
      if (written) return written
    }
    // The file is not as this lab last wrote it: its runs are found by id and encoded anew.
    const inFile = new Map((await store.open(plan.head.id)).runs.map((r) => [r.id, r]))
    for (const e of copied) {
      const run = e.run ?? inFile.get(e.id)
      if (run) fresh.set(e.id, Buffer.from(encodeRunText(run, 0, plan.head.name), 'utf8'))
    }
    // A run another program took out of the file is not put back from nowhere.
    const runs = plan.runs.filter((e) => fresh.has(e.id))
    // Every run is new text now: nothing is copied, so nothing can be stale.
    return (await this.splice(store, plan.head, runs, fresh, null))!
  }

  /** `runs` written as the session's file: each one's new text, or its bytes copied from the file (`stamp`); null if that file changed. */
  private async splice(
    store: SessionStore,
    head: SessionHead,
    runs: readonly HeldRun[],
    fresh: ReadonlyMap<string, Buffer>,
    stamp: FileStamp | null,
  ): Promise<{ held: Held; summary: SessionSummary } | null> {
    const frame = encodeSessionFrame(head, WRITTEN_BY)
    const prefix = Buffer.from(frame.prefix, 'utf8')
    const pieces: SplicePiece[] = [prefix]
    let offset = prefix.length
    const located: HeldRun[] = runs.map((e, i) => {
      if (i > 0) {
        pieces.push(COMMA)
        offset += 1
      }
      const bytes = fresh.get(e.id)
      const length = bytes ? bytes.length : e.at!.end - e.at!.start
      pieces.push(bytes ?? { start: e.at!.start, end: e.at!.end })
      const at = { start: offset, end: offset + length }
      offset += length
      return { ...e, at, inFile: true }
    })
    pieces.push(Buffer.from(frame.suffix, 'utf8'))
    const saved = await store.saveSpliced(head, runs.length, pieces, stamp)
    if (!saved) return null
    // Only the latest runs stay whole: every run is now in the file, and read back from it on demand.
    const keepFrom = located.length - HELD_RUNS
    const held = located.map((e, i) => (i < keepFrom ? { ...e, run: null } : e))
    return { held: { head, runs: held, stamp: saved.stamp }, summary: saved.summary }
  }

  /** The runs of `entries` not held whole, read from the session file (the one range that spans them), by id. */
  private async readRuns(held: Held, entries: readonly HeldRun[]): Promise<Map<string, Run>> {
    const store = this.library()
    const found = new Map<string, Run>()
    const wanted = entries.filter((e) => e.run === null)
    if (wanted.length === 0) return found
    const path = store.pathOf(held.head.id)
    if (wanted.every((e) => byteRange(e, held.stamp))) {
      const start = wanted.reduce((n, e) => Math.min(n, e.at!.start), Infinity)
      const end = wanted.reduce((n, e) => Math.max(n, e.at!.end), 0)
      const bytes = await store.readRange(held.head.id, held.stamp!, start, end)
      try {
        for (const e of bytes ? wanted : []) {
          const run = decodeRunText(bytes!.subarray(e.at!.start - start, e.at!.end - start).toString('utf8'), path)
          if (run.id !== e.id) throw new Error('the file changed')
          found.set(e.id, run)
        }
        if (found.size === wanted.length) return found
      } catch {
        // Read it whole, below.
      }
    }
    // The file changed behind the lab (another lab rewrote it): read it whole, find the runs by id.
    const ids = new Set(wanted.map((e) => e.id))
    found.clear()
    for (const run of (await store.open(held.head.id)).runs) if (ids.has(run.id)) found.set(run.id, run)
    return found
  }

  /** The current session whole, its runs not held read from its file (bounded as every file read is). */
  private async materialise(held: Held): Promise<Session> {
    const read = await this.readRuns(held, held.runs)
    const runs = held.runs.flatMap((e) => e.run ?? read.get(e.id) ?? [])
    return this.interrupted({ ...held.head, runs })
  }

  /**
   * `session`, just read from `bytes` (its file), as held: where the file is as this lab writes
   * it, each run is located in it and only the latest stay whole; else every run stays whole
   * until the next save writes the file anew.
   */
  private heldFromFile(session: Session, bytes: Buffer, stamp: FileStamp): Held {
    const whole: Held = {
      head: headOf(session),
      runs: session.runs.map((r) => {
        const run = this.interruptedRun(r)
        return { id: r.id, status: run.status, run, at: null, inFile: true }
      }),
      stamp: null,
    }
    try {
      const frame = encodeSessionFrame(whole.head, WRITTEN_BY)
      const prefix = Buffer.from(frame.prefix, 'utf8')
      if (!bytes.subarray(0, prefix.length).equals(prefix)) return whole
      let offset = prefix.length
      const located = whole.runs.map((e, i): HeldRun => {
        if (i > 0) offset += 1
        // The run as the file holds it (a checkpoint's `running`, not the `interrupted` shown).
        const text = Buffer.from(encodeRunText(session.runs[i]!, i, whole.head.name), 'utf8')
        const at = { start: offset, end: offset + text.length }
        if (!bytes.subarray(at.start, at.end).equals(text)) throw new Error('laid out otherwise')
        offset = at.end
        return { ...e, at }
      })
      if (offset + Buffer.byteLength(frame.suffix) !== bytes.length) return whole
      const keepFrom = located.length - HELD_RUNS
      return { ...whole, runs: located.map((e, i) => (i < keepFrom ? { ...e, run: null } : e)), stamp }
    } catch {
      return whole
    }
  }

  /** `run` marked `interrupted` if it is `running` and this lab is not running it. */
  private interruptedRun(run: Run): Run {
    const isLive = this.options.isLive ?? (() => false)
    return run.status === 'running' && !isLive(run.id) ? { ...run, status: 'interrupted' } : run
  }

  /** `session` with every `running` run this lab is not running marked `interrupted`. */
  private interrupted(session: Session): Session {
    const isLive = this.options.isLive ?? (() => false)
    if (!session.runs.some((r) => r.status === 'running' && !isLive(r.id))) return session
    return { ...session, runs: session.runs.map((r) => this.interruptedRun(r)) }
  }

  /**
   * Makes a session read from a file current. A file of a session the library already holds, as
   * it is there, switches to that one (no duplicate); the same id with other content (edited
   * elsewhere) comes in as a copy under a new id, so neither overwrites the other.
   */
  private adopt(store: SessionStore, read: Session): Promise<Session> {
    return this.sessionStep(async () => {
      const taken = (await store.list()).some((s) => s.id === read.id)
      if (taken) {
        const current = this.current
        if (current?.head.id === read.id && sameSession(current.head, current.runs, read))
          return this.materialise(current)
        const file = await store.openFile(read.id).catch(() => null)
        if (file && sameSession(file.session, file.session.runs, read)) {
          this.current = this.heldFromFile(file.session, file.bytes, file.stamp)
          return this.interrupted(file.session)
        }
      }
      const session = this.interrupted(taken ? { ...read, id: randomUUID() } : read)
      this.current = (await this.write(store, this.planWhole(session))).held
      return session
    })
  }

  /**
   * Changes a session's run list: the current one through `change` on what is held (runs not
   * held stay byte ranges of its file), any other through `inLibrary`.
   */
  private changeRuns(
    id: string,
    change: (held: Held) => Promise<HeldRun[]>,
    inLibrary: (store: SessionStore) => Promise<Session>,
  ): Promise<Session> {
    const store = this.library()
    return this.sessionStep(async () => {
      const held = this.current
      if (held?.head.id !== id) return inLibrary(store)
      const runs = await change(held)
      const head = { ...held.head, updatedAt: new Date().toISOString() }
      this.current = (await this.write(store, this.plan({ head, runs, stamp: held.stamp }, new Map()))).held
      return this.materialise(this.current)
    })
  }

  private changeSession(
    id: string,
    change: (s: SessionHead) => SessionHead,
    inLibrary: (store: SessionStore) => Promise<Session>,
  ): Promise<Session> {
    const store = this.library()
    return this.sessionStep(async () => {
      const held = this.current
      if (held?.head.id !== id) return inLibrary(store)
      // The current session may hold runs not yet on disk (a failed autosave): they are written too.
      const head = { ...change(held.head), updatedAt: new Date().toISOString() }
      this.current = (await this.write(store, this.plan({ ...held, head }, new Map()))).held
      return this.materialise(this.current)
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

const COMMA = Buffer.from(',', 'utf8')

/** A session's own fields, without its runs. */
function headOf(session: Session): SessionHead {
  const { runs: _runs, ...head } = session
  void _runs
  return head
}

/** Whether two copies of a session hold the same runs as of the same moment (a file opened twice). */
function sameSession(a: SessionHead, aRuns: readonly { id: string }[], b: Session): boolean {
  return (
    a.updatedAt === b.updatedAt && aRuns.length === b.runs.length && aRuns.every((run, i) => run.id === b.runs[i]?.id)
  )
}
