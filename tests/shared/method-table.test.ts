// Every call of the method table is served by every transport: IPC (the preload's window.lab to
// main's handlers) and WebSocket (call messages to the browser-mode server), reaching the lab with
// the right arguments. A row added to the table that a transport does not serve fails here. (The
// page's WebSocket client, a web-side module, is checked the same way in tests/renderer/websocket.test.ts.)
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { WebSocket } from 'ws'
import { LAB_METHOD_TABLE, type LabApi } from '../../src/shared/api'
import { LAB_METHODS, type LabMethod } from '../../src/shared/methods'
import { startLabServer, type LabServer } from '../../src/main/server/server'
import { makeSession } from '../sessions/fixtures'
import { makeFakeElectron } from '../electron/fake-electron'

const fake = vi.hoisted(() => ({ electron: null as unknown as ReturnType<typeof makeFakeElectron> }))
vi.mock('electron', async () => {
  const { makeFakeElectron } = await import('../electron/fake-electron')
  fake.electron = makeFakeElectron()
  return fake.electron
})

const { registerLabIpc } = await import('../../src/main/electron/ipc')

/** Valid arguments for every call, already in the form the lab receives (defaults filled in). */
const SAMPLE_ARGS: Record<LabMethod, unknown[]> = {
  catalog: [],
  startRun: [
    {
      workload: 'primes',
      params: { size: 2000, tasks: 4 },
      strategies: ['sequential'],
      workers: [1, 2],
      repetitions: 2,
      warmups: 0,
      chunkSize: 1,
      timeoutMs: 120_000,
      samplerHz: 10,
    },
  ],
  stopRun: ['run-1'],
  getRun: ['run-1'],
  activeRun: [],
  deleteRun: ['session-1', 'run-1'],
  restoreRun: ['session-1', 'run-1'],
  exportRun: ['run-1', 'csv'],
  listSessions: [],
  openSession: ['session-1'],
  getSession: ['session-2'],
  saveSession: [makeSession()],
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
  startC10k: [
    {
      models: ['node-http'],
      connections: [10, 100],
      stepSeconds: 2,
      stepRequests: 2_000_000,
      timeoutMs: 1_000,
      handler: { delayMs: 20, cpuMs: 0, payloadBytes: 256, workers: 2, stock: false },
    },
  ],
  stopC10k: ['sweep-1'],
  c10kState: [],
  readInputs: ['/home/me/inputs.json'],
  startTune: [
    {
      workload: 'primes',
      params: { size: 2000, tasks: 4 },
      strategies: ['sequential', 'threads'],
      workers: [1],
      repetitions: 2,
      warmups: 0,
      chunkSize: 1,
      timeoutMs: 120_000,
      samplerHz: 10,
    },
    { maxWorkers: 4, budgetS: 30 },
  ],
  stopTune: [],
  runRaceExperiment: ['race-lost-updates', { trials: 1 }],
}

const tableNames = Object.keys(LAB_METHOD_TABLE) as LabMethod[]

/** A LabApi whose every call records its arguments and answers with a value naming the call. */
function recordingLab(): LabApi & { calls: Array<[string, unknown[]]> } {
  const calls: Array<[string, unknown[]]> = []
  const lab = Object.fromEntries(
    tableNames.map((name) => [
      name,
      vi.fn(async (...args: unknown[]) => {
        calls.push([name, args])
        return { answer: name }
      }),
    ]),
  )
  return { ...lab, calls, onEvent: () => () => undefined } as unknown as LabApi & { calls: Array<[string, unknown[]]> }
}

/** Calls every row of the table on `api` and checks each reached `lab` once, with its arguments. */
async function callEveryMethod(api: LabApi, lab: ReturnType<typeof recordingLab>): Promise<void> {
  for (const name of tableNames) {
    const args = SAMPLE_ARGS[name]
    expect(args, `SAMPLE_ARGS has no arguments for ${name}`).toBeDefined()
    const call = api[name] as unknown as (...a: unknown[]) => Promise<unknown>
    expect(typeof call, `${name} is not a function of this transport's LabApi`).toBe('function')
    expect(await call(...args), name).toEqual({ answer: name })
  }
  expect(lab.calls.map(([name]) => name)).toEqual(tableNames)
  for (const [name, args] of lab.calls) expect(args, name).toEqual(SAMPLE_ARGS[name as LabMethod])
}

describe('the method table', () => {
  it('names the same calls as LAB_METHODS, the list the preload and the page build from', () => {
    expect([...tableNames].sort()).toEqual([...LAB_METHODS].sort())
  })

  it('accepts the sample arguments of every call and refuses a missing one, naming it', () => {
    for (const name of tableNames) expect(LAB_METHOD_TABLE[name].parse(SAMPLE_ARGS[name]), name).toBeDefined()
    expect(() => LAB_METHOD_TABLE.renameSession.parse(['session-1'])).toThrow(/^args .*2 items/)
    expect(() => LAB_METHOD_TABLE.exportRun.parse(['run-1', 'xml'])).toThrow(/^args\[1\] /)
  })
})

describe('IPC serves every call of the table', () => {
  let lab: ReturnType<typeof recordingLab>
  let dispose: () => void = () => undefined

  beforeEach(() => {
    dispose()
    lab = recordingLab()
    dispose = registerLabIpc(lab, { isOurWindow: (sender) => sender === fake.electron.ipcRenderer.sender })
  })
  afterAll(() => dispose())

  it("from the preload's window.lab through main's handlers to the lab", async () => {
    await import('../../src/preload/index')
    const windowLab = fake.electron.exposed.get('lab') as LabApi
    await callEveryMethod(windowLab, lab)
  })

  it('on one channel per call, each taking the positional arguments', async () => {
    for (const name of tableNames) {
      expect(fake.electron.ipcMain.handlers.has(`lab:${name}`), `no IPC handler for lab:${name}`).toBe(true)
    }
  })
})

describe('WebSocket serves every call of the table', () => {
  const rendererDir = mkdtempSync(join(tmpdir(), 'lab-renderer-'))
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>lab</title>')
  const lab = recordingLab()
  let server: LabServer

  beforeAll(async () => {
    server = await startLabServer({ lab, rendererDir })
  })
  afterAll(() => server.close())

  it("from call messages through the server's dispatch to the lab", async () => {
    const origin = `http://127.0.0.1:${server.port}`
    const socket = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`, {
      headers: { Origin: origin },
    })
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject))
    let nextId = 1
    const call = (method: string, args: unknown[]): Promise<unknown> => {
      const id = nextId++
      return new Promise((resolve, reject) => {
        socket.on('message', (data) => {
          const reply = JSON.parse(String(data)) as { id?: number; ok?: boolean; value?: unknown; error?: string }
          if (reply.id !== id) return
          if (reply.ok) resolve(reply.value)
          else reject(new Error(reply.error))
        })
        socket.send(JSON.stringify({ type: 'call', id, method, args }))
      })
    }
    const api = Object.fromEntries(tableNames.map((name) => [name, (...args: unknown[]) => call(name, args)]))
    try {
      await callEveryMethod(api as unknown as LabApi, lab)
    } finally {
      socket.close()
    }
  })
})
