// Fuzzes every row of the method table over IPC: generated argument lists go from the preload's
// window.lab through main's handlers (the fake electron module) to a recording lab. Each call is
// either accepted — it reaches the lab with arguments its row's schema accepts — or rejected with
// one line: an Error without a newline, under 300 characters, that does not echo the input. No
// crash, no hang, no prototype pollution, and memory stays bounded.
import { afterAll, describe, expect, it, vi } from 'vitest'
import { LAB_METHOD_TABLE, type LabApi } from '../../src/shared/api'
import type { LabMethod } from '../../src/shared/methods'
import { makeRun, makeSession, prng } from '../sessions/fixtures'
import { makeFakeElectron } from './fake-electron'

const fake = vi.hoisted(() => ({ electron: null as unknown as ReturnType<typeof makeFakeElectron> }))
vi.mock('electron', async () => {
  const { makeFakeElectron } = await import('./fake-electron')
  fake.electron = makeFakeElectron()
  return fake.electron
})

const { registerLabIpc } = await import('../../src/main/electron/ipc')

const PER_ROW = Number(process.env['IPC_FUZZ_PER_ROW'] ?? 10_000)
const CALL_GUARD_MS = 10_000
/** Input strings at least this long must not appear in an error message. */
const ECHO_MIN = 24
const names = Object.keys(LAB_METHOD_TABLE) as LabMethod[]

/** Valid arguments for every row, which the generator mutates. */
const VALID: Record<LabMethod, unknown[]> = {
  catalog: [],
  startRun: [{ workload: 'primes', params: { size: 2000, tasks: 4 }, strategies: ['sequential'], workers: [1, 2] }],
  stopRun: ['run-1'],
  getRun: ['run-1'],
  activeRun: [],
  deleteRun: ['session-1', 'run-1'],
  restoreRun: ['session-1', 'run-1'],
  exportRun: ['run-1', 'csv'],
  listSessions: [],
  openSession: ['session-1'],
  getSession: ['session-2'],
  saveSession: [makeSession([makeRun({ strategies: ['threads'], repetitions: 1, tasks: 4, samples: 5, cores: 2 })])],
  deleteSession: ['session-3'],
  currentSession: [],
  newSession: ['Laptop on battery'],
  renameSession: ['session-4', 'Renamed'],
  setSessionNotes: ['session-5', 'Some notes'],
  restoreSession: ['session-6'],
  listTrash: [],
  importSession: ['{"format":"concurrency-lab-session"}', 'laptop.json'],
  exportSession: ['session-7'],
  inspectScript: ['/home/me/work.py'],
  startC10k: [{ models: ['node-http', 'py-threading-http'], connections: [10, 100], stepSeconds: 2, timeoutMs: 1000 }],
  stopC10k: ['sweep-1'],
  c10kState: [],
  readInputs: ['/home/me/inputs.json'],
  startTune: [
    { workload: 'primes', params: { size: 2000, tasks: 4 }, strategies: ['threads'], workers: [1] },
    { maxWorkers: 4, budgetS: 30 },
  ],
  stopTune: [],
  runRaceExperiment: ['race-lost-updates', { trials: 1 }],
}

function generator(random: () => number) {
  const int = (n: number): number => Math.floor(random() * n)
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!
  const made = { deep: false }
  const hugeStrings = [1, 2].map((mb) => `${'ZQ'.repeat(8)}${'x'.repeat(mb * 1024 * 1024)}`)

  const string = (): string => {
    const r = random()
    if (r < 0.002) return pick(hugeStrings)
    if (r < 0.1) return pick(['', ' ', '\n', 'a\nb', '\u0000', '\u2028', '💥'.repeat(50), 'constructor', '__proto__'])
    if (r < 0.15) return pick(VALID.exportRun as string[])
    let s = 'ZQ'
    for (let i = int(60); i > 0; i--) s += String.fromCharCode(pick([32 + int(95), int(0x2000), 10, 13]))
    return s
  }
  const number = (): number =>
    pick([NaN, Infinity, -Infinity, -0, 0, 1, -1, 2 ** 53, 1e308, 5e-324, 0.5, int(1000), -int(1000), 256, 257])
  const key = (): string =>
    random() < 0.3 ? pick(['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty']) : string()

  // Adds a generated value under a generated key. A key drawn twice keeps its first value, and a
  // 5,000-level value never goes under __proto__ (structured clone makes that key the prototype,
  // and the depth is gone before main sees it).
  const put = (obj: Record<string, unknown>, make: () => unknown): void => {
    const wasDeep = made.deep
    made.deep = false
    const v = make()
    const k = made.deep ? pick(['a', 'runs']) : key()
    made.deep ||= wasDeep
    if (!Object.hasOwn(obj, k))
      Object.defineProperty(obj, k, { value: v, enumerable: true, configurable: true, writable: true })
  }

  // (Not under __proto__: structured clone turns that key into the prototype, and the depth is gone.)
  const deep = (levels: number, leaf: unknown): unknown => {
    let value = leaf
    for (let i = 0; i < levels; i++) value = random() < 0.5 ? [value] : { [pick(['a', 'runs', 'constructor'])]: value }
    return value
  }

  const value = (depth = 0): unknown => {
    const r = random()
    if (r < 0.003) {
      made.deep = true
      return deep(5000, value(4))
    }
    if (r < 0.2) return string()
    if (r < 0.4) return number()
    if (r < 0.5) return pick([null, undefined, true, false, 0n, new Date(NaN), new Uint8Array(4), new Map([[1, 2]])])
    if (depth > 3) return number()
    if (r < 0.75) return Array.from({ length: int(5) }, () => value(depth + 1))
    const obj: Record<string, unknown> = {}
    for (let i = int(5); i > 0; i--) put(obj, () => value(depth + 1))
    return obj
  }

  // Replaces, removes or adds one thing somewhere inside a copy of `v`.
  const mutate = (v: unknown, depth = 0): unknown => {
    if (v === null || typeof v !== 'object' || depth > 6 || random() < 0.15) return value()
    if (Array.isArray(v)) {
      const copy = [...v]
      if (copy.length === 0 || random() < 0.2) copy.push(value())
      else copy[int(copy.length)] = mutate(copy[int(copy.length)], depth + 1)
      return copy
    }
    const copy: Record<string, unknown> = { ...(v as Record<string, unknown>) }
    const keys = Object.keys(copy)
    const r = random()
    if (r < 0.15 || keys.length === 0) put(copy, () => value())
    else if (r < 0.25) delete copy[pick(keys)]
    else {
      const k = pick(keys)
      copy[k] = mutate(copy[k], depth + 1)
    }
    return copy
  }

  /** An argument list for `name`: a valid one mutated, the right arity with random values, or a wrong arity. */
  const next = (name: LabMethod): unknown => {
    const valid = VALID[name]
    const r = random()
    if (r < 0.05) return valid
    if (r < 0.55) return mutate(valid)
    if (r < 0.8) return valid.map(() => value())
    if (r < 0.97) return Array.from({ length: int(5) }, () => value())
    return value() // Not even an array.
  }
  /** The next argument list for `name`, and whether it holds a 5,000-level value. */
  return (name: LabMethod): { args: unknown; deep: boolean } => {
    const args = next(name)
    // What was sent, not what was made: a mutation may have dropped the deep value it drew.
    return { args, deep: deeperThan(args, 64) }
  }
}

/** Whether `v` nests lists and objects more than `levels` deep; a loop, so 5,000 levels are fine. */
function deeperThan(v: unknown, levels: number): boolean {
  const stack: Array<[unknown, number]> = [[v, 0]]
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!
    if (item === null || typeof item !== 'object') continue
    if (depth >= levels) return true
    for (const k of Object.keys(item)) stack.push([(item as Record<string, unknown>)[k], depth + 1])
  }
  return false
}

/** Every string in `v` (keys too) of at least ECHO_MIN characters, looked at to a bounded depth. */
function longStrings(v: unknown, out: string[] = [], depth = 0): string[] {
  if (typeof v === 'string') {
    if (v.length >= ECHO_MIN) out.push(v.length > 4096 ? v.slice(0, 4096) : v)
  } else if (v !== null && typeof v === 'object' && depth < 50) {
    for (const k of Object.keys(v)) {
      if (k.length >= ECHO_MIN) out.push(k)
      longStrings((v as Record<string, unknown>)[k], out, depth + 1)
    }
  }
  return out
}

function cloneable(v: unknown): boolean {
  try {
    structuredClone(v)
    return true
  } catch {
    return false
  }
}

describe('IPC under fuzzed arguments', () => {
  const accepted = new Map<LabMethod, number>()
  const reached: Array<[LabMethod, unknown[]]> = []
  const lab = Object.fromEntries(
    names.map((name) => [
      name,
      async (...args: unknown[]) => {
        reached.push([name, args])
        return null
      },
    ]),
  ) as unknown as LabApi
  const dispose = registerLabIpc(
    { ...lab, onEvent: () => () => undefined },
    { isOurWindow: (sender) => sender === fake.electron.ipcRenderer.sender },
  )
  afterAll(() => dispose())

  it(`accepts or refuses in one line ${PER_ROW} generated argument lists for every call`, async () => {
    await import('../../src/preload/index')
    const windowLab = fake.electron.exposed.get('lab') as Record<LabMethod, (...a: unknown[]) => Promise<unknown>>
    const seed = Number(process.env['IPC_FUZZ_SEED'] ?? Math.floor(Math.random() * 2 ** 32))
    const next = generator(prng(seed))
    const invoke = fake.electron.ipcRenderer.invoke.bind(fake.electron.ipcRenderer)
    const heapBefore = process.memoryUsage().heapUsed
    let heapPeak = heapBefore
    const bad: string[] = []
    let rejected = 0
    let deepRefused = 0
    let longest = 0
    const started = performance.now()
    const rowMs = new Map<LabMethod, number>()
    for (const name of names) {
      const rowStarted = performance.now()
      for (let i = 0; i < PER_ROW && bad.length < 10; i++) {
        const { args, deep } = next(name)
        reached.length = 0
        let guard: NodeJS.Timeout | undefined
        const hang = new Promise((_, reject) => {
          guard = setTimeout(
            () => reject(new Error(`lab:${name} did not answer in ${CALL_GUARD_MS} ms`)),
            CALL_GUARD_MS,
          )
        })
        // An array goes through window.lab as the positional arguments; anything else is sent raw,
        // as a page that bypassed window.lab could. What this process cannot structured-clone (5,000
        // levels overflow its stack; a renderer's may not) is handed to main's handler as it is.
        const call =
          deep && !cloneable(args)
            ? fake.electron.ipcMain.invoke(`lab:${name}`, fake.electron.ipcRenderer.sender, args)
            : Array.isArray(args)
              ? windowLab[name](...args)
              : invoke(`lab:${name}`, args)
        try {
          await Promise.race([call, hang])
          if (deep) bad.push(`${name}: a 5,000-level payload was accepted (IPC_BOUNDS allows 64)`)
          const [[to, got] = []] = reached
          if (to !== name || !LAB_METHOD_TABLE[name].args.safeParse(got).success)
            bad.push(`${name}: accepted, but the lab got ${String(to)} with arguments its schema refuses`)
          accepted.set(name, (accepted.get(name) ?? 0) + 1)
        } catch (error) {
          rejected++
          const message = error instanceof Error ? error.message : `not an Error: ${String(error)}`
          if (deep) deepRefused++
          // Refused by IPC_BOUNDS before a schema walks it, not by whatever the schema meets first.
          if (deep && !message.includes('is nested deeper than 64 levels'))
            bad.push(`${name}: a 5,000-level payload refused by something other than the depth bound: ${message}`)
          longest = Math.max(longest, message.length)
          const echoed = longStrings(args).find((s) => message.includes(s))
          if (!(error instanceof Error)) bad.push(`${name}: rejected with a non-Error`)
          else if (message.includes('did not answer')) bad.push(message)
          else if (/[\n\r]/.test(message))
            bad.push(`${name}: a multi-line message: ${JSON.stringify(message.slice(0, 300))}`)
          else if (message.length >= 300)
            bad.push(`${name}: a ${message.length}-character message: ${message.slice(0, 200)}…`)
          else if (echoed) bad.push(`${name}: the message echoes the input: ${message.slice(0, 200)}`)
          else if (reached.length > 0) bad.push(`${name}: rejected, yet the lab was called`)
        } finally {
          clearTimeout(guard)
        }
        if (i % 1000 === 0) heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed)
      }
      rowMs.set(name, performance.now() - rowStarted)
    }
    const slowest = [...rowMs].sort((a, b) => b[1] - a[1])[0]!
    const total = names.length * PER_ROW
    const mb = (n: number): string => (n / 2 ** 20).toFixed(0)
    console.log(
      `ipc fuzz: seed ${seed}, ${total} calls over ${names.length} rows in ${((performance.now() - started) / 1000).toFixed(1)} s, ${total - rejected} accepted, ${rejected} refused (longest message ${longest} chars; ${deepRefused} of them 5,000 levels deep), heap ${mb(heapBefore)} → peak ${mb(heapPeak)} MB; slowest row ${slowest[0]} ${(slowest[1] / 1000).toFixed(1)} s`,
    )
    expect(bad).toEqual([])
    // Nothing reached Object.prototype through a __proto__ or constructor key.
    expect(Object.keys(Object.prototype)).toEqual([])
    expect(({} as Record<string, unknown>)['a']).toBeUndefined()
    // Every row was reached with valid arguments at least once (the valid lists are in the mix).
    for (const name of names) expect(accepted.get(name), name).toBeGreaterThan(0)
    expect(heapPeak - heapBefore).toBeLessThan(512 * 2 ** 20)
  }, 120_000)
})
