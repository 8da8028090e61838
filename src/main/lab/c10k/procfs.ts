// What a process group uses, read from /proc: CPU time, resident memory and threads of every
// process whose process group is the server's (a cluster primary and its workers count together).
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'

let ticksPerSecond: number | null = null

/** The kernel's clock ticks per second for /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
function clockTicks(): number {
  if (ticksPerSecond === null) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
    } catch {
      ticksPerSecond = 100
    }
  }
  return ticksPerSecond
}

const PAGE_BYTES = 4096

export interface GroupUsage {
  /** CPU time of the live members, user + system, in ms. */
  cpuMs: number
  rssBytes: number
  threads: number
  processes: number
}

/** Usage of every live process in process group `pgid`; null where there is no /proc. */
export function groupUsage(pgid: number): GroupUsage | null {
  let names: string[]
  try {
    names = readdirSync('/proc')
  } catch {
    return null
  }
  const ticks = clockTicks()
  const usage: GroupUsage = { cpuMs: 0, rssBytes: 0, threads: 0, processes: 0 }
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue
    let stat: string
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'latin1')
    } catch {
      continue // Ended while we looked.
    }
    // Fields after the command name (in parentheses, which may hold spaces); field 3 is index 0.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    if (f[0] === 'Z' || f[0] === 'X' || Number(f[2]) !== pgid) continue
    usage.processes++
    usage.cpuMs += ((Number(f[11]) + Number(f[12])) / ticks) * 1000
    usage.threads += Number(f[17])
    usage.rssBytes += Number(f[21]) * PAGE_BYTES
  }
  return usage
}
