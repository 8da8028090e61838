// Per-core CPU utilisation at a fixed rate, stamped on the run's clock. On Linux it reads
// /proc/stat directly (cheap enough to run at 10 Hz for well under 1% of a core); elsewhere it
// falls back to os.cpus(), which reports the same counters.
import { closeSync, openSync, readFileSync, readSync } from 'node:fs'
import { cpus } from 'node:os'
import { epochMicros } from '../../shared/clock'
import type { Sample } from '../../shared/schemas'

/** Busy and total jiffies (or ms) of each logical core since boot. */
export type CoreTimes = Array<{ busy: number; total: number }>

function osCoreTimes(): CoreTimes {
  return cpus().map(({ times }) => {
    const total = times.user + times.nice + times.sys + times.idle + times.irq
    return { busy: total - times.idle, total }
  })
}

/**
 * Reads per-core times. Keeps /proc/stat open and re-reads it from offset 0 into one buffer,
 * so a sample costs one read system call; falls back to os.cpus() where there is no /proc.
 */
export class CoreTimesReader {
  private fd: number | null = null
  private readonly buffer = Buffer.alloc(64 * 1024)

  constructor() {
    try {
      this.fd = openSync('/proc/stat', 'r')
    } catch {
      this.fd = null
    }
  }

  read(): CoreTimes {
    if (this.fd === null) return osCoreTimes()
    const length = readSync(this.fd, this.buffer, 0, this.buffer.length, 0)
    return parseProcStat(this.buffer.toString('latin1', 0, length))
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd)
    this.fd = null
  }
}

export function readCoreTimes(): CoreTimes {
  try {
    return parseProcStat(readFileSync('/proc/stat', 'latin1'))
  } catch {
    return osCoreTimes()
  }
}

/** Parses the per-core `cpuN` lines of /proc/stat (idle and iowait count as not busy). */
export function parseProcStat(text: string): CoreTimes {
  const out: CoreTimes = []
  for (const line of text.split('\n', 1 + 4096)) {
    if (line.startsWith('cpu ')) continue
    // The per-core lines come first; stop at the first line after them.
    if (!line.startsWith('cpu')) break
    const fields = line.trim().split(/\s+/).slice(1, 9).map(Number)
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields
    const idleAll = idle + iowait
    const total = user + nice + system + idleAll + irq + softirq + steal
    out.push({ busy: total - idleAll, total })
  }
  if (out.length === 0) throw new Error('no per-core lines in /proc/stat')
  return out
}

/** Utilisation of each core in percent between two readings, clamped to [0, 100]. */
export function utilisation(before: CoreTimes, after: CoreTimes): number[] {
  return after.map((a, i) => {
    const b = before[i]
    if (!b) return 0
    const total = a.total - b.total
    if (total <= 0) return 0
    return Math.min(100, Math.max(0, (100 * (a.busy - b.busy)) / total))
  })
}

/**
 * CPU time every core of the machine spent busy between two readings taken `elapsedMs` apart,
 * in core-milliseconds: what all processes used, the lab's own and everyone else's.
 */
export function machineBusyMs(before: CoreTimes, after: CoreTimes, elapsedMs: number): number {
  return (utilisation(before, after).reduce((a, b) => a + b, 0) / 100) * elapsedMs
}

let lastOwnRss = 0
/** This process's RSS; the last one read when the OS refuses (it opens /proc/self/stat: EMFILE at the open-file limit). */
function ownResidentBytes(): number {
  try {
    lastOwnRss = process.memoryUsage.rss()
  } catch {
    // Keep the last value.
  }
  return lastOwnRss
}

/** Resident memory of this process plus the given child processes, in bytes. */
export function residentBytes(pids: readonly number[]): number {
  let sum = ownResidentBytes()
  for (const pid of pids) {
    try {
      const pages = Number(readFileSync(`/proc/${pid}/statm`, 'latin1').split(' ')[1])
      if (Number.isFinite(pages)) sum += pages * 4096
    } catch {
      // The process ended between the listing and the read, or this is not Linux.
    }
  }
  return sum
}

export interface SamplerOptions {
  hz: number
  clockOrigin: number
  /** Child process ids whose memory counts with the lab's. */
  childPids?: () => readonly number[]
  onSample: (sample: Sample) => void
}

export class Sampler {
  private timer: NodeJS.Timeout | null = null
  private last: CoreTimes | null = null
  private reader: CoreTimesReader | null = null

  constructor(private readonly options: SamplerOptions) {}

  get running(): boolean {
    return this.timer !== null
  }

  start(): void {
    if (this.timer) return
    this.reader = new CoreTimesReader()
    this.last = this.reader.read()
    this.timer = setInterval(() => {
      try {
        this.tick()
      } catch {
        // A sample that cannot be read now (no file descriptor left…) is skipped, not fatal.
      }
    }, 1000 / this.options.hz)
  }

  /** Takes one sample now (also used at trial boundaries). */
  tick(): Sample {
    const now = this.reader ? this.reader.read() : readCoreTimes()
    const sample: Sample = {
      t: epochMicros() - this.options.clockOrigin,
      cores: this.last ? utilisation(this.last, now) : now.map(() => 0),
      rss: residentBytes(this.options.childPids?.() ?? []),
    }
    this.last = now
    this.options.onSample(sample)
    return sample
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    this.reader?.close()
    this.reader = null
  }
}
