import { describe, expect, it } from 'vitest'
import {
  MIGRATIONS,
  SESSION_FORMAT,
  SESSION_SCHEMA_VERSION,
  SessionError,
  decodeSessionBytes,
  decodeSessionText,
  encodeSession,
  type SessionProblem,
} from '../../src/shared/session'
import { makeLargeSession, makeRun, makeSession } from './fixtures'

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text)

function problemOf(read: () => unknown): { problem: SessionProblem; message: string } {
  try {
    read()
  } catch (error) {
    expect(error).toBeInstanceOf(SessionError)
    const e = error as SessionError
    expect(e.message).not.toMatch(/\n/)
    return { problem: e.problem, message: e.message }
  }
  throw new Error('expected the read to fail')
}

describe('session file codec', () => {
  it('round-trips a session exactly, timelines and samples included', () => {
    const session = makeSession([makeRun({ seed: 1 }), makeRun({ seed: 2, id: 'run-2', status: 'stopped' })])
    const text = encodeSession(session, 'Concurrency Lab test')
    const read = decodeSessionText(text, 'a.json')
    expect(read).toEqual(session)
    // And a second trip gives the same bytes.
    expect(encodeSession(read, 'Concurrency Lab test')).toBe(text)
  })

  it('stores timelines and samples as columns, not one object per slice', () => {
    const session = makeSession([makeRun({ tasks: 50, samples: 30 })])
    const file = JSON.parse(encodeSession(session, 'test'))
    expect(file.format).toBe(SESSION_FORMAT)
    expect(file.schemaVersion).toBe(SESSION_SCHEMA_VERSION)
    expect(file.writtenBy).toBe('test')
    const timeline = file.runs[0].trials[0].timeline
    expect(Object.keys(timeline).sort()).toEqual(['end', 'lane', 'start', 'task', 'worker'])
    expect(timeline.task).toHaveLength(50)
    expect(file.runs[0].samples.t).toHaveLength(30)
    expect(file.runs[0].samples.cores[0]).toHaveLength(4)
  })

  it('keeps the scale goal (100,000 tasks, 10 min of 10 Hz × 16 cores) under 20 MB', () => {
    const text = encodeSession(makeLargeSession(), 'test')
    expect(Buffer.byteLength(text)).toBeLessThan(20 * 1024 * 1024)
  })

  it('migrates a version-0 file (a bare run, as `run --out` wrote it before sessions) on open', () => {
    const run = makeRun({ id: 'b6f1c7a2-0000-4000-8000-000000000001' })
    expect(MIGRATIONS[0]).toBeTypeOf('function')
    const read = decodeSessionText(JSON.stringify(run, null, 2), 'old-run.json')
    expect(read.schemaVersion).toBe(1)
    expect(read.id).toBe('run-b6f1c7a2-0000-4000-8000-000000000001')
    expect(read.name).toBe('primes · 2025-03-04 10:20')
    expect(read.runs).toEqual([run])
    expect(read.machine).toEqual(run.machine)
  })

  it('names the problem of a damaged version-0 run file', () => {
    const run = { ...makeRun(), trials: 'none' }
    const { problem, message } = problemOf(() => decodeSessionText(JSON.stringify(run), 'old-run.json'))
    expect(problem).toBe('invalid')
    expect(message).toMatch(/^old-run\.json is an old run file that is damaged: trials /)
  })

  it('refuses a newer schema version, saying which version and lab wrote it', () => {
    const file = JSON.parse(encodeSession(makeSession(), 'x'))
    const newer = {
      ...file,
      schemaVersion: 7,
      writtenBy: 'Concurrency Lab 9.2.0',
      runs: 'a shape this lab cannot know',
    }
    const { problem, message } = problemOf(() => decodeSessionText(JSON.stringify(newer), 'future.json'))
    expect(problem).toBe('newer-version')
    expect(message).toBe(
      'future.json was written by schema version 7 (Concurrency Lab 9.2.0); this lab reads up to 1: update Concurrency Lab to open it',
    )
  })

  const valid = encodeSession(makeSession(), 'test')
  it.each<[string, Uint8Array, SessionProblem, RegExp]>([
    ['empty', new Uint8Array(0), 'empty', /^f\.json is empty \(0 bytes\)/],
    ['whitespace only', utf8('  \n\t '), 'empty', /^f\.json is empty/],
    [
      'truncated',
      utf8(valid.slice(0, Math.floor(valid.length / 2))),
      'truncated',
      /^f\.json is truncated: its JSON ends early/,
    ],
    ['truncated inside a string', utf8('{"format": "concurrency-lab-sess'), 'truncated', /is truncated/],
    ['malformed', utf8('{"format": "concurrency-lab-session",, }'), 'malformed', /^f\.json is not valid JSON/],
    ['trailing garbage', utf8(`${valid} and more`), 'malformed', /^f\.json is not valid JSON at character \d+/],
    [
      'binary (zero bytes)',
      new Uint8Array([0x7b, 0x00, 0x01, 0xff, 0x10]),
      'binary',
      /^f\.json is not a session file: it holds binary data \(a zero byte at offset 1\)/,
    ],
    ['binary (not UTF-8)', new Uint8Array([0x7b, 0xc3, 0x28, 0x7d]), 'binary', /not UTF-8 text/],
    [
      'foreign JSON object',
      utf8('{"name": "package", "version": "1.0.0"}'),
      'foreign',
      /^f\.json is not a Concurrency Lab session: it has no "format": "concurrency-lab-session" field$/,
    ],
    ['foreign JSON array', utf8('[1, 2, 3]'), 'foreign', /it is JSON holding an array, not a session/],
    ['another format', utf8('{"format": "hyperfine"}'), 'foreign', /its format is "hyperfine"/],
    [
      'a damaged field',
      utf8(valid.replace('"wallMs":', '"wallMs":"slow","x":')),
      'invalid',
      /^f\.json is damaged: runs\[0\]\.trials\[0\]\.wallMs/,
    ],
    [
      'columns of unequal length',
      utf8(valid.replace('"task":[0,', '"task":[')),
      'invalid',
      /^f\.json is damaged: runs\[0\]\.trials\[0\]\.timeline columns must all have the same length/,
    ],
    [
      'a bad schemaVersion',
      utf8(valid.replace('"schemaVersion":1', '"schemaVersion":"one"')),
      'invalid',
      /schemaVersion must be a whole number, got "one"/,
    ],
  ])('refuses a %s file with one line naming the problem', (_kind, bytes, expected, pattern) => {
    const { problem, message } = problemOf(() => decodeSessionBytes(bytes, 'f.json'))
    expect(problem).toBe(expected)
    expect(message).toMatch(pattern)
  })

  it('refuses a file over the size limit before decoding it', () => {
    const { problem, message } = problemOf(() => decodeSessionBytes(utf8(valid), 'f.json', 1000))
    expect(problem).toBe('too-large')
    expect(message).toMatch(/^f\.json is \d+\.\d KB, over the 1000 bytes limit for session files$/)
  })

  it('accepts a UTF-8 byte-order mark', () => {
    expect(decodeSessionText(`\ufeff${valid}`, 'f.json').id).toBe('session-1')
  })

  it('refuses to write what it could not read back (NaN becomes null in JSON)', () => {
    const run = makeRun()
    run.trials[0]!.wallMs = Number.NaN
    const { problem, message } = problemOf(() => encodeSession(makeSession([run]), 'x'))
    expect(problem).toBe('invalid')
    expect(message).toMatch(/^cannot save session "Laptop vs server": runs\[0\]\.trials\[0\]\.wallMs/)
  })
})
