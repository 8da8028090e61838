import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { LabApi, LabEvent } from '../../src/shared/api'
import { IPC, labChannel } from '../../src/shared/ipc'
import { INITIAL_MENU_STATE } from '../../src/shared/menu'
import { LAB_METHODS } from '../../src/shared/methods'
import { makeFakeElectron } from './fake-electron'

const fake = vi.hoisted(() => ({ electron: null as unknown as ReturnType<typeof makeFakeElectron> }))
vi.mock('electron', async () => {
  const { makeFakeElectron } = await import('./fake-electron')
  fake.electron = makeFakeElectron()
  return fake.electron
})

const { batchEvents, registerLabIpc } = await import('../../src/main/electron/ipc')

function fakeLab(): LabApi & { started: unknown[] } {
  const started: unknown[] = []
  return {
    started,
    catalog: vi.fn(async () => ({
      version: '0.0.0',
      workloads: [],
      strategies: [],
      runtimes: [],
      machine: {} as never,
    })),
    startRun: vi.fn(async (config) => {
      started.push(config)
      return 'run-1'
    }),
    stopRun: vi.fn(async () => undefined),
    getRun: vi.fn(async () => ({}) as never),
    activeRun: vi.fn(async () => null),
    deleteRun: vi.fn(async () => ({}) as never),
    restoreRun: vi.fn(async () => ({}) as never),
    exportRun: vi.fn(async () => '{}'),
    onEvent: () => () => undefined,
    listSessions: vi.fn(async () => []),
    openSession: vi.fn(async () => ({}) as never),
    getSession: vi.fn(async () => ({}) as never),
    saveSession: vi.fn(async () => 'id'),
    deleteSession: vi.fn(async () => undefined),
    currentSession: vi.fn(async () => null),
    newSession: vi.fn(async () => ({}) as never),
    renameSession: vi.fn(async () => ({}) as never),
    setSessionNotes: vi.fn(async () => ({}) as never),
    restoreSession: vi.fn(async () => ({}) as never),
    listTrash: vi.fn(async () => []),
    importSession: vi.fn(async () => ({}) as never),
    exportSession: vi.fn(async () => '{}'),
    inspectScript: vi.fn(async (path: string) => ({
      path,
      runtime: 'python' as const,
      sha256: '0'.repeat(64),
      functions: [],
    })),
    startC10k: vi.fn(async () => 'sweep-1'),
    stopC10k: vi.fn(async () => undefined),
    c10kState: vi.fn(async () => null),
    readInputs: vi.fn(async () => ({ values: [1, 2] })),
    startTune: vi.fn(async () => 'tune-1'),
    stopTune: vi.fn(async () => undefined),
    runRaceExperiment: vi.fn(async () => ({}) as never),
  }
}

describe('the IPC wrapper', () => {
  const ourWindow = { id: 'ours' }
  let lab: ReturnType<typeof fakeLab>
  let dispose: () => void
  let menuStates: unknown[]

  beforeEach(() => {
    lab = fakeLab()
    menuStates = []
    dispose = registerLabIpc(lab, {
      isOurWindow: (s) => s === (ourWindow as never),
      onMenuState: (s) => menuStates.push(s),
    })
  })
  afterEach(() => dispose())

  it('passes a valid call from our window to the lab', async () => {
    const id = await fake.electron.ipcMain.invoke(labChannel('startRun'), ourWindow, [
      { workload: 'primes', strategies: ['sequential'] },
    ])
    expect(id).toBe('run-1')
    expect(lab.started).toHaveLength(1)
    // Validated and with defaults filled in before the lab sees it.
    expect(lab.started[0]).toMatchObject({ workload: 'primes', repetitions: 3, workers: [1] })
  })

  it('refuses a call from any other sender, without reaching the lab', async () => {
    await expect(
      fake.electron.ipcMain.invoke(labChannel('startRun'), { id: 'evil' }, [
        { workload: 'primes', strategies: ['sequential'] },
      ]),
    ).rejects.toThrow(/sender is not the lab window/)
    expect(lab.startRun).not.toHaveBeenCalled()
  })

  it('refuses a foreign sender on every channel it serves, before looking at the payload', async () => {
    dispose()
    const files = { openWithDialog: vi.fn(async () => null), saveAsWithDialog: vi.fn(async () => null) }
    dispose = registerLabIpc(lab, { isOurWindow: (s) => s === (ourWindow as never), sessionFiles: files })
    const channels = [...fake.electron.ipcMain.handlers.keys()]
    // Every call of the method table and both dialogs: a channel added later is covered here too.
    expect(channels.sort()).toEqual(
      [...LAB_METHODS.map(labChannel), IPC.openSessionDialog, IPC.saveSessionAsDialog].sort(),
    )
    const mocks = [...Object.values(lab), ...Object.values(files)].filter((f) => vi.isMockFunction(f))
    for (const channel of channels) {
      for (const payload of [undefined, [], ['session-1'], 'session-1']) {
        await expect(fake.electron.ipcMain.invoke(channel, { id: 'evil' }, payload), channel).rejects.toThrow(
          `refused ${channel}: the sender is not the lab window`,
        )
      }
    }
    for (const mock of mocks) expect(mock).not.toHaveBeenCalled()
    // The same messages from our window get past the sender check (answered, or refused for their payload).
    for (const channel of channels) {
      const answer = await fake.electron.ipcMain.invoke(channel, ourWindow, []).then(
        () => 'answered',
        (error: Error) => error.message,
      )
      expect(answer, channel).not.toMatch(/sender/)
    }
    expect(mocks.filter((mock) => mock.mock.calls.length > 0).length).toBeGreaterThan(0)
  })

  it('refuses an invalid payload with a message naming the field', async () => {
    await expect(
      fake.electron.ipcMain.invoke(labChannel('startRun'), ourWindow, [
        { workload: 'primes', strategies: ['sequential'], workers: [0] },
      ]),
    ).rejects.toThrow(/args\[0\]\.workers\[0\] must be an integer from 1 to 256, got 0/)
    await expect(fake.electron.ipcMain.invoke(labChannel('stopRun'), ourWindow, [42])).rejects.toThrow()
    await expect(fake.electron.ipcMain.invoke(labChannel('stopRun'), ourWindow, 'r')).rejects.toThrow()
    await expect(fake.electron.ipcMain.invoke(labChannel('exportRun'), ourWindow, ['r', 'xml'])).rejects.toThrow(
      /args\[1\]/,
    )
    expect(lab.startRun).not.toHaveBeenCalled()
    expect(lab.stopRun).not.toHaveBeenCalled()
  })

  it('takes menu state only from our window and only when it fits the schema', () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    fake.electron.ipcMain.send(IPC.menuState, { id: 'evil' }, INITIAL_MENU_STATE)
    fake.electron.ipcMain.send(IPC.menuState, ourWindow, { ...INITIAL_MENU_STATE, running: 'yes' })
    expect(menuStates).toEqual([])
    fake.electron.ipcMain.send(IPC.menuState, ourWindow, { ...INITIAL_MENU_STATE, workload: 'primes' })
    expect(menuStates).toEqual([{ ...INITIAL_MENU_STATE, workload: 'primes' }])
    expect(errors).toHaveBeenCalledTimes(2)
    errors.mockRestore()
  })

  it('removes every handler on dispose', () => {
    dispose()
    expect(fake.electron.ipcMain.handlers.size).toBe(0)
    expect(fake.electron.ipcMain.listeners.get(IPC.menuState)).toEqual([])
    dispose = () => undefined
  })
})

describe('event batching to the window', () => {
  afterEach(() => vi.useRealTimers())

  it('sends at most 20 messages a second however many events arrive, losing none', () => {
    vi.useFakeTimers()
    const sent: LabEvent[][] = []
    const batcher = batchEvents((batch) => sent.push(batch))
    // 100 Hz of samples for two seconds.
    for (let i = 0; i < 200; i++) {
      batcher.push({ type: 'sample', runId: 'r', samples: [{ t: i, cores: [1], rss: 0 }] })
      vi.advanceTimersByTime(10)
    }
    vi.advanceTimersByTime(100)
    expect(sent.length).toBeLessThanOrEqual(2 * 20 + 1)
    expect(sent.flat()).toHaveLength(200)
    expect(sent.flat().map((e) => (e.type === 'sample' ? e.samples[0]!.t : -1))).toEqual(
      Array.from({ length: 200 }, (_, i) => i),
    )
  })
})
