// The desktop app's ProcessLauncher over Electron's utilityProcess: a process that never starts,
// one that dies on a fatal error and one the lab kills are each reported as the lab's own
// child_process launcher reports them, so a trial says what happened instead of hanging.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { makeFakeElectron, type FakeUtilityProcess } from './fake-electron'

const fake = vi.hoisted(() => ({ electron: null as unknown as ReturnType<typeof makeFakeElectron> }))
vi.mock('electron', async () => {
  const { makeFakeElectron } = await import('./fake-electron')
  fake.electron = makeFakeElectron()
  return fake.electron
})

const { UtilityProcessLauncher } = await import('../../src/main/electron/utility-launcher')

type Exit = [code: number | null, signal: string | null | undefined, failure: string | undefined]

function exitOf(proc: { onExit: (l: (...args: Exit) => void) => void }): Promise<Exit> {
  return new Promise((resolve) => proc.onExit((...args) => resolve(args)))
}

const lastForked = (): FakeUtilityProcess => fake.electron.utilityProcess.forked.at(-1)!

describe('UtilityProcessLauncher', () => {
  let kill: ReturnType<typeof vi.spyOn>
  beforeEach(() => {
    fake.electron.utilityProcess.forked.length = 0
    kill = vi.spyOn(process, 'kill').mockImplementation(() => true)
  })
  afterEach(() => kill.mockRestore())

  it('reports a fork that throws as a process that never started, with the reason', async () => {
    fake.electron.utilityProcess.failNext = new Error('spawn EAGAIN')
    const proc = new UtilityProcessLauncher().fork('/app/process-entry.js')
    expect(proc.pid).toBeUndefined()
    const [code, , failure] = await exitOf(proc)
    expect(code).toBeNull()
    expect(failure).toContain('EAGAIN')
  })

  it('reports an exit before spawn as a process that could not be started', async () => {
    const proc = new UtilityProcessLauncher().fork('/app/process-entry.js')
    const exit = exitOf(proc)
    lastForked().emit('exit', 1)
    const [code, , failure] = await exit
    expect(code).toBe(1)
    expect(failure).toBe('the worker process could not be started (it exited with code 1 before it ran)')
  })

  it("names a fatal error reported by Electron's 'error' event", async () => {
    const proc = new UtilityProcessLauncher().fork('/app/process-entry.js')
    const exit = exitOf(proc)
    lastForked().spawned(4242)
    lastForked().emit('error', 'FatalError', 'v8::ToLocalChecked Empty MaybeLocal', '')
    lastForked().emit('exit', 133)
    const [code, , failure] = await exit
    expect(code).toBe(133)
    expect(failure).toBe(
      'the worker process stopped on a fatal error (FatalError at v8::ToLocalChecked Empty MaybeLocal)',
    )
  })

  it('exits normally with no failure', async () => {
    const proc = new UtilityProcessLauncher().fork('/app/process-entry.js')
    const exit = exitOf(proc)
    lastForked().spawned(4243)
    expect(proc.pid).toBe(4243)
    lastForked().emit('exit', 0)
    expect(await exit).toEqual([0, null, undefined])
  })

  it('kills with SIGKILL, and reports the signal it sent', async () => {
    const proc = new UtilityProcessLauncher().fork('/app/process-entry.js')
    const exit = exitOf(proc)
    lastForked().spawned(4244)
    proc.kill()
    expect(kill).toHaveBeenCalledWith(4244, 'SIGKILL')
    lastForked().emit('exit', 9)
    const [code, signal, failure] = await exit
    expect([code, signal, failure]).toEqual([null, 'SIGKILL', undefined])
  })

  it('a kill asked for before the process has spawned ends it once it spawns (electron#44009)', async () => {
    const proc = new UtilityProcessLauncher().fork('/app/process-entry.js')
    const exit = exitOf(proc)
    proc.kill()
    expect(kill).not.toHaveBeenCalled()
    lastForked().spawned(4245)
    expect(kill).toHaveBeenCalledWith(4245, 'SIGKILL')
    lastForked().emit('exit', 9)
    expect((await exit)[1]).toBe('SIGKILL')
  })

  it('reports one exit, however many events arrive', async () => {
    const proc = new UtilityProcessLauncher().fork('/app/process-entry.js')
    const calls: Exit[] = []
    proc.onExit((code, signal, failure) => calls.push([code, signal, failure]))
    lastForked().spawned(4246)
    lastForked().emit('exit', 0)
    lastForked().emit('exit', 0)
    await new Promise((r) => setTimeout(r, 0))
    expect(calls).toHaveLength(1)
  })
})
