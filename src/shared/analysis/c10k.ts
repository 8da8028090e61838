// The C10k verdict: which server model held up, where each one broke and why, computed from a
// sweep's measured steps alone. A step "breaks" a model when it failed, when any request errored,
// timed out, got a non-2xx status or a wrong body, or when its p99 latency passed the bound
// (`p99BoundMs`: ten times the handler's own work, and at least 200 ms). The "why" is read from
// the same figures: threads that grew with connections (a thread per client) or stayed flat (an
// event loop or a fixed pool), and a server whose CPU filled its cores.
import { findServerModel, type C10kStep, type HandlerSettings, type ServerModelId } from '../c10k'

/** The p99 latency over which a step counts as broken, for this handler. */
export function p99BoundMs(handler: Pick<HandlerSettings, 'delayMs' | 'cpuMs'>): number {
  return Math.max(200, 10 * (handler.delayMs + handler.cpuMs))
}

const n = (value: number, digits = 0): string =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })

/** Why a step counts as broken, in a few words with its figures; null when it held. */
export function stepProblem(step: C10kStep, boundMs: number): string | null {
  if (step.error !== null || !step.load) return `the step failed: ${step.error ?? 'no measurement'}`
  const l = step.load
  const parts: string[] = []
  if (l.errors > 0) parts.push(`${n(l.errors)} connection errors`)
  if (l.timeouts > 0) parts.push(`${n(l.timeouts)} timeouts`)
  if (l.non2xx > 0) parts.push(`${n(l.non2xx)} non-2xx responses`)
  if (l.mismatches > 0) parts.push(`${n(l.mismatches)} wrong bodies`)
  if (l.responses === 0) parts.push('no responses at all')
  if (l.latencyMs.p99 > boundMs) parts.push(`p99 ${n(l.latencyMs.p99)} ms (over ${n(boundMs)} ms)`)
  return parts.length > 0 ? parts.join(', ') : null
}

export interface ModelVerdict {
  model: ServerModelId
  title: string
  /** Connection counts measured, in sweep order. */
  connections: number[]
  /** Largest connection count it held at (every step up to it held), or null when it broke at the first. */
  heldTo: number | null
  /** The first step that broke it, or null when it held throughout. */
  broke: { connections: number; problem: string } | null
  /** Requests per second at the largest connection count it held at. */
  bestRequestsPerSecond: number | null
  /** One sentence on why, from its threads and CPU. */
  why: string
}

export interface C10kVerdict {
  /** One line: the model that held up best, with its figures; null when no step ran. */
  headline: string | null
  /** One line per model: where it broke (or that it held) and why. */
  models: ModelVerdict[]
  lines: string[]
  boundMs: number
}

/** "7" or "7–9": the fewest and most threads over the steps. */
function threadRange(steps: C10kStep[]): string {
  const counts = steps.map((s) => s.server!.maxThreads)
  const lo = Math.min(...counts)
  const hi = Math.max(...counts)
  return lo === hi ? n(lo) : `${n(lo)}–${n(hi)}`
}

function whyOf(steps: C10kStep[], stepSeconds: number): string {
  const ran = steps.filter((s) => s.server && s.load)
  if (ran.length === 0) return 'no step ran, so there is nothing to read its behaviour from'
  const first = ran[0]!
  const last = ran[ran.length - 1]!
  const reasons: string[] = []
  if (ran.length >= 2 && last.connections > first.connections) {
    // A thread per client if, up to some step, its threads grew by at least half the connections
    // added: a server that fell behind at the last step (timeouts) had fewer threads than clients.
    const perClient = (s: C10kStep): boolean =>
      s.connections > first.connections &&
      s.server!.maxThreads - first.server!.maxThreads >= (s.connections - first.connections) / 2
    const grewTo = perClient(last) ? last : ran.slice(1, -1).findLast(perClient)
    if (grewTo) {
      const shown = grewTo === last ? [first, last] : [first, grewTo, last]
      reasons.push(
        `its threads grew with the connections (${shown.map((s) => `${n(s.server!.maxThreads)} at ${n(s.connections)}`).join(', ')}): a thread per client, each with its own stack`,
      )
    } else
      reasons.push(
        `its threads stayed at ${threadRange(ran)} from ${n(first.connections)} to ${n(last.connections)} connections: an event loop (or a fixed pool) where a waiting request holds no thread`,
      )
  } else {
    reasons.push(`it ran ${n(first.server!.maxThreads)} threads at ${n(first.connections)} connections`)
  }
  const busiest = ran.reduce((a, b) => (b.server!.cpuMs > a.server!.cpuMs ? b : a))
  const cores = busiest.server!.cpuMs / (stepSeconds * 1000)
  if (cores >= 0.8)
    reasons.push(
      `at ${n(busiest.connections)} connections it used ${n(cores, 2)} cores of CPU: its ${busiest.server!.processes > 1 ? 'processes were' : 'process was'} busy, not waiting`,
    )
  return reasons.join('; ')
}

/** The verdict of a sweep's steps (in sweep order), as the page and the CLI print it. */
export function c10kVerdict(
  steps: readonly C10kStep[],
  settings: { handler: Pick<HandlerSettings, 'delayMs' | 'cpuMs'>; stepSeconds: number },
): C10kVerdict {
  const boundMs = p99BoundMs(settings.handler)
  const order: ServerModelId[] = []
  for (const s of steps) if (!order.includes(s.model)) order.push(s.model)
  const models = order.map((id): ModelVerdict => {
    const own = steps.filter((s) => s.model === id)
    let heldTo: number | null = null
    let heldStep: C10kStep | null = null
    let broke: ModelVerdict['broke'] = null
    for (const s of own) {
      const problem = stepProblem(s, boundMs)
      if (problem) {
        broke = { connections: s.connections, problem }
        break
      }
      heldTo = s.connections
      heldStep = s
    }
    return {
      model: id,
      title: findServerModel(id)?.title ?? id,
      connections: own.map((s) => s.connections),
      heldTo,
      broke,
      bestRequestsPerSecond: heldStep?.load?.requestsPerSecond ?? null,
      why: whyOf(own, settings.stepSeconds),
    }
  })
  // Best: held to the most connections; among those, the most requests per second there.
  const ranked = models
    .filter((m) => m.heldTo !== null)
    .sort((a, b) => b.heldTo! - a.heldTo! || (b.bestRequestsPerSecond ?? 0) - (a.bestRequestsPerSecond ?? 0))
  const best = ranked[0]
  let headline: string | null = null
  if (best)
    headline =
      `${best.title} held up best: ${best.broke ? `it held to ${n(best.heldTo!)} connections` : `no errors, timeouts or p99 over ${n(boundMs)} ms up to ${n(best.heldTo!)} connections`}, ` +
      `at ${n(best.bestRequestsPerSecond ?? 0)} requests/s there.`
  else if (models.length > 0) headline = `No model held even at its first step (p99 bound ${n(boundMs)} ms).`
  const lines = models.map(
    (m) =>
      `${m.title}: ${m.broke ? `broke at ${n(m.broke.connections)} connections (${m.broke.problem})` : `held at every step up to ${n(m.heldTo ?? 0)} connections`}; ${m.why}.`,
  )
  return { headline, models, lines, boundMs }
}
