// The C10k commands through the built CLI: `c10k` prints its table and exits 0, a bad option is
// one line and exit 2, and `serve-model` prints a URL that serves the payload and leaves nothing
// behind after Ctrl-C (SIGINT), checked in /proc.
import { spawn, spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { bodyChecksum, c10kBody } from '../../src/shared/c10k'
import { root } from '../helpers'
import { fetchOnce } from '../lab/c10k-helpers'
import { markChildren, markedProcesses } from '../python/helpers'

const bin = join(root, 'bin/concurrency-lab.js')
const cli = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000 })

afterEach(() => {
  delete process.env.CONCURRENCY_LAB_TEST_MARK
})

describe('concurrency-lab c10k and serve-model', () => {
  it('c10k prints one row per model × connections (exit 0)', () => {
    const mark = markChildren()
    const out = cli('c10k', '--models', 'node-http', '--connections', '2,4', '--seconds', '2', '--timeout', '1000')
    expect(out.stderr).toMatch(/node-http at 4 connections \(2 s\)/)
    expect(out.status).toBe(0)
    expect(out.stdout).toMatch(/model\s+conns\s+req\/s\s+p50 ms\s+p90 ms\s+p99 ms/)
    expect(out.stdout).toMatch(/^node-http\s+2\s+\d/m)
    expect(out.stdout).toMatch(/^node-http\s+4\s+\d/m)
    expect(out.stdout).toMatch(/^Open-file limit: \d+/m)
    // The verdict, from the same steps as the page's: where node-http held or broke, and why.
    expect(out.stdout).toMatch(
      /^ {2}Node event loop \(http\): (held at every step up to 4 connections|broke at \d connections \(.+\)); its threads stayed at /m,
    )
    expect(markedProcesses(mark)).toEqual([])
  })

  it('refuses a bad option in one line (exit 2)', () => {
    const out = cli('c10k', '--connections', '10,0')
    expect(out.status).toBe(2)
    expect(out.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^error: --connections must be a list of integers from 1 to 20,000/),
    ])
    const model = cli('serve-model', '--model', 'apache')
    expect(model.status).toBe(2)
    expect(model.stderr).toMatch(/^error: --model must be one of node-http, /)
  })

  it('serve-model prints a URL that serves the payload, and Ctrl-C leaves nothing', async () => {
    const mark = markChildren()
    const child = spawn(process.execPath, [bin, 'serve-model', '--model', 'node-cluster', '--payload', '99'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t))
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    const deadline = Date.now() + 20_000
    while (!stdout.includes('\n') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
    const url = stdout.trim()
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
    const answer = await fetchOnce(url)
    expect(bodyChecksum(answer.body)).toBe(bodyChecksum(c10kBody(99)))
    // The cluster's primary and its 2 workers are running.
    expect(markedProcesses(mark).length).toBeGreaterThanOrEqual(4)
    child.kill('SIGINT')
    expect(await exited).toBe(0)
    expect(markedProcesses(mark)).toEqual([])
  })
})
