// The C10k lab's engine on the Node server models, with small loads: bodies carry the payload's
// checksum, a sweep's numbers are well-formed, a server that dies mid-step fails that step with
// its reason (and the next step starts it again), refused connections and timeouts are counted,
// and no server, cluster worker or load process is left afterwards (checked in /proc).
import { createServer, type AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { bodyChecksum, c10kBody, handlerSchema, parseSweep, type ServerModelId } from '../../src/shared/c10k'
import { ValidationError } from '../../src/shared/schemas'
import { ChildRegistry } from '../../src/main/lab/children'
import { startServer } from '../../src/main/lab/c10k/servers'
import { FD_RESERVE, connectionCap, runSweep, startLoad } from '../../src/main/lab/c10k/sweep'
import { root } from '../helpers'
import { markChildren, markedProcesses } from '../python/helpers'
import { c10kEntries, expectWellFormed, fetchOnce } from './c10k-helpers'

const SMALL = { stepSeconds: 2, timeoutMs: 1000, connections: [2, 6] }

afterEach(() => {
  delete process.env.CONCURRENCY_LAB_TEST_MARK
})

describe('C10k Node server models', () => {
  for (const model of ['node-http', 'node-cluster', 'node-offload'] as const) {
    it(`${model} answers with the payload (checksum of the body) over HTTP/1.1`, async () => {
      const mark = markChildren()
      const registry = new ChildRegistry()
      const handler = handlerSchema.parse({ delayMs: 5, payloadBytes: 1000, workers: 2 })
      const server = await startServer({ model, handler, entries: c10kEntries, registry })
      try {
        const answers = await Promise.all([1, 2, 3].map(() => fetchOnce(server.url)))
        for (const answer of answers) {
          expect(answer.status).toBe(200)
          expect(answer.version).toBe('1.1')
          expect(bodyChecksum(answer.body)).toBe(bodyChecksum(c10kBody(1000)))
        }
      } finally {
        await registry.stopAll(3000)
      }
      expect(markedProcesses(mark)).toEqual([])
    })
  }

  it('a sweep of every Node model gives well-formed numbers and leaves nothing behind', async () => {
    const mark = markChildren()
    const models: ServerModelId[] = ['node-http', 'node-cluster', 'node-offload']
    const result = await runSweep({ models, ...SMALL, handler: { workers: 2 } }, { entries: c10kEntries })
    expect(result.steps.map((s) => [s.model, s.connections])).toEqual(
      models.flatMap((m) => SMALL.connections.map((c) => [m, c])),
    )
    for (const step of result.steps) expectWellFormed(step)
    // The cluster's primary and its 2 workers are counted together; the offload has 2 worker threads more.
    const byModel = (m: string) => result.steps.find((s) => s.model === m)!.server!
    expect(byModel('node-cluster').processes).toBe(3)
    expect(byModel('node-offload').maxThreads).toBeGreaterThan(byModel('node-http').maxThreads)
    expect(result.openFiles.soft).toBeGreaterThan(0)
    expect(markedProcesses(mark)).toEqual([])
  })

  it('a server killed mid-step fails that step with its reason; the next step starts it again', async () => {
    const mark = markChildren()
    let first = true
    const result = await runSweep(
      { models: ['node-http'], connections: [4, 4], stepSeconds: 2, timeoutMs: 1000 },
      {
        entries: c10kEntries,
        onStepStart: ({ serverPid }) => {
          if (!first) return
          first = false
          setTimeout(() => process.kill(serverPid!, 'SIGKILL'), 400)
        },
      },
    )
    const [killed, next] = result.steps
    expect(killed!.error).toMatch(/^the server node-http \(pid \d+\) was killed by SIGKILL during the step$/)
    expect(killed!.load).toBeNull()
    expectWellFormed(next!)
    expect(markedProcesses(mark)).toEqual([])
  })

  it('a server that cannot start fails its steps with the reason', async () => {
    const result = await runSweep(
      { models: ['node-http'], connections: [1], stepSeconds: 2, timeoutMs: 1000 },
      { entries: { ...c10kEntries, nodeServer: join(root, 'tests/fixtures/toplevel-entry.mjs') } },
    )
    expect(result.steps[0]!.error).toMatch(
      /^the server node-http \(pid \d+\) exited with code 1 before it listened: .*could not load/,
    )
  })

  it('counts refused connections as errors', async () => {
    // A port that was free a moment ago and has nothing listening now.
    const probe = createServer()
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()))
    const { port } = probe.address() as AddressInfo
    await new Promise((r) => probe.close(r))
    const registry = new ChildRegistry()
    const load = startLoad({
      url: `http://127.0.0.1:${port}/`,
      connections: 2,
      stepSeconds: 1,
      stepRequests: 1000,
      timeoutMs: 1000,
      payloadBytes: 10,
      entries: c10kEntries,
      registry,
    })
    const result = await load.result
    expect(result.responses).toBe(0)
    expect(result.errors).toBeGreaterThan(0)
    expect(registry.size).toBe(0)
  })

  it('counts requests slower than the timeout as timeouts', async () => {
    const result = await runSweep(
      { models: ['node-http'], connections: [3], stepSeconds: 3, timeoutMs: 1000, handler: { delayMs: 2500 } },
      { entries: c10kEntries },
    )
    const load = result.steps[0]!.load!
    expect(load.timeouts).toBeGreaterThanOrEqual(3)
    expect(load.responses).toBe(0)
  })

  it('a stopped sweep ends the step under way and leaves nothing behind', async () => {
    const mark = markChildren()
    const abort = new AbortController()
    const result = await runSweep(
      { models: ['node-cluster', 'node-http'], connections: [4, 8], stepSeconds: 5, timeoutMs: 1000 },
      { entries: c10kEntries, signal: abort.signal, onStepStart: () => setTimeout(() => abort.abort(), 300) },
    )
    expect(result.steps).toHaveLength(1)
    expect(result.steps[0]!.error).toBe('the sweep was stopped')
    expect(markedProcesses(mark)).toEqual([])
  })

  it('caps connections by the open-file limit, keeping a reserve for each process', () => {
    expect(connectionCap(1024)).toBe(1024 - FD_RESERVE)
    expect(connectionCap(100)).toBe(1)
    expect(connectionCap(null)).toBe(Number.MAX_SAFE_INTEGER)
  })

  it('refuses a sweep whose timeout is not shorter than the step, naming the field', () => {
    expect(() => parseSweep({ models: ['node-http'], stepSeconds: 2, timeoutMs: 2000 })).toThrow(ValidationError)
    expect(() => parseSweep({ models: ['node-http'], stepSeconds: 2, timeoutMs: 2000 })).toThrow(
      /^timeoutMs must be shorter than the step \(2000 ms\)/,
    )
    expect(() => parseSweep({ models: ['nginx'] })).toThrow(/^models\[0\] must be one of node-http/)
    expect(() => parseSweep({ models: ['node-http'], connections: [0] })).toThrow(
      /^connections\[0\] must be an integer from 1 to 20,000/,
    )
  })
})
