// The C10k sweep (issue 13): every server model this machine can run at 10, 100 and 1,000
// connections, one 5 s autocannon step each (per-request timeout 2 s), printed as the CLI's table
// and verdict on stderr and returned whole for the JSON line. A model whose framework no Python
// here has is left out, said why. Run alone: npm run bench -- c10k (about 8 models × 3 × 5 s).
import { SERVER_MODELS, type C10kStep } from '../src/shared/c10k'
import { c10kVerdict } from '../src/shared/analysis/c10k'
import { formatSweep } from '../src/main/cli/c10k'
import { pythonFor } from '../src/main/lab/c10k/servers'
import { runSweep } from '../src/main/lab/c10k/sweep'
import { built, say } from './support'

const CONNECTIONS = [10, 100, 1000]
const STEP_SECONDS = Number(process.env['C10K_BENCH_SECONDS'] ?? 5)

export interface C10kFigures {
  connections: number[]
  stepSeconds: number
  openFiles: { soft: number | null; hard: number | null; raised: boolean }
  /** Models left out, with why. */
  skipped: Record<string, string>
  /** Per model, per connection count: the figures of its step (or its error). */
  models: Record<
    string,
    Record<
      string,
      | {
          rps: number
          p50: number
          p99: number
          errors: number
          timeouts: number
          non2xx: number
          serverCpuS: number
          rssMb: number
          threads: number
          clientCpuS: number
        }
      | { error: string }
    >
  >
  verdict: string | null
}

const round = (v: number, digits = 1): number => Math.round(v * 10 ** digits) / 10 ** digits

function figures(step: C10kStep): C10kFigures['models'][string][string] {
  if (!step.load || !step.server) return { error: step.error ?? 'no measurement' }
  return {
    rps: Math.round(step.load.requestsPerSecond),
    p50: round(step.load.latencyMs.p50),
    p99: round(step.load.latencyMs.p99),
    errors: step.load.errors,
    timeouts: step.load.timeouts,
    non2xx: step.load.non2xx,
    serverCpuS: round(step.server.cpuMs / 1000, 2),
    rssMb: round(step.server.maxRssBytes / (1024 * 1024)),
    threads: step.server.maxThreads,
    clientCpuS: round(step.load.clientCpuMs / 1000, 2),
  }
}

export async function c10kFigures(): Promise<C10kFigures> {
  const interpreters = await pythonFor(SERVER_MODELS, undefined)
  const skipped: Record<string, string> = {}
  for (const [model, python] of interpreters) if (typeof python === 'string') skipped[model] = python
  for (const [model, why] of Object.entries(skipped)) say(`c10k: ${model} left out: ${why}`)
  const models = SERVER_MODELS.map((m) => m.id).filter((id) => !(id in skipped))
  say(`c10k: ${models.length} models × ${CONNECTIONS.join('/')} connections, ${STEP_SECONDS} s a step`)
  const result = await runSweep(
    { models, connections: CONNECTIONS, stepSeconds: STEP_SECONDS, timeoutMs: 2000 },
    {
      entries: { nodeServer: built('c10k-node-server.js'), load: built('c10k-load.js') },
      onStepStart: ({ model, connections }) => say(`c10k: ${model} at ${connections} connections…`),
    },
  )
  say(formatSweep(result))
  const out: C10kFigures['models'] = {}
  for (const step of result.steps) (out[step.model] ??= {})[String(step.connectionsAsked)] = figures(step)
  return {
    connections: CONNECTIONS,
    stepSeconds: STEP_SECONDS,
    openFiles: result.openFiles,
    skipped,
    models: out,
    verdict: c10kVerdict(result.steps, result.sweep).headline,
  }
}
