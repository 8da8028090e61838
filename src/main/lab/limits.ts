// Names the OS limit behind an error: a sweep of many workers can run out of file descriptors
// (each worker process holds a pipe) or of processes, and the trial should say which and how to
// raise it, not "spawn EMFILE".
import { readFileSync } from 'node:fs'

const errnoOf = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | null)?.code

// The soft limits as last read: at the open-file limit, /proc/self/limits itself cannot be opened.
let lastRead = ''

/** Reads the soft limits now (before starting children, while a file can still be opened). */
export function readLimits(): void {
  try {
    lastRead = readFileSync('/proc/self/limits', 'utf8')
  } catch {
    // Not Linux, or no file descriptor left: keep what was read before.
  }
}

/** The soft limit named `row` in /proc/self/limits ("Max open files"), or null where there is none. */
function softLimit(row: string): string | null {
  readLimits()
  const line = lastRead.split('\n').find((l) => l.startsWith(row))
  return line?.slice(row.length).trim().split(/\s+/)[0] ?? null
}

/** The OS limit this error hit, in words ("the open-file limit (ulimit -n, now 64) was reached"), or null. */
export function limitReached(error: unknown): string | null {
  // A worker thread's failure carries the errno only in its message ("Worker initialization failure: EMFILE").
  const code = /\b(EMFILE|ENFILE|EAGAIN)\b/.exec(`${errnoOf(error)} ${(error as Error | null)?.message}`)?.[1]
  switch (code) {
    case 'EMFILE': {
      const now = softLimit('Max open files')
      return `the open-file limit (ulimit -n${now ? `, now ${now}` : ''}) was reached (EMFILE)`
    }
    case 'ENFILE':
      return "the system's open-file table is full (ENFILE: fs.file-max)"
    case 'EAGAIN': {
      const now = softLimit('Max processes')
      return `the process limit (ulimit -u${now ? `, now ${now}` : ''}) was reached (EAGAIN)`
    }
    default:
      return null
  }
}

/** Why a child could not start, in one line: the limit it hit, else the error's message. */
export function startFailure(error: unknown): string {
  return limitReached(error) ?? (error instanceof Error ? error.message : String(error))
}
