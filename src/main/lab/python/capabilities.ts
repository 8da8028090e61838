// What a strategy may need from its interpreter beyond the standard library (StrategySpec.needs),
// one row per capability, and the sentences that say where a need is met. The interpreter probe
// looks for the modules of this table; adding a capability is a row here and a name in Capability.
import type { Capability, StrategySpec } from '../../../shared/catalog'
import type { PythonInterpreter } from './interpreters'

interface CapabilityRow {
  /** What the strategy needs, as a sentence names it. */
  what: string
  /** Set for a module: the name the probe looks up with importlib.util.find_spec. */
  module?: string
  /** Why the chosen interpreter does not do: "Python 3.11.7 at … <lacks>". */
  lacks: string
  /** Follows "needs <what>" when no interpreter found here has it. */
  nowhere: string
  /** Where to get it. */
  hint: string
}

const moduleRow = (name: string, debianPackage: string): CapabilityRow => ({
  what: name,
  module: name,
  lacks: 'cannot import it',
  nowhere: 'which no interpreter found here can import',
  hint: `Debian's /usr/bin/python3 with ${debianPackage} has it (or pip install ${name})`,
})

export const CAPABILITIES: Record<Capability, CapabilityRow> = {
  'free-threaded': {
    what: 'a free-threaded Python (3.13t or newer)',
    lacks: 'always runs with the GIL',
    nowhere: 'which no interpreter found here is',
    hint: 'install a free-threaded build (python3.13t or newer) and add its path',
  },
  gevent: moduleRow('gevent', 'python3-gevent'),
  twisted: moduleRow('twisted', 'python3-twisted'),
  uvloop: moduleRow('uvloop', 'python3-uvloop'),
  distributed: moduleRow('distributed', 'python3-distributed'),
  starlette: moduleRow('starlette', 'python3-starlette'),
  uvicorn: moduleRow('uvicorn', 'python3-uvicorn'),
}

/** The optional modules the interpreter probe looks for, by capability. */
export const PROBED_MODULES: ReadonlyArray<{ capability: Capability; module: string }> = Object.entries(CAPABILITIES)
  .filter(([, row]) => row.module !== undefined)
  .map(([capability, row]) => ({ capability: capability as Capability, module: row.module! }))

const has = (p: PythonInterpreter, need: Capability): boolean => p.capabilities.includes(need)

/** Whether the interpreter meets every need of the strategy. */
export function meetsNeeds(spec: Pick<StrategySpec, 'needs'>, p: PythonInterpreter): boolean {
  return spec.needs.every((need) => has(p, need))
}

const named = (p: PythonInterpreter): string => `${p.executable} (${p.version})`

/** Where a need is met among the usable interpreters: "use /usr/bin/python3 (3.11.2), which has it", or how to get it. */
function whereMet(need: Capability, usable: readonly PythonInterpreter[]): string {
  const having = usable.filter((p) => has(p, need))
  if (having.length === 0) return CAPABILITIES[need].hint
  return `use ${having.map(named).join(' or ')}, which ${having.length === 1 ? 'has' : 'have'} it`
}

/**
 * Why the catalog lists a strategy as unavailable: no usable interpreter meets all its needs.
 * Undefined when one does (the run then picks it, see RunController).
 */
export function unmetNeedsReason(
  spec: Pick<StrategySpec, 'needs'>,
  usable: readonly PythonInterpreter[],
): string | undefined {
  if (usable.some((p) => meetsNeeds(spec, p))) return undefined
  const nowhere = spec.needs.find((need) => !usable.some((p) => has(p, need)))
  if (nowhere) {
    const row = CAPABILITIES[nowhere]
    return `needs ${row.what}, ${row.nowhere}; ${row.hint}`
  }
  // Each need is met somewhere, but no one interpreter meets them all.
  const parts = spec.needs.map((need) => `${CAPABILITIES[need].what}: ${whereMet(need, usable)}`)
  return `needs ${spec.needs.map((need) => CAPABILITIES[need].what).join(' and ')} in one interpreter, which none found here is; ${parts.join('; ')}`
}

/**
 * Why `spec` cannot run on the interpreter a run chose, in one line that says where each need
 * is met instead; undefined when the interpreter meets every need.
 */
export function lackingNeedsReason(
  spec: Pick<StrategySpec, 'needs' | 'title'>,
  chosen: PythonInterpreter,
  usable: readonly PythonInterpreter[],
): string | undefined {
  const need = spec.needs.find((n) => !has(chosen, n))
  if (!need) return undefined
  const row = CAPABILITIES[need]
  return `${spec.title} needs ${row.what}, but Python ${chosen.version} at ${chosen.executable} ${row.lacks}; ${whereMet(need, usable)}`
}
