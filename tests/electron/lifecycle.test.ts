import { EventEmitter } from 'node:events'
import { describe, expect, it, vi } from 'vitest'
import { stopLabBeforeQuit } from '../../src/main/electron/lifecycle'
import { descendantsOf, eventually, makeHost } from '../helpers'

class FakeApp extends EventEmitter {
  quits = 0
  prevented = 0
  quit(): void {
    this.quits++
    const event = { preventDefault: () => this.prevented++ }
    this.emit('before-quit', event)
  }
}

describe('quitting the app', () => {
  it('during a run stops every worker process before the app exits', async () => {
    const host = makeHost()
    const before = descendantsOf()
    const id = await host.startRun({
      workload: 'countdown',
      params: { size: 10_000_000_000, tasks: 2 },
      strategies: ['processes'],
      workers: [2],
      repetitions: 1,
      warmups: 0,
    })
    await eventually(() => host.registry.size === 2, 'the worker processes to start')
    const app = new FakeApp()
    const shutdown = vi.fn(() => host.shutdown())
    stopLabBeforeQuit(app, shutdown)

    app.quit()
    // The first quit is held back while the lab shuts down…
    expect(app.prevented).toBe(1)
    expect(shutdown).toHaveBeenCalledOnce()
    // …then the app quits again, and this time is let through.
    await eventually(() => app.quits === 2, 'the second quit')
    expect(app.prevented).toBe(1)
    expect(host.registry.size).toBe(0)
    expect(descendantsOf()).toEqual(before)
    expect((await host.getRun(id)).status).toBe('stopped')
  })

  it('still quits when shutting down fails', async () => {
    const app = new FakeApp()
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    stopLabBeforeQuit(app, () => Promise.reject(new Error('disk on fire')))
    app.quit()
    await eventually(() => app.quits === 2, 'the second quit')
    expect(quiet).toHaveBeenCalled()
    quiet.mockRestore()
  })
})
