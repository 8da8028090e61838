// The C10k lab's load generator: one process per step, so its CPU is measured apart from the
// server's. It runs autocannon against the URL with the step's settings (given as one JSON
// argument, checked by the lab), then prints one line, {"type":"result", ...}, and exits.
import autocannon from 'autocannon'
import type { LoadResult } from '../../shared/c10k'

interface LoadArgs {
  url: string
  connections: number
  durationSec: number
  maxRequests: number
  timeoutMs: number
  expectBody: string
}

const args = JSON.parse(process.argv[2] ?? '{}') as LoadArgs
const cpuBefore = process.cpuUsage()
const started = performance.now()

const instance = autocannon(
  {
    url: args.url,
    connections: args.connections,
    duration: args.durationSec,
    maxOverallRequests: args.maxRequests,
    timeout: args.timeoutMs / 1000,
    pipelining: 1,
    expectBody: args.expectBody,
  },
  (error, result) => {
    if (error) {
      process.stderr.write(`autocannon failed: ${error.message}\n`)
      process.exit(1)
    }
    const cpu = process.cpuUsage(cpuBefore)
    const durationMs = result.duration > 0 ? result.duration * 1000 : Math.max(performance.now() - started, 1)
    // Completed responses: the requests histogram counts responses of any status.
    const responses = result.requests.total
    const load: LoadResult = {
      durationMs,
      responses,
      requestsPerSecond: responses / (durationMs / 1000),
      latencyMs: {
        p50: result.latency.p50,
        p90: result.latency.p90,
        p99: result.latency.p99,
        max: result.latency.max,
      },
      errors: result.errors - result.timeouts,
      timeouts: result.timeouts,
      non2xx: result.non2xx,
      mismatches: result.mismatches,
      clientCpuMs: (cpu.user + cpu.system) / 1000,
    }
    process.stdout.write(`${JSON.stringify({ type: 'result', load })}\n`, () => process.exit(0))
  },
)

process.on('SIGTERM', () => instance.stop())
