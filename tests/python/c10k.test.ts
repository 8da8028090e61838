// The C10k lab's Python server models on Debian's /usr/bin/python3, which has the frameworks:
// each answers with the payload (checksum of the body) over HTTP/1.1 keep-alive under a small
// autocannon load, stock defaults really are the library's (ThreadingHTTPServer speaks HTTP/1.0),
// and nothing is left after stop. A model whose framework is missing skips with a printed reason.
import { afterEach, describe, expect, it } from 'vitest'
import { bodyChecksum, c10kBody, findServerModel, handlerSchema, type ServerModelId } from '../../src/shared/c10k'
import { ChildRegistry } from '../../src/main/lab/children'
import { startServer } from '../../src/main/lab/c10k/servers'
import { runSweep } from '../../src/main/lab/c10k/sweep'
import { chooseInterpreter } from '../../src/main/lab/python/interpreters'
import { c10kEntries, expectWellFormed, fetchOnce } from '../lab/c10k-helpers'
import { DEBIAN_PYTHON, cannotImport, markChildren, markedProcesses } from './helpers'

const PYTHON_MODELS: ReadonlyArray<{ model: ServerModelId; modules: string[]; debianPackages: string }> = [
  { model: 'py-threading-http', modules: [], debianPackages: 'python3' },
  { model: 'py-asyncio-streams', modules: [], debianPackages: 'python3' },
  {
    model: 'py-starlette-uvicorn',
    modules: ['starlette', 'uvicorn'],
    debianPackages: 'python3-starlette python3-uvicorn',
  },
  { model: 'py-gevent-pywsgi', modules: ['gevent'], debianPackages: 'python3-gevent' },
  { model: 'py-twisted-web', modules: ['twisted'], debianPackages: 'python3-twisted' },
]

/** Why a model cannot run here, or null; printed at collection, since reporters hide skip reasons. */
const missing = new Map(
  PYTHON_MODELS.map(({ model, modules, debianPackages }) => {
    const why = cannotImport('sys') ?? modules.map((m) => cannotImport(m)).find((w) => w !== null) ?? null
    return [
      model,
      why && `${model} needs ${modules.join(' and ') || 'Python'} (${why}): apt-get install ${debianPackages}`,
    ] as const
  }),
)
for (const why of missing.values()) if (why) console.log(`skip: ${why}`)

afterEach(() => {
  delete process.env.CONCURRENCY_LAB_TEST_MARK
})

for (const { model } of PYTHON_MODELS) {
  const why = missing.get(model)
  describe.skipIf(why)(`${model} on ${DEBIAN_PYTHON}${why ? ` (skipped: ${why})` : ''}`, () => {
    it('answers with the payload over HTTP/1.1, and under a small load every body matches', async () => {
      const mark = markChildren()
      const python = await chooseInterpreter(DEBIAN_PYTHON)
      const registry = new ChildRegistry()
      const handler = handlerSchema.parse({ delayMs: 5, payloadBytes: 777 })
      const server = await startServer({ model, handler, entries: c10kEntries, registry, python })
      try {
        const answers = await Promise.all([1, 2, 3].map(() => fetchOnce(server.url)))
        for (const answer of answers) {
          expect(answer.status).toBe(200)
          expect(answer.version).toBe('1.1')
          expect(bodyChecksum(answer.body)).toBe(bodyChecksum(c10kBody(777)))
        }
      } finally {
        await registry.stopAll(3000)
      }
      const result = await runSweep(
        { models: [model], connections: [5], stepSeconds: 2, timeoutMs: 1000, handler: { payloadBytes: 777 } },
        { entries: c10kEntries, python: DEBIAN_PYTHON },
      )
      expect(result.steps[0]!.runtime).toContain(DEBIAN_PYTHON)
      expectWellFormed(result.steps[0]!)
      expect(markedProcesses(mark)).toEqual([])
    })
  })
}

describe.skipIf(missing.get('py-threading-http'))('stock defaults', () => {
  it("leave ThreadingHTTPServer on BaseHTTPRequestHandler's HTTP/1.0", async () => {
    const python = await chooseInterpreter(DEBIAN_PYTHON)
    const registry = new ChildRegistry()
    const handler = handlerSchema.parse({ delayMs: 0, payloadBytes: 10, stock: true })
    const server = await startServer({ model: 'py-threading-http', handler, entries: c10kEntries, registry, python })
    try {
      const answer = await fetchOnce(server.url)
      expect(answer.version).toBe('1.0')
      expect(bodyChecksum(answer.body)).toBe(bodyChecksum(c10kBody(10)))
    } finally {
      await registry.stopAll(3000)
    }
  })
})

/** Why there is no python3 on PATH without gevent to try, or null. */
const noLackingPython =
  cannotImport('sys', 'python3') ?? (cannotImport('gevent', 'python3') === null ? 'python3 on PATH has gevent' : null)
if (noLackingPython) console.log(`skip: a Python without gevent (${noLackingPython})`)

describe.skipIf(noLackingPython)('a framework the chosen Python lacks', () => {
  it('fails the model’s steps with one line saying where it is available', async () => {
    const pyenv = await chooseInterpreter(undefined)
    const result = await runSweep(
      { models: ['py-gevent-pywsgi'], connections: [1], stepSeconds: 2, timeoutMs: 1000 },
      { entries: c10kEntries, python: pyenv.executable },
    )
    expect(result.steps[0]!.error).toMatch(
      new RegExp(`^${findServerModel('py-gevent-pywsgi')!.title} needs gevent, but Python .* cannot import it; `),
    )
  })
})
