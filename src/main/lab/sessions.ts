// SessionStore: the library of sessions, one JSON file per session in a folder.
// Writes are atomic (temp file in the same folder, fsync, rename, fsync the folder) and the
// previous version is kept as <file>.bak until the new one is in place. Deleting moves the file
// to .trash/, from where it can be restored. The list is served from an index (.index.json)
// whose entries are trusted only while a file's size, mtime and inode are unchanged.
import { randomUUID } from 'node:crypto'
import { constants as fsConstants } from 'node:fs'
import * as fsp from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import {
  SESSION_FILE_LIMIT_BYTES,
  SessionError,
  decodeSessionBytes,
  encodeSession,
  formatBytes,
  sessionIdSchema,
  summariseHead,
  summariseSession,
  tooLarge,
  type Session,
  type SessionHead,
  type SessionSummary,
} from '../../shared/session'
import packageJson from '../../../package.json'

/** What the lab writes into every file's writtenBy field. */
export const WRITTEN_BY = `Concurrency Lab ${packageJson.version}`

/**
 * The file operations the store uses. Tests replace `writeNewFile` to simulate a full disk,
 * which no unprivileged test can cause for real.
 */
export interface SessionFs {
  /** Creates `path` (failing if it exists), writes `data`, fsyncs and closes it. */
  writeNewFile(path: string, data: Uint8Array): Promise<void>
  /**
   * The same, from chunks written one by one as they come (a chunk may be reused once the next is
   * asked for). Without it, the chunks are gathered and written with writeNewFile.
   */
  writeNewFileChunks?(path: string, chunks: AsyncIterable<Uint8Array>): Promise<void>
}

export const nodeSessionFs: SessionFs = {
  async writeNewFile(path, data) {
    const handle = await fsp.open(path, 'wx', 0o644)
    try {
      await handle.writeFile(data)
      await handle.sync()
    } finally {
      await handle.close()
    }
  },
  async writeNewFileChunks(path, chunks) {
    const handle = await fsp.open(path, 'wx', 0o644)
    try {
      for await (const chunk of chunks) {
        for (let done = 0; done < chunk.length;)
          done += (await handle.write(chunk, done, chunk.length - done)).bytesWritten
      }
      await handle.sync()
    } finally {
      await handle.close()
    }
  },
}

/**
 * How much of an old session file is copied at a time into a new one: an autosave's memory stays
 * the same however large the session grows (a buffer the size of the file, allocated and freed on
 * every save, grew the server's memory outside the JS heap with the session).
 */
export const COPY_CHUNK_BYTES = 64 * 1024

/** A file's content given as chunks, produced while it is written. */
export interface FileChunks {
  chunks: () => AsyncIterable<Uint8Array>
}

/** Thrown by a splice whose source file is no longer as the lab last wrote it: nothing is written. */
class StaleSource extends Error {}

/** A piece of a spliced session file: new bytes, or a byte range of the file as it is. */
export type SplicePiece = Uint8Array | { start: number; end: number }

export interface SessionStoreOptions {
  /** Files larger than this are refused before reading (default 200 MB). */
  maxBytes?: number
  fs?: SessionFs
}

const INDEX_FILE = '.index.json'
const INDEX_VERSION = 1
const TRASH = '.trash'
const LIST_CONCURRENCY = 8

/**
 * Which version of a session file this is, as fstat sees it: a lab that wrote the file keeps its
 * stamp, and trusts what it knows of the file's bytes only while the stamp is unchanged.
 */
export interface FileStamp {
  size: number
  mtimeMs: number
  ino: number
}

const sameStamp = (a: FileStamp, b: FileStamp): boolean =>
  a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino

interface IndexEntry {
  size: number
  mtimeMs: number
  ino: number
  summary: SessionSummary
}

const errnoOf = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | null)?.code

/** Creates `path` with `data` atomically: readers see the old file or the new one, never a mix. */
export async function writeFileAtomically(
  path: string,
  data: Uint8Array | string | FileChunks,
  fs: SessionFs = nodeSessionFs,
): Promise<void> {
  const dir = dirname(path)
  const temp = join(dir, `.${basename(path)}.${process.pid}-${randomUUID().slice(0, 8)}.tmp`)
  const backup = `${path}.bak`
  try {
    await fsp.mkdir(dir, { recursive: true })
    await writeNew(temp, data, fs)
    // Keep the previous version until the new one is complete. A hard link costs nothing; file
    // systems without links (FAT) get a copy.
    const hadPrevious = await exists(path)
    if (hadPrevious) {
      await fsp.rm(backup, { force: true })
      await fsp.link(path, backup).catch(() => fsp.copyFile(path, backup))
    }
    await fsp.rename(temp, path)
    await syncFolder(dir)
    if (hadPrevious) await fsp.rm(backup, { force: true })
  } catch (error) {
    await fsp.rm(temp, { force: true }).catch(() => undefined)
    throw error instanceof StaleSource ? error : writeError(error, path)
  }
}

async function writeNew(path: string, data: Uint8Array | string | FileChunks, fs: SessionFs): Promise<void> {
  if (typeof data === 'string') return fs.writeNewFile(path, Buffer.from(data, 'utf8'))
  if (data instanceof Uint8Array) return fs.writeNewFile(path, data)
  if (fs.writeNewFileChunks) return fs.writeNewFileChunks(path, data.chunks())
  const gathered: Buffer[] = []
  for await (const chunk of data.chunks()) gathered.push(Buffer.from(chunk))
  return fs.writeNewFile(path, Buffer.concat(gathered))
}

/**
 * The chunks of a spliced file: new bytes as they are, ranges copied from the file at `path`
 * through one COPY_CHUNK_BYTES buffer, while that file still has `stamp` and each range still
 * starts with { and ends with } (a run's bytes); else StaleSource.
 */
async function* splice(
  path: string,
  stamp: FileStamp | null,
  pieces: readonly SplicePiece[],
): AsyncIterable<Uint8Array> {
  let handle: fsp.FileHandle | null = null
  try {
    const copies = pieces.some((p) => !(p instanceof Uint8Array))
    if (copies) {
      if (!stamp) throw new StaleSource()
      handle = await fsp.open(path, OPEN_FLAGS).catch(() => {
        throw new StaleSource()
      })
      const stats = await handle.stat()
      if (!stats.isFile() || !sameStamp(stats, stamp)) throw new StaleSource()
    }
    const buffer = Buffer.allocUnsafe(copies ? COPY_CHUNK_BYTES : 0)
    for (const piece of pieces) {
      if (piece instanceof Uint8Array) {
        yield piece
        continue
      }
      if (piece.start < 0 || piece.end <= piece.start || piece.end > stamp!.size) throw new StaleSource()
      for (let at = piece.start; at < piece.end;) {
        const want = Math.min(COPY_CHUNK_BYTES, piece.end - at)
        for (let filled = 0; filled < want;) {
          const { bytesRead } = await handle!.read(buffer, filled, want - filled, at + filled)
          if (bytesRead === 0) throw new StaleSource()
          filled += bytesRead
        }
        if (at === piece.start && buffer[0] !== 0x7b /* { */) throw new StaleSource()
        if (at + want === piece.end && buffer[want - 1] !== 0x7d /* } */) throw new StaleSource()
        yield buffer.subarray(0, want)
        at += want
      }
    }
  } finally {
    await handle?.close()
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await fsp.lstat(path)
    return true
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return false
    throw error
  }
}

/** fsyncs a folder so a rename in it survives a power cut; a no-op where folders cannot be opened (Windows). */
async function syncFolder(dir: string): Promise<void> {
  let handle: fsp.FileHandle | undefined
  try {
    handle = await fsp.open(dir, 'r')
    await handle.sync()
  } catch (error) {
    if (!['EISDIR', 'EPERM', 'EACCES', 'EINVAL', 'EBADF'].includes(errnoOf(error) ?? '')) throw error
  } finally {
    await handle?.close()
  }
}

function writeError(error: unknown, path: string): SessionError {
  if (error instanceof SessionError) return error
  const code = errnoOf(error)
  const where = dirname(path)
  const keep = 'nothing was changed there; save it somewhere else'
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return new SessionError('no-space', `cannot save ${path}: the disk is full (${code}); ${keep}`)
    case 'EROFS':
    case 'EACCES':
    case 'EPERM':
      return new SessionError(
        'read-only',
        `cannot save ${path}: the folder ${where} is read-only or not writable (${code}); ${keep}`,
      )
    case 'ENOTDIR':
    case 'EEXIST':
      return new SessionError('write-failed', `cannot save ${path}: ${where} is not a folder (${code}); ${keep}`)
    default:
      return new SessionError(
        'write-failed',
        `cannot save ${path}: ${error instanceof Error ? error.message : String(error)}`,
      )
  }
}

/** Reads a session file anywhere on disk, refusing files over `maxBytes` before reading them. */
export async function readSessionFile(
  path: string,
  maxBytes = SESSION_FILE_LIMIT_BYTES,
): Promise<{ session: Session; size: number; bytes: Buffer; stamp: FileStamp }> {
  let bytes: Buffer
  let stamp: FileStamp
  try {
    ;({ bytes, stamp } = await readRegularFile(path, maxBytes))
  } catch (error) {
    if (error instanceof SessionError) throw error
    const code = errnoOf(error)
    if (code === 'ENOENT') throw new SessionError('not-found', `${path} does not exist`)
    if (code === 'ENOTDIR') throw new SessionError('not-found', `${path} does not exist (a part of the path is a file)`)
    if (code === 'EISDIR') throw new SessionError('read-failed', `${path} is a folder, not a session file`)
    throw new SessionError(
      'read-failed',
      `cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`,
    )
  }
  return { session: decodeSessionBytes(bytes, path, maxBytes), size: bytes.length, bytes, stamp }
}

// Opening a FIFO without O_NONBLOCK waits for a writer; with it, the open returns at once and
// fstat says what the handle is. (Windows has no such flag and no FIFOs to open.)
const OPEN_FLAGS = fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0)

/**
 * The bytes of the regular file at `path` (symlinks followed), at most `maxBytes`: the handle is
 * checked with fstat before any read, so a device, FIFO or socket is refused, and at most
 * maxBytes + 1 bytes are ever read, however the file grows meanwhile.
 */
export async function readRegularFile(path: string, maxBytes: number): Promise<{ bytes: Buffer; stamp: FileStamp }> {
  const handle = await fsp.open(path, OPEN_FLAGS)
  try {
    const stats = await handle.stat()
    if (stats.isDirectory()) throw new SessionError('read-failed', `${path} is a folder, not a session file`)
    if (!stats.isFile())
      throw new SessionError('read-failed', `${path} is not a session file: it is ${kindOf(stats)}, not a regular file`)
    if (stats.size > maxBytes) throw tooLarge(path, stats.size, maxBytes)
    const buffer = Buffer.alloc(Math.min(stats.size, maxBytes) + 1)
    let filled = 0
    for (;;) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled)
      if (bytesRead === 0) break
      filled += bytesRead
      if (filled === buffer.length) {
        if (filled > maxBytes) throw tooLarge(path, filled, maxBytes)
        break
      }
    }
    return { bytes: buffer.subarray(0, filled), stamp: { size: stats.size, mtimeMs: stats.mtimeMs, ino: stats.ino } }
  } finally {
    await handle.close()
  }
}

function kindOf(stats: {
  isFIFO(): boolean
  isSocket(): boolean
  isCharacterDevice(): boolean
  isBlockDevice(): boolean
}): string {
  if (stats.isFIFO()) return 'a named pipe (FIFO)'
  if (stats.isSocket()) return 'a socket'
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device'
  return 'a special file'
}

/** A session's file bytes, as writeSessionFile would write them. */
export function encodeSessionFile(session: Session): Buffer {
  return Buffer.from(encodeSession(session, WRITTEN_BY), 'utf8')
}

/**
 * Writes a session file anywhere on disk, atomically; refuses (writing nothing) a file over
 * `maxBytes`, which the lab could not open again. `encoded` spares encoding the session twice.
 */
export async function writeSessionFile(
  path: string,
  session: Session,
  fs: SessionFs = nodeSessionFs,
  maxBytes = SESSION_FILE_LIMIT_BYTES,
  encoded?: Buffer,
): Promise<number> {
  return writeSessionBytes(path, encoded ?? encodeSessionFile(session), fs, maxBytes)
}

/** Writes a session file's bytes atomically; refuses (writing nothing) bytes over `maxBytes`. */
async function writeSessionBytes(path: string, bytes: Buffer, fs: SessionFs, maxBytes: number): Promise<number> {
  refuseOver(path, bytes.length, maxBytes)
  await writeFileAtomically(path, bytes, fs)
  return bytes.length
}

function refuseOver(path: string, size: number, maxBytes: number): void {
  if (size > maxBytes)
    throw new SessionError(
      'too-large',
      `cannot save ${path}: it would be ${formatBytes(size)}, over the ${formatBytes(maxBytes)} limit for session files; nothing was written`,
    )
}

export class SessionStore {
  readonly dir: string
  readonly trashDir: string
  /** The largest file this store reads or writes. */
  readonly maxBytes: number
  private readonly fs: SessionFs
  // Writes to one file happen one at a time, in the order they were asked for.
  private readonly queues = new Map<string, Promise<unknown>>()

  constructor(dir: string, options: SessionStoreOptions = {}) {
    this.dir = resolve(dir)
    this.trashDir = join(this.dir, TRASH)
    this.maxBytes = options.maxBytes ?? SESSION_FILE_LIMIT_BYTES
    this.fs = options.fs ?? nodeSessionFs
  }

  /** The library file of session `id` (the id is checked, so it cannot point outside the folder). */
  pathOf(id: string, inTrash = false): string {
    const checked = sessionIdSchema.safeParse(id)
    if (!checked.success)
      throw new SessionError(
        'not-found',
        `no session has the id ${JSON.stringify(id).slice(0, 120)}: ids are letters, digits, - and _`,
      )
    return join(inTrash ? this.trashDir : this.dir, `${id}.json`)
  }

  /** Every session in the library, newest first. Files that cannot be opened are listed with their problem. */
  async list(): Promise<SessionSummary[]> {
    return this.listFolder(this.dir, true)
  }

  /** Sessions in the trash, newest first. */
  async listTrash(): Promise<SessionSummary[]> {
    return this.listFolder(this.trashDir, false)
  }

  async open(id: string): Promise<Session> {
    return (await this.openFile(id)).session
  }

  /** Reads session `id`, with its file's bytes and stamp (to know where each run lies in it). */
  async openFile(id: string): Promise<{ session: Session; bytes: Buffer; stamp: FileStamp }> {
    const path = this.pathOf(id)
    await this.recover(path)
    try {
      return await readSessionFile(path, this.maxBytes)
    } catch (error) {
      if (error instanceof SessionError && error.problem === 'not-found') {
        throw new SessionError('not-found', `no session ${JSON.stringify(id)} in the library ${this.dir}`)
      }
      throw error
    }
  }

  /**
   * Writes `session` into the library (creating or replacing its file); returns its summary.
   * A file over the limit is refused, never written. `encoded`: its bytes, if already encoded.
   */
  async save(session: Session, encoded?: Buffer): Promise<SessionSummary> {
    const path = this.pathOf(session.id)
    return this.serialised(path, async () => {
      const size = await writeSessionFile(path, session, this.fs, this.maxBytes, encoded)
      return summariseSession(session, size)
    })
  }

  /**
   * Writes session `head`'s file from pieces: new bytes, and byte ranges of its file as it is
   * (`stamp`), copied a chunk at a time. Returns its summary and the new file's stamp; null, with
   * nothing written, when the file is no longer as `stamp` says or a range is not a run's bytes.
   * Refused over the limit.
   */
  async saveSpliced(
    head: SessionHead,
    runs: number,
    pieces: readonly SplicePiece[],
    stamp: FileStamp | null,
  ): Promise<{ summary: SessionSummary; stamp: FileStamp } | null> {
    const path = this.pathOf(head.id)
    const size = pieces.reduce((n, p) => n + (p instanceof Uint8Array ? p.length : p.end - p.start), 0)
    return this.serialised(path, async () => {
      refuseOver(path, size, this.maxBytes)
      try {
        await writeFileAtomically(path, { chunks: () => splice(path, stamp, pieces) }, this.fs)
      } catch (error) {
        if (error instanceof StaleSource) return null
        throw error
      }
      const stats = await fsp.stat(path)
      return {
        summary: summariseHead(head, runs, stats.size),
        stamp: { size: stats.size, mtimeMs: stats.mtimeMs, ino: stats.ino },
      }
    })
  }

  /**
   * Bytes `start` to `end` of session `id`'s file, read only while the file still has `stamp`
   * (else null: someone else wrote it since). Bounded: the range lies within a file the lab wrote.
   */
  async readRange(id: string, stamp: FileStamp, start = 0, end = stamp.size): Promise<Buffer | null> {
    if (start < 0 || end < start || end > stamp.size || stamp.size > this.maxBytes) return null
    const path = this.pathOf(id)
    return this.serialised(path, async () => {
      let handle: fsp.FileHandle
      try {
        handle = await fsp.open(path, OPEN_FLAGS)
      } catch {
        return null
      }
      try {
        const stats = await handle.stat()
        if (!stats.isFile() || !sameStamp(stats, stamp)) return null
        const buffer = Buffer.alloc(end - start)
        let filled = 0
        while (filled < buffer.length) {
          const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, start + filled)
          if (bytesRead === 0) return null
          filled += bytesRead
        }
        return buffer
      } finally {
        await handle.close()
      }
    })
  }

  /** Renames a session in the library; returns it as saved. */
  async rename(id: string, name: string): Promise<Session> {
    return this.update(id, (session) => ({ ...session, name }))
  }

  /** Replaces a session's notes; returns it as saved. */
  async setNotes(id: string, notes: string): Promise<Session> {
    return this.update(id, (session) => ({ ...session, notes }))
  }

  /** Moves a session to the trash folder (undo with restore). */
  async delete(id: string): Promise<void> {
    const path = this.pathOf(id)
    await this.serialised(path, async () => {
      await this.recover(path)
      if (!(await exists(path)))
        throw new SessionError('not-found', `no session ${JSON.stringify(id)} in the library ${this.dir}`)
      try {
        await fsp.mkdir(this.trashDir, { recursive: true })
        await fsp.rename(path, this.pathOf(id, true))
        await syncFolder(this.dir)
      } catch (error) {
        throw writeError(error, path)
      }
    })
  }

  /** Brings a deleted session back from the trash. */
  async restore(id: string): Promise<SessionSummary> {
    const path = this.pathOf(id)
    const trashed = this.pathOf(id, true)
    return this.serialised(path, async () => {
      if (await exists(path))
        throw new SessionError(
          'exists',
          `cannot restore ${JSON.stringify(id)}: the library already holds a session with that id`,
        )
      if (!(await exists(trashed)))
        throw new SessionError('not-found', `no session ${JSON.stringify(id)} in the trash ${this.trashDir}`)
      try {
        await fsp.rename(trashed, path)
        await syncFolder(this.dir)
      } catch (error) {
        throw writeError(error, path)
      }
      const { session, size } = await readSessionFile(path, this.maxBytes)
      return summariseSession(session, size)
    })
  }

  async update(id: string, change: (session: Session) => Session): Promise<Session> {
    const path = this.pathOf(id)
    return this.serialised(path, async () => {
      await this.recover(path)
      const { session } = await readSessionFile(path, this.maxBytes)
      const updated = { ...change(session), updatedAt: new Date().toISOString() }
      await writeSessionFile(path, updated, this.fs, this.maxBytes)
      return updated
    })
  }

  private serialised<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(key) ?? Promise.resolve()
    const next = previous.then(work, work)
    const settled = next.catch(() => undefined)
    this.queues.set(key, settled)
    void settled.then(() => {
      if (this.queues.get(key) === settled) this.queues.delete(key)
    })
    return next
  }

  /** After a crash between the backup and the rename, only the .bak may be left: put it back. */
  private async recover(path: string): Promise<void> {
    const backup = `${path}.bak`
    if ((await exists(path)) || !(await exists(backup))) return
    await fsp.rename(backup, path).catch(() => undefined)
  }

  private async listFolder(dir: string, useIndex: boolean): Promise<SessionSummary[]> {
    let names: string[]
    try {
      names = await fsp.readdir(dir)
    } catch (error) {
      if (errnoOf(error) === 'ENOENT') return []
      throw new SessionError(
        'read-failed',
        `cannot list the session library ${dir}: ${error instanceof Error ? error.message : String(error)}`,
      )
    }
    if (useIndex) await this.removeDeadTempFiles(dir, names)
    for (const name of names.filter((n) => n.endsWith('.json.bak'))) {
      const path = join(dir, name.slice(0, -'.bak'.length))
      if (sessionIdSchema.safeParse(name.slice(0, -'.json.bak'.length)).success) await this.recover(path)
    }
    const files = (await fsp.readdir(dir).catch(() => names)).filter((n) => n.endsWith('.json') && !n.startsWith('.'))
    const index = useIndex ? await this.readIndex() : new Map<string, IndexEntry>()
    const fresh = new Map<string, IndexEntry>()
    let changed = false
    // A few files at a time: reading overlaps with parsing when the index is cold.
    const entries = await mapConcurrently(
      files,
      LIST_CONCURRENCY,
      async (name): Promise<[string, IndexEntry] | null> => {
        const path = join(dir, name)
        const stats = await fsp.stat(path).catch(() => null)
        // Anything but a folder is listed: a FIFO or a device is read as nothing, and named with its problem.
        if (!stats || stats.isDirectory()) return null
        const cached = index.get(name)
        if (cached && cached.size === stats.size && cached.mtimeMs === stats.mtimeMs && cached.ino === stats.ino)
          return [name, cached]
        changed = true
        return [
          name,
          {
            size: stats.size,
            mtimeMs: stats.mtimeMs,
            ino: stats.ino,
            summary: await this.summaryOf(path, name, stats.size, stats.mtime),
          },
        ]
      },
    )
    const summaries: SessionSummary[] = []
    for (const found of entries) {
      if (!found) continue
      fresh.set(found[0], found[1])
      summaries.push(found[1].summary)
    }
    if (useIndex && (changed || fresh.size !== index.size)) await this.writeIndex(fresh)
    return summaries.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt) || a.name.localeCompare(b.name))
  }

  private async summaryOf(path: string, name: string, size: number, mtime: Date): Promise<SessionSummary> {
    try {
      const { session, size: read } = await readSessionFile(path, this.maxBytes)
      return summariseSession(session, read)
    } catch (error) {
      const problem = error instanceof SessionError ? error.message : `cannot read ${path}: ${String(error)}`
      const when = mtime.toISOString()
      return {
        id: name.slice(0, -'.json'.length),
        name,
        notes: '',
        createdAt: when,
        updatedAt: when,
        machine: '',
        runs: 0,
        sizeBytes: size,
        problem,
      }
    }
  }

  private async readIndex(): Promise<Map<string, IndexEntry>> {
    try {
      const doc = JSON.parse(await fsp.readFile(join(this.dir, INDEX_FILE), 'utf8')) as {
        version?: number
        entries?: Record<string, IndexEntry>
      }
      if (doc.version !== INDEX_VERSION || typeof doc.entries !== 'object' || doc.entries === null) return new Map()
      const valid = Object.entries(doc.entries).filter(
        ([, e]) =>
          typeof e?.size === 'number' &&
          typeof e.mtimeMs === 'number' &&
          typeof e.ino === 'number' &&
          typeof e.summary?.id === 'string',
      )
      return new Map(valid)
    } catch {
      // A missing or damaged index is rebuilt from the files.
      return new Map()
    }
  }

  private async writeIndex(entries: Map<string, IndexEntry>): Promise<void> {
    const text = JSON.stringify({ version: INDEX_VERSION, entries: Object.fromEntries(entries) })
    // The index is only a cache: a library on a read-only disk is still listed, just slower.
    await writeFileAtomically(join(this.dir, INDEX_FILE), text, this.fs).catch(() => undefined)
  }

  /**
   * Clears what a writer killed mid-save leaves in the library: temp files of dead processes and
   * .bak copies (put back where the session file is missing, removed beside a complete one: a
   * rename is atomic, so a session file that exists is whole). Run when a lab starts.
   */
  async tidy(): Promise<void> {
    const names = await fsp.readdir(this.dir).catch(() => [])
    await this.removeDeadTempFiles(this.dir, names)
    for (const name of names.filter((n) => n.endsWith('.json.bak'))) {
      if (!sessionIdSchema.safeParse(name.slice(0, -'.json.bak'.length)).success) continue
      const path = join(this.dir, name.slice(0, -'.bak'.length))
      await this.serialised(path, async () => {
        if (await exists(path)) await fsp.rm(`${path}.bak`, { force: true })
        else await this.recover(path)
      }).catch(() => undefined)
    }
  }

  /** Removes temp files left by writers that crashed (their process is gone). */
  private async removeDeadTempFiles(dir: string, names: string[]): Promise<void> {
    for (const name of names) {
      const pid = /^\..+\.(\d+)-[0-9a-f]{8}\.tmp$/.exec(name)?.[1]
      if (pid === undefined || isAlive(Number(pid))) continue
      await fsp.rm(join(dir, name), { force: true }).catch(() => undefined)
    }
  }
}

/** Maps `items` through `work`, at most `limit` at a time, keeping their order. */
async function mapConcurrently<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++
      results[i] = await work(items[i]!)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane))
  return results
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return errnoOf(error) === 'EPERM'
  }
}
