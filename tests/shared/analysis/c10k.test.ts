// The C10k verdict reads only the measured steps: where each model broke (errors, timeouts,
// non-2xx, wrong bodies, a failed step, or p99 over the bound), which held up, and why (threads
// that grew with connections, or stayed flat; CPU that filled a core), with the figures.
import { describe, expect, it } from 'vitest'
import type { C10kStep, ServerModelId } from '../../../src/shared/c10k'
import { c10kVerdict, p99BoundMs, stepProblem } from '../../../src/shared/analysis/c10k'

function step(
  model: ServerModelId,
  connections: number,
  figures: Partial<{
    rps: number
    p99: number
    errors: number
    timeouts: number
    non2xx: number
    threads: number
    cpuMs: number
  }>,
): C10kStep {
  return {
    model,
    connectionsAsked: connections,
    connections,
    runtime: 'test',
    error: null,
    load: {
      durationMs: 2000,
      responses: (figures.rps ?? 1000) * 2,
      requestsPerSecond: figures.rps ?? 1000,
      latencyMs: { p50: 20, p90: 25, p99: figures.p99 ?? 30, max: (figures.p99 ?? 30) + 5 },
      errors: figures.errors ?? 0,
      timeouts: figures.timeouts ?? 0,
      non2xx: figures.non2xx ?? 0,
      mismatches: 0,
      clientCpuMs: 500,
    },
    server: { cpuMs: figures.cpuMs ?? 300, maxRssBytes: 30e6, maxThreads: figures.threads ?? 1, processes: 1 },
  }
}

const settings = { handler: { delayMs: 20, cpuMs: 0 }, stepSeconds: 2 }

describe('the C10k verdict', () => {
  it('names where the thread-per-client model broke and why, and the event loop that held', () => {
    const steps = [
      step('py-threading-http', 10, { rps: 450, threads: 12 }),
      step('py-threading-http', 100, { rps: 4000, threads: 102 }),
      step('py-threading-http', 1000, { rps: 900, threads: 1002, timeouts: 37, p99: 1900 }),
      step('node-http', 10, { rps: 480, threads: 7 }),
      step('node-http', 100, { rps: 4500, threads: 7 }),
      step('node-http', 1000, { rps: 9000, threads: 7, p99: 150, cpuMs: 1900 }),
    ]
    const v = c10kVerdict(steps, settings)
    expect(v.boundMs).toBe(200)
    expect(v.headline).toBe(
      'Node event loop (http) held up best: no errors, timeouts or p99 over 200 ms up to 1,000 connections, at 9,000 requests/s there.',
    )
    const [threads, node] = v.models
    expect(threads!.broke).toEqual({ connections: 1000, problem: '37 timeouts, p99 1,900 ms (over 200 ms)' })
    expect(threads!.heldTo).toBe(100)
    expect(threads!.why).toMatch(/threads grew with the connections \(12 at 10, 1,002 at 1,000\): a thread per client/)
    expect(node!.broke).toBeNull()
    expect(node!.why).toMatch(/threads stayed at 7 from 10 to 1,000 connections: an event loop/)
    expect(node!.why).toMatch(/at 1,000 connections it used 0.95 cores of CPU/)
    expect(threads!.why).not.toMatch(/cores of CPU/)
    expect(v.lines[0]).toMatch(/^Python ThreadingHTTPServer: broke at 1,000 connections \(37 timeouts/)
  })

  it('a thread per client that could not keep up at the last step still reads as a thread per client', () => {
    // Measured here (bench c10k): 11, 101 and 486 threads at 10, 100 and 1,000 connections, the
    // last step with 1,068 timeouts: the threads grew one for one until the server fell behind.
    const steps = [
      step('py-threading-http', 10, { threads: 11 }),
      step('py-threading-http', 100, { threads: 101 }),
      step('py-threading-http', 1000, { threads: 486, timeouts: 1068, p99: 566 }),
    ]
    const why = c10kVerdict(steps, settings).models[0]!.why
    expect(why).toMatch(
      /threads grew with the connections \(11 at 10, 101 at 100, 486 at 1,000\): a thread per client, each with its own stack/,
    )
    expect(why).not.toMatch(/stayed/)
  })

  it('a failed step, errors and non-2xx each break a model; nothing held says so', () => {
    const failed: C10kStep = { ...step('node-cluster', 10, {}), load: null, server: null, error: 'the server exited' }
    expect(stepProblem(failed, 200)).toBe('the step failed: the server exited')
    expect(stepProblem(step('node-http', 10, { errors: 3, non2xx: 2 }), 200)).toBe(
      '3 connection errors, 2 non-2xx responses',
    )
    expect(stepProblem(step('node-http', 10, { p99: 199 }), 200)).toBeNull()
    const v = c10kVerdict([failed], settings)
    expect(v.headline).toBe('No model held even at its first step (p99 bound 200 ms).')
    expect(v.models[0]!.heldTo).toBeNull()
  })

  it('the p99 bound follows the handler’s own work', () => {
    expect(p99BoundMs({ delayMs: 0, cpuMs: 0 })).toBe(200)
    expect(p99BoundMs({ delayMs: 100, cpuMs: 5 })).toBe(1050)
  })
})
