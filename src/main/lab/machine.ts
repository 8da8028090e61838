// Facts about this machine, shown beside every result.
import { readFileSync } from 'node:fs'
import { availableParallelism, arch, cpus, release, totalmem, type, version } from 'node:os'
import type { MachineInfo } from '../../shared/schemas'

/** Physical cores from /proc/cpuinfo (distinct physical id/core id pairs), or null if unknown. */
export function physicalCores(cpuinfo?: string): number | null {
  let text = cpuinfo
  if (text === undefined) {
    try {
      text = readFileSync('/proc/cpuinfo', 'latin1')
    } catch {
      return null
    }
  }
  const pairs = new Set<string>()
  for (const block of text.split(/\n\s*\n/)) {
    const physical = /^physical id\s*:\s*(\d+)/m.exec(block)?.[1]
    const core = /^core id\s*:\s*(\d+)/m.exec(block)?.[1]
    if (core !== undefined) pairs.add(`${physical ?? 0}:${core}`)
  }
  return pairs.size > 0 ? pairs.size : null
}

const readText = (path: string): string | null => {
  try {
    return readFileSync(path, 'utf8').trim()
  } catch {
    return null
  }
}

/** PRETTY_NAME from an os-release file (Linux), or null. */
export function osReleaseName(
  text: string | null = readText('/etc/os-release') ?? readText('/usr/lib/os-release'),
): string | null {
  const match = text === null ? null : /^PRETTY_NAME=(?:"([^"]*)"|'([^']*)'|(.*))$/m.exec(text)
  return match ? (match[1] ?? match[2] ?? match[3] ?? '').trim() || null : null
}

/** The CPU frequency governor (Linux cpufreq, e.g. performance, powersave), or null where the OS does not say. */
export function cpuGovernor(read: (path: string) => string | null = readText): string | null {
  return read('/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor') || null
}

export function machineInfo(): MachineInfo {
  const linux = process.platform === 'linux'
  return {
    cpuModel: cpus()[0]?.model.trim() || 'unknown CPU',
    logicalCores: availableParallelism(),
    physicalCores: physicalCores(),
    memoryBytes: totalmem(),
    os: `${type()} ${release()} ${arch()}`,
    node: process.versions.node,
    platform: process.platform,
    arch: arch(),
    kernel: release(),
    osName: linux ? osReleaseName() : `${type()} ${version()}`.trim() || null,
    electron: process.versions.electron ?? null,
    python: null,
    cpuGovernor: linux ? cpuGovernor() : null,
  }
}
