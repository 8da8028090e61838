// Helpers for the C10k tests: the built entries, a one-off GET, and what a good step looks like.
import { get } from 'node:http'
import { join } from 'node:path'
import { expect } from 'vitest'
import type { C10kStep } from '../../src/shared/c10k'
import type { C10kEntries } from '../../src/main/lab/c10k/servers'
import { root } from '../helpers'

export const c10kEntries: C10kEntries = {
  nodeServer: join(root, 'out/main/c10k-node-server.js'),
  load: join(root, 'out/main/c10k-load.js'),
}

/** A GET of `url` on its own connection: status, HTTP version and body. */
export function fetchOnce(url: string): Promise<{ status: number; version: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, version: res.httpVersion, body: Buffer.concat(chunks) }),
      )
      res.on('error', reject)
    }).on('error', reject)
  })
}

/** The checks every well-formed, successful step passes. */
export function expectWellFormed(step: C10kStep): void {
  expect(step.error).toBeNull()
  const load = step.load!
  const server = step.server!
  expect(load.responses).toBeGreaterThan(0)
  expect(load.mismatches).toBe(0)
  expect(load.non2xx).toBe(0)
  for (const n of [load.errors, load.timeouts, load.clientCpuMs, server.cpuMs])
    expect(Number.isFinite(n) && n >= 0).toBe(true)
  expect(load.requestsPerSecond).toBeCloseTo(load.responses / (load.durationMs / 1000), 6)
  const { p50, p90, p99, max } = load.latencyMs
  expect(p50).toBeLessThanOrEqual(p90)
  expect(p90).toBeLessThanOrEqual(p99)
  expect(p99).toBeLessThanOrEqual(max)
  expect(server.maxRssBytes).toBeGreaterThan(1024 * 1024)
  expect(server.maxThreads).toBeGreaterThanOrEqual(1)
  expect(server.processes).toBeGreaterThanOrEqual(1)
  expect(load.clientCpuMs).toBeGreaterThan(0)
}
