// Only regular files are read as sessions: a device, a FIFO or a symlink to one is refused in one
// line naming the file, before a byte is read (reading /dev/zero would never end).
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SessionError, encodeSession } from '../../src/shared/session'
import { SessionStore, readSessionFile } from '../../src/main/lab/sessions'
import { root } from '../helpers'
import { makeSession } from './fixtures'

let dir: string
let fifo: string
let zeroLink: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lab-special-files-'))
  fifo = join(dir, 'pipe.json')
  zeroLink = join(dir, 'zero.json')
  const made = spawnSync('mkfifo', [fifo])
  if (made.status !== 0) throw new Error('mkfifo failed')
  symlinkSync('/dev/zero', zeroLink)
  writeFileSync(join(dir, 'good.json'), encodeSession(makeSession([], 'good'), 'test'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const cases = (): Array<[string, string, RegExp]> => [
  ['/dev/zero', '/dev/zero', /a device/],
  ['a FIFO', fifo, /a named pipe/],
  ['a symlink to /dev/zero', zeroLink, /a device/],
]

describe('special files', () => {
  it.each([0, 1, 2])('the reader refuses case %i in one line naming the file', async (i) => {
    const [, path, kind] = cases()[i]!
    const error = await readSessionFile(path).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SessionError)
    const message = (error as SessionError).message
    expect(message).toContain(path)
    expect(message).toMatch(kind)
    expect(message).toMatch(/not a regular file/)
    expect(message).not.toContain('\n')
  })

  it('the library lists a FIFO and a symlink to a device with their problem, and the good session', async () => {
    const list = await new SessionStore(dir).list()
    expect(list.map((s) => s.id).sort()).toEqual(['good', 'pipe', 'zero'])
    expect(list.find((s) => s.id === 'pipe')!.problem).toMatch(
      /pipe\.json is not a session file: it is a named pipe \(FIFO\), not a regular file/,
    )
    expect(list.find((s) => s.id === 'zero')!.problem).toMatch(
      /zero\.json is not a session file: it is a device, not a regular file/,
    )
    expect(list.find((s) => s.id === 'good')!.problem).toBeUndefined()
    // And later calls still answer: nothing was left blocked on the FIFO.
    expect((await new SessionStore(dir).open('good')).id).toBe('good')
  })

  it.each([0, 1, 2])('`concurrency-lab show` exits 2 with one line for case %i', (i) => {
    const [, path] = cases()[i]!
    const out = spawnSync(process.execPath, [join(root, 'bin/concurrency-lab.js'), 'show', path], {
      encoding: 'utf8',
      timeout: 30_000,
    })
    expect(out.status).toBe(2)
    expect(out.stderr.trimEnd().split('\n')).toHaveLength(1)
    expect(out.stderr).toContain(path)
    expect(out.stderr).toMatch(/not a regular file/)
  })
})
