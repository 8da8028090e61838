// Fuzz: 10,000 mutated session files through the store's reader (deep nesting among the mutations),
// and the special files (devices, a FIFO, symlinks to them, a symlink loop). Every one either opens (and is
// then a valid session) or fails with a SessionError on one line; nothing else may escape.
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { MAX_JSON_DEPTH, SessionError, encodeSession, jsonDepth, parseSession } from '../../src/shared/session'
import { readSessionFile } from '../../src/main/lab/sessions'
import { makeRun, makeSession, prng } from './fixtures'

const MUTANTS = 10_000
const SEED = 4242

const base = Buffer.from(
  encodeSession(
    makeSession([
      makeRun({ tasks: 6, samples: 6 }),
      makeRun({ id: 'run-2', seed: 2, tasks: 3, samples: 3, status: 'stopped' }),
    ]),
    'fuzz',
  ),
)
const legacy = Buffer.from(JSON.stringify(makeRun({ id: 'legacy', tasks: 4, samples: 4 })))

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
const REPLACEMENTS: Json[] = [
  null,
  true,
  0,
  -1,
  1.5,
  1e308,
  '',
  'x',
  '2025-13-45T99:99:99Z',
  [],
  {},
  [1, 'a'],
  { a: 1 },
  'concurrency-lab-session',
  2,
  7,
]

/** One mutation of `source`, chosen by `random`; returns the bytes and a name for the report. */
function mutate(source: Buffer, random: () => number): { bytes: Buffer; how: string } {
  const pick = (n: number): number => Math.floor(random() * n)
  const at = pick(source.length)
  switch (pick(10)) {
    case 0: {
      const bytes = Buffer.from(source)
      const flips = 1 + pick(8)
      for (let i = 0; i < flips; i++) bytes[pick(bytes.length)] = pick(256)
      return { bytes, how: `flip ${flips} bytes` }
    }
    case 1:
      return { bytes: source.subarray(0, at), how: `truncate at ${at}` }
    case 2:
      return {
        bytes: Buffer.concat([source.subarray(0, at), source.subarray(at + 1 + pick(200))]),
        how: `delete at ${at}`,
      }
    case 3: {
      const junk = Buffer.from(Array.from({ length: 1 + pick(16) }, () => pick(256)))
      return {
        bytes: Buffer.concat([source.subarray(0, at), junk, source.subarray(at)]),
        how: `insert ${junk.length} bytes at ${at}`,
      }
    }
    case 4: {
      const from = pick(source.length)
      return {
        bytes: Buffer.concat([source.subarray(0, at), source.subarray(from, from + pick(300)), source.subarray(at)]),
        how: `duplicate into ${at}`,
      }
    }
    case 5: {
      const text = source.toString('latin1')
      const digits = [...text.matchAll(/\d/g)]
      const hit = digits[pick(digits.length)]
      if (!hit) return { bytes: source, how: 'unchanged' }
      const swap = ['-', 'e', '.', '9', '"', 'x', ',', '}', 'e999', '00'][pick(10)]!
      return {
        bytes: Buffer.from(text.slice(0, hit.index) + swap + text.slice(hit.index! + 1), 'latin1'),
        how: `digit to ${swap}`,
      }
    }
    case 9: {
      // Deep nesting where a value goes (the notes, else anywhere): refused before anything recurses.
      const depth = pick(2) === 0 ? 1 + pick(100) : 60 + pick(1500)
      const [open, close] = pick(2) === 0 ? ['[', ']'] : ['{"a":', '}']
      const nested = `${open.repeat(depth)}0${close.repeat(depth)}`
      const text = source.toString('utf8')
      const replaced = text.replace(/"notes":"[^"]*"/, () => `"notes":${nested}`)
      return {
        bytes: Buffer.from(replaced !== text ? replaced : text.slice(0, at) + nested + text.slice(at)),
        how: `nest ${depth} deep`,
      }
    }
    default: {
      // A structural change: parse, alter one value somewhere in the tree, write back.
      let doc: Json
      // The test's own JSON.stringify recurses: leave an already deeply nested mutant as it is.
      if (jsonDepth(source.toString('latin1')) > MAX_JSON_DEPTH) return { bytes: source, how: 'unchanged (deep)' }
      try {
        doc = JSON.parse(source.toString('utf8')) as Json
      } catch {
        return { bytes: Buffer.concat([source, Buffer.from('}')]), how: 'append }' } // a stacked mutation broke the JSON already
      }
      const path: string[] = []
      let parent: Json = doc
      let node: Json = doc
      let key: string | number | null = null
      const depth = 1 + pick(7)
      for (let d = 0; d < depth && node !== null && typeof node === 'object'; d++) {
        const keys: Array<string | number> = Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node)
        if (keys.length === 0) break
        key = keys[pick(keys.length)]!
        parent = node
        node = (node as Record<string | number, Json>)[key]!
        path.push(String(key))
      }
      if (key === null || parent === null || typeof parent !== 'object')
        return { bytes: Buffer.from('[]'), how: 'replace root' }
      const container = parent as Record<string | number, Json>
      const action = pick(3)
      if (action === 0 && !Array.isArray(parent)) delete container[key]
      else if (action === 1) container[key] = REPLACEMENTS[pick(REPLACEMENTS.length)]!
      else container[key] = typeof node === 'number' ? -node * 1e6 : [node, node]
      return {
        bytes: Buffer.from(JSON.stringify(doc)),
        how: `${['delete', 'replace', 'widen'][action]} ${path.join('.')}`,
      }
    }
  }
}

const dir = mkdtempSync(join(tmpdir(), 'lab-fuzz-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('fuzzing the session reader', () => {
  it(`reads ${MUTANTS.toLocaleString('en')} mutated files without an uncaught error`, async () => {
    const random = prng(SEED)
    const path = join(dir, 'mutant.json')
    const escaped: string[] = []
    const problems = new Map<string, number>()
    let opened = 0
    let tooDeep = 0
    for (let i = 0; i < MUTANTS; i++) {
      // Mutations stack now and then, and a tenth start from a version-0 run file (the migration path).
      let { bytes, how } = mutate(i % 10 === 0 ? legacy : base, random)
      if (random() < 0.2 && bytes.length > 0) {
        const again = mutate(bytes, random)
        bytes = again.bytes
        how += ` then ${again.how}`
      }
      writeFileSync(path, bytes)
      try {
        const { session } = await readSessionFile(path, base.length + 150)
        // Whatever opens is a whole, valid session.
        parseSession(session)
        encodeSession(session, 'fuzz')
        opened++
      } catch (error) {
        if (error instanceof SessionError && error.message.length > 0 && !/\n/.test(error.message)) {
          problems.set(error.problem, (problems.get(error.problem) ?? 0) + 1)
          if (/nests deeper than/.test(error.message)) tooDeep++
        } else {
          escaped.push(
            `mutant ${i} (${how}): ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
          )
        }
      }
    }
    expect(escaped.slice(0, 5), `seed ${SEED}`).toEqual([])
    // The mutations reached every kind of problem the reader names (a fuzz that only truncated would prove little).
    expect([...problems.keys()].sort()).toEqual(
      expect.arrayContaining(['binary', 'foreign', 'invalid', 'malformed', 'too-large', 'truncated']),
    )
    expect(opened).toBeGreaterThan(0)
    expect(tooDeep).toBeGreaterThan(0)
  })

  it('refuses special files in one line, without reading them', async () => {
    const fifo = join(dir, 'fifo.json')
    spawnSync('mkfifo', [fifo])
    symlinkSync('/dev/urandom', join(dir, 'random.json'))
    symlinkSync(join(dir, 'loop.json'), join(dir, 'loop.json'))
    mkdirSync(join(dir, 'folder.json'))
    const paths = ['/dev/zero', '/dev/urandom', '/dev/null', fifo, join(dir, 'random.json'), join(dir, 'loop.json')]
    for (const path of [...paths, join(dir, 'folder.json')]) {
      const error = await readSessionFile(path, 1000).catch((e: unknown) => e)
      expect(error, path).toBeInstanceOf(SessionError)
      expect((error as SessionError).message).toContain(path)
    }
  })
})
