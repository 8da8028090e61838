// Deep nesting is refused before anything recurses on it: one line naming the file and the limit.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { MAX_JSON_DEPTH, SessionError, decodeSessionText, encodeSession } from '../../src/shared/session'
import { root } from '../helpers'
import { makeRun, makeSession } from './fixtures'

const dir = mkdtempSync(join(tmpdir(), 'lab-session-depth-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const nested = (depth: number, open = '[', close = ']'): string => open.repeat(depth) + close.repeat(depth)
const deepFiles: Array<[string, string]> = [
  ['deep notes', `{"format":"concurrency-lab-session","schemaVersion":1,"notes":${nested(200_000)}}`],
  ['deep objects', `{"format":"concurrency-lab-session","x":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}`],
  ['a bare deep array', nested(1_000_000)],
  ['deep inside a run file', `{"config":${nested(50_000)},"trials":[],"clockOrigin":0,"stats":[],"samples":[]}`],
]

describe('nesting depth', () => {
  it.each(deepFiles)('refuses %s in one line naming the source and the limit', (_, text) => {
    const error = (() => {
      try {
        decodeSessionText(text, 'deep.json')
      } catch (e) {
        return e
      }
    })()
    expect(error).toBeInstanceOf(SessionError)
    expect((error as SessionError).message).toMatch(
      new RegExp(`^deep\\.json is not a session file: its JSON nests deeper than ${MAX_JSON_DEPTH} levels`),
    )
  })

  it('still reads brackets inside strings and a real session', () => {
    const session = makeSession([makeRun()])
    const withBrackets = { ...session, notes: nested(5000) + '"\\' + nested(5000, '{', '}') }
    expect(decodeSessionText(encodeSession(withBrackets, 'test'), 'ok.json').notes).toBe(withBrackets.notes)
  })

  it('`concurrency-lab show` exits 2 with one line naming the file', () => {
    const file = join(dir, 'deep.json')
    writeFileSync(file, deepFiles[3]![1])
    const out = spawnSync(process.execPath, [join(root, 'bin/concurrency-lab.js'), 'show', file], {
      encoding: 'utf8',
      timeout: 30_000,
    })
    expect(out.status).toBe(2)
    expect(out.stderr.trimEnd().split('\n')).toHaveLength(1)
    expect(out.stderr).toContain(file)
    expect(out.stderr).not.toMatch(/call stack/)
  })
})
