// The CLI over session files: show, compare, export, sessions, and the exit codes for bad files.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SessionStore, writeSessionFile } from '../../src/main/lab/sessions'
import { root } from '../helpers'
import { makeRun, makeSession } from './fixtures'

const dir = mkdtempSync(join(tmpdir(), 'lab-cli-sessions-'))
const dataDir = join(dir, 'library')
const env = { ...process.env, CONCURRENCY_LAB_DATA_DIR: dataDir }
const cli = (...args: string[]) =>
  spawnSync(process.execPath, [join(root, 'bin/concurrency-lab.js'), ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env,
  })
const laptop = join(dir, 'laptop.json')
const server = join(dir, 'server.json')

beforeAll(async () => {
  await writeSessionFile(
    laptop,
    makeSession(
      [makeRun({ seed: 1, id: 'laptop-1' }), makeRun({ seed: 3, id: 'laptop-2', repetitions: 5 })],
      'laptop',
      'Laptop',
    ),
  )
  await writeSessionFile(
    server,
    makeSession(
      [makeRun({ seed: 2, id: 'server-1', repetitions: 5, meanMs: (s) => (s === 'sequential' ? 40 : 100) })],
      'server',
      'Server',
    ),
  )
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('concurrency-lab show / compare / export', () => {
  it('show prints the session and each run as a table', () => {
    const out = cli('show', laptop)
    expect(out.status).toBe(0)
    expect(out.stdout).toMatch(/^Laptop · 2 runs · created 2025-03-04 10:00 UTC/)
    expect(out.stdout).toContain('Notes: Quiet machine, on mains power.')
    expect(out.stdout).toMatch(/Run 1 of 2 · finished[\s\S]*Run 2 of 2 · finished/)
    expect(out.stdout).toMatch(/^sequential\s+1\s+\d+\.\d ms ± /m)
  })

  it('compare prints "x ± y times faster", p-values and the machine table (last run of each by default)', () => {
    const out = cli('compare', laptop, server)
    expect(out.status).toBe(0)
    expect(out.stdout).toMatch(/^A: .*laptop\.json · primes/m)
    expect(out.stdout).toMatch(/^sequential\s+1\s+.*B is 2\.\d\d ± 0\.\d\d times faster than A \(p < 0\.001\)$/m)
    expect(out.stdout).toMatch(/^threads\s+2\s+.*A is 2\.\d\d ± 0\.\d\d times faster than B \(p < 0\.001\)$/m)
    expect(out.stdout).toMatch(/Machines \(\* where they differ\)/)
    const json = JSON.parse(cli('compare', laptop, server, '--run-a', '1', '--json').stdout)
    expect(json.rows[0].a.n).toBe(3) // run 1 of the laptop has 3 repetitions; run 2 has 5
  })

  it('export writes JSON, CSV and Markdown of the chosen run', () => {
    const csv = cli('export', laptop, '--format', 'csv', '--run', '1')
    expect(csv.status).toBe(0)
    expect(csv.stdout.split('\r\n')[1]).toMatch(/^laptop-1,primes,sequential,node,1,1,false,/)
    expect(JSON.parse(cli('export', laptop, '--format', 'json').stdout).id).toBe('laptop-2')
    const md = join(dir, 'report.md')
    expect(cli('export', server, '-f', 'md', '-o', md).status).toBe(0)
    expect(readFileSync(md, 'utf8')).toMatch(
      /^# Count primes[\s\S]*\| Strategy \| Workers \| Mean \[ms\][\s\S]*## Verdict\n\nSequential won \([^)]+\): no concurrent strategy beat it here\.\n/,
    )
  })

  it('show and sessions read the library by id', async () => {
    await new SessionStore(dataDir).save(makeSession([makeRun()], 'in-library', 'From the library'))
    expect(cli('show', 'in-library').stdout).toMatch(/^From the library · 1 run/)
    const list = cli('sessions')
    expect(list.status).toBe(0)
    expect(list.stdout).toMatch(/^in-library\s+From the library\s+2025-03-04 11:00\s+1\s+Test CPU 3000/m)
  })

  const bad = (name: string, bytes: string | Buffer): string => {
    const path = join(dir, name)
    writeFileSync(path, bytes)
    return path
  }
  it.each([
    ['empty', () => bad('empty.json', ''), /is empty/],
    ['truncated', () => bad('truncated.json', readFileSync(laptop).subarray(0, 500)), /is truncated/],
    ['malformed', () => bad('malformed.json', '{"format": nope}'), /is not valid JSON/],
    ['binary', () => bad('binary.json', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0])), /holds binary data/],
    ['foreign', () => bad('foreign.json', '{"name": "some-package"}'), /is not a Concurrency Lab session/],
    [
      'newer',
      () =>
        bad(
          'newer.json',
          '{"format": "concurrency-lab-session", "schemaVersion": 3, "writtenBy": "Concurrency Lab 4.0.0"}',
        ),
      /was written by schema version 3 \(Concurrency Lab 4\.0\.0\); this lab reads up to 1/,
    ],
    ['missing', () => join(dir, 'missing.json'), /missing\.json does not exist/],
  ])('exits 2 with one line for a %s file', (_kind, make, message) => {
    const path = make()
    for (const args of [
      ['show', path],
      ['compare', path, laptop],
      ['export', path, '--format', 'csv'],
    ]) {
      const out = cli(...args)
      expect(out.status, args.join(' ')).toBe(2)
      expect(out.stdout).toBe('')
      expect(out.stderr).toMatch(/^error: .+\n$/)
      expect(out.stderr).toMatch(message)
    }
  })

  it('exits 2 for a run number or format that does not exist', () => {
    expect(cli('export', laptop, '--format', 'xml').stderr).toBe('error: --format must be one of json, csv, md\n')
    const out = cli('compare', laptop, server, '--run-b', '2')
    expect(out.status).toBe(2)
    expect(out.stderr).toBe(`error: --run-b must be a run number from 1 to 1 (${server} holds 1 run)\n`)
  })

  it('run --out where nothing can be written: prints the results, says why, exits 1', () => {
    const blocked = join(dir, 'a-file')
    writeFileSync(blocked, 'not a folder')
    const out = cli(
      'run',
      '-w',
      'sleep',
      '-s',
      'async',
      '-r',
      '1',
      '--warmup',
      '0',
      '-p',
      'tasks=2',
      '-p',
      'duration=1',
      '--no-progress',
      '--no-autosave',
      '--out',
      join(blocked, 'run.json'),
    )
    expect(out.status).toBe(1)
    expect(out.stdout).toMatch(/^async\s+1\s/m)
    expect(out.stderr).toMatch(
      /^error: cannot save .*a-file\/run\.json: .*a-file is not a folder \((ENOTDIR|EEXIST)\); nothing was changed there; save it somewhere else\n$/,
    )
  })

  it('run autosaves into --data-dir and --out writes that same session', () => {
    const library = join(dir, 'autosave-library')
    const file = join(dir, 'run-session.json')
    const out = cli(
      'run',
      '-w',
      'sleep',
      '-s',
      'async',
      '-r',
      '1',
      '--warmup',
      '0',
      '-p',
      'tasks=2',
      '-p',
      'duration=1',
      '--no-progress',
      '--data-dir',
      library,
      '--name',
      'CLI session',
      '--out',
      file,
    )
    expect(out.status).toBe(0)
    const listed = JSON.parse(cli('sessions', '--json', '--data-dir', library).stdout)
    expect(listed).toHaveLength(1)
    expect(listed[0]).toMatchObject({ name: 'CLI session', runs: 1 })
    expect(JSON.parse(readFileSync(file, 'utf8')).id).toBe(listed[0].id)
  })
})
