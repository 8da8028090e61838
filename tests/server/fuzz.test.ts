// Fuzzes browser mode's WebSocket with a seeded generator (the seed is printed; rerun with
// LAB_FUZZ_SEED=<seed> to reproduce): call messages shaped after the method table's arguments,
// and raw frames with random opcodes, flags, lengths and masks. Every message is answered as
// valid or refused with one line, nothing crashes or hangs, memory stays bounded, and the
// server still answers `catalog` afterwards. The lab is a fake: no run starts.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { LAB_METHODS } from '../../src/shared/methods'
import { startLabServer, type LabServer } from '../../src/main/server/server'
import { makeSession } from '../sessions/fixtures'
import { callMethod, fakeLab, fakeRendererDir, frame, openClient, rawUpgrade, until, type Reply } from './raw'

const MESSAGES = 10_000
const FRAMES = 10_000
const FRAME_LIMIT = 128 * 1024
const seed = Number(process.env['LAB_FUZZ_SEED'] ?? Math.floor(Math.random() * 2 ** 31))

/** mulberry32: small, fast, and the same sequence for the same seed. */
function prng(start: number): () => number {
  let a = start >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
const random = prng(seed)
const int = (n: number): number => Math.floor(random() * n)
const pick = <T>(items: readonly T[]): T => items[int(items.length)]!
const chance = (p: number): boolean => random() < p

const KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'type',
  'id',
  'method',
  'args',
  'workload',
  'params',
  'strategies',
  'workers',
  'repetitions',
  'python',
  'size',
  'tasks',
  'runs',
  'name',
  'notes',
  '',
  'é',
  '𝕏',
  '\u0000',
  '\u2028',
]
const STRINGS = [
  '',
  'primes',
  'noop',
  'sequential',
  'threads',
  'py-sequential',
  'python3',
  '/tmp/any-script',
  '../../etc/passwd',
  'session-1',
  'run-1',
  'csv',
  'json',
  '\u0000',
  '\ud800',
  '𝕏𝕐',
  'é',
  '1e309',
  'NaN',
  '-0',
  '{"a":1}',
  '<script>alert(1)</script>',
  'call',
  'result',
]
const NUMBERS = [0, -0, 1, -1, 0.5, 1e308, -1e308, 2 ** 53, 2 ** 53 + 2, 255, 256, 257, 1000, 100_000, 1e-9]

/** A JSON text of a random value; written by hand so `__proto__` keys reach the server as text. */
function value(depth: number): string {
  const kind = depth <= 0 ? int(4) : int(7)
  switch (kind) {
    case 0:
      return pick(['null', 'true', 'false'])
    case 1:
      return JSON.stringify(pick(NUMBERS) * (chance(0.5) ? 1 : int(1000)))
    case 2:
    case 3: {
      if (chance(0.1)) return JSON.stringify(pick(STRINGS).repeat(1 + int(2000)))
      if (chance(0.2))
        return JSON.stringify(String.fromCodePoint(...Array.from({ length: int(20) }, () => int(0x10ffff))))
      return JSON.stringify(pick(STRINGS))
    }
    case 4:
    case 5:
      return `[${Array.from({ length: int(6) }, () => value(depth - 1)).join(',')}]`
    default: {
      const fields = Array.from({ length: int(6) }, () => `${JSON.stringify(pick(KEYS))}:${value(depth - 1)}`)
      return `{${fields.join(',')}}`
    }
  }
}

/** Arguments every call accepts, to mutate: the fuzz also walks the accepted path. */
const VALID: Partial<Record<string, unknown[]>> = {
  catalog: [],
  startRun: [{ workload: 'primes', params: { size: 2000, tasks: 4 }, strategies: ['sequential'], workers: [1, 2] }],
  stopRun: ['run-1'],
  exportRun: ['run-1', 'csv'],
  openSession: ['session-1'],
  saveSession: [makeSession()],
  newSession: ['Laptop'],
  renameSession: ['session-4', 'Renamed'],
  importSession: ['{"format":"concurrency-lab-session"}', 'laptop.json'],
}

/** One call message as text: valid, a valid one with a field replaced, random, deep, or not JSON at all. */
function message(id: number): string {
  const method = chance(0.9) ? pick(LAB_METHODS) : pick(STRINGS)
  const roll = random()
  if (roll < 0.15 && VALID[method]) return JSON.stringify({ type: 'call', id, method, args: VALID[method] })
  if (roll < 0.35 && VALID[method]?.length) {
    const args = structuredClone(VALID[method]) as Array<Record<string, unknown> | unknown>
    const at = int(args.length)
    const target = args[at]
    const replacement: unknown = JSON.parse(value(3))
    if (typeof target === 'object' && target !== null) (target as Record<string, unknown>)[pick(KEYS)] = replacement
    else args[at] = replacement
    return JSON.stringify({ type: 'call', id, method, args })
  }
  if (roll < 0.45) {
    const depth = 1 + int(3000)
    return `{"type":"call","id":${id},"method":${JSON.stringify(method)},"args":[${'['.repeat(depth)}${']'.repeat(depth)}]}`
  }
  if (roll < 0.5) return value(4).slice(0, int(200))
  if (roll < 0.55) return `{"type":"call","id":${id},"method":${JSON.stringify(method)},"args":${value(4)}`
  const fields = [
    `"type":${chance(0.9) ? '"call"' : value(1)}`,
    `"id":${chance(0.9) ? id : value(1)}`,
    `"method":${JSON.stringify(method)}`,
    `"args":[${Array.from({ length: int(4) }, () => value(4)).join(',')}]`,
    ...(chance(0.1) ? [`${JSON.stringify(pick(KEYS))}:${value(2)}`] : []),
  ].filter(() => chance(0.97))
  return `{${fields.join(',')}}`
}

const lab = fakeLab()
let server: LabServer

beforeAll(async () => {
  server = await startLabServer({ lab, rendererDir: fakeRendererDir(), limits: { maxFrameBytes: FRAME_LIMIT } })
})
afterAll(() => server.close())

const memory = (): number => process.memoryUsage().rss

it(`answers ${MESSAGES} generated call messages and ${FRAMES} random frames, and still serves (seed printed)`, async () => {
  console.log(`fuzz seed ${seed} (LAB_FUZZ_SEED=${seed} to reproduce)`)
  const started = performance.now()
  const rssBefore = memory()

  // Call messages, pipelined in rounds; each is answered with exactly one result.
  const client = await openClient(server)
  const results: Reply[] = []
  client.ws.on('message', () => undefined)
  let sentMessages = 0
  for (let round = 0; sentMessages < MESSAGES; round++) {
    const before = client.messages.length
    const batch = Array.from({ length: 250 }, (_, i) => message(round * 250 + i))
    for (const text of batch) client.ws.send(text)
    sentMessages += batch.length
    await until(() => client.messages.filter((m, i) => i >= before && m.type === 'result').length === batch.length)
    results.push(...client.messages.slice(before).filter((m) => m.type === 'result'))
    client.messages.length = 0
  }
  expect(results).toHaveLength(sentMessages)
  for (const reply of results) {
    expect(typeof reply.ok).toBe('boolean')
    if (!reply.ok) {
      expect(reply.error, JSON.stringify(reply).slice(0, 300)).toMatch(/^[^\n]{1,400}$/)
    }
  }
  const accepted = results.filter((r) => r.ok).length

  // Raw frames, a few per connection, each sequence ended by a valid call: the server either
  // answers it or closes the socket (a protocol error), and never hangs or falls over.
  let sentFrames = 0
  const closes = new Map<string, number>()
  const oneConnection = async (): Promise<void> => {
    const raw = await rawUpgrade(server)
    const frames: Buffer[] = []
    const count = 1 + int(12)
    for (let i = 0; i < count; i++) {
      const opcode = chance(0.6) ? pick([0, 1, 2, 8, 9, 10]) : int(16)
      const payload = Buffer.from(
        chance(0.5) ? message(i) : Array.from({ length: chance(0.9) ? int(130) : int(70_000) }, () => int(256)),
      )
      const lie = chance(0.03)
      frames.push(
        frame({
          fin: chance(0.85),
          rsv: chance(0.9) ? 0 : int(8),
          opcode,
          payload: opcode >= 8 ? payload.subarray(0, int(130)) : payload,
          mask: chance(0.97),
          ...(lie ? { announce: FRAME_LIMIT + 1 + int(2 ** 31) } : {}),
        }),
      )
      if (lie) break
    }
    frames.push(frame({ opcode: 1, payload: Buffer.from('{"type":"call","id":424242,"method":"catalog","args":[]}') }))
    sentFrames += frames.length
    raw.socket.write(Buffer.concat(frames))
    let closed = false
    void raw.ended.then(() => (closed = true))
    await until(() => closed || raw.received().includes('424242'))
    const outcome = closed ? 'closed' : 'answered'
    closes.set(outcome, (closes.get(outcome) ?? 0) + 1)
    raw.socket.destroy()
    await raw.ended
  }
  while (sentFrames < FRAMES) await Promise.all(Array.from({ length: 8 }, oneConnection))

  await until(() => server.connections <= 1)
  expect(await callMethod(client, 'catalog', [])).toMatchObject({ ok: true, value: { answer: 'catalog' } })
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
  expect(Object.keys(Object.prototype)).toEqual([])
  client.ws.close()

  const rssAfter = memory()
  const seconds = ((performance.now() - started) / 1000).toFixed(1)
  console.log(
    `fuzz: ${sentMessages} messages (${accepted} accepted, ${sentMessages - accepted} refused), ` +
      `${sentFrames} frames on ${[...closes.values()].reduce((a, b) => a + b, 0)} connections ` +
      `(${closes.get('answered') ?? 0} answered, ${closes.get('closed') ?? 0} closed) in ${seconds} s; ` +
      `RSS ${(rssBefore / 2 ** 20).toFixed(0)} MB before, ${(rssAfter / 2 ** 20).toFixed(0)} MB after`,
  )
  expect(rssAfter - rssBefore).toBeLessThan(512 * 1024 * 1024)
})
