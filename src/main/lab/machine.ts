// Facts about this machine, shown beside every result.
import { readFileSync } from 'node:fs'
import { availableParallelism, arch, cpus, release, totalmem, type } from 'node:os'
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

export function machineInfo(): MachineInfo {
  return {
    cpuModel: cpus()[0]?.model.trim() || 'unknown CPU',
    logicalCores: availableParallelism(),
    physicalCores: physicalCores(),
    memoryBytes: totalmem(),
    os: `${type()} ${release()} ${arch()}`,
    node: process.versions.node,
  }
}
