import { describe, expect, it } from 'vitest'
import { LAB_METHOD_TABLE, type LabApi, type LabEvent } from '@shared/api'
import { chooseTransport } from '../../src/renderer/src/transport'
import { WebSocketLabApi, type SocketLike } from '../../src/renderer/src/transport/websocket'

class FakeSocket implements SocketLike {
  readyState = 0
  sent: Array<{ id: number; method: string; args: unknown[] }> = []
  onopen: SocketLike['onopen'] = null
  onmessage: SocketLike['onmessage'] = null
  onclose: SocketLike['onclose'] = null
  onerror: SocketLike['onerror'] = null
  constructor(readonly url = '') {}
  send(data: string): void {
    this.sent.push(JSON.parse(data))
  }
  close(): void {}
  open(): void {
    this.readyState = 1
    this.onopen?.({})
  }
  reply(message: unknown): void {
    this.onmessage?.({ data: JSON.stringify(message) })
  }
}

const tick = () => new Promise((r) => setTimeout(r, 0))

describe('WebSocket transport', () => {
  it('connects to the serving host with the token from the page URL', () => {
    let url = ''
    WebSocketLabApi.fromLocation({ protocol: 'http:', host: '127.0.0.1:4000', search: '?token=abc%2Bdef' }, (u) => {
      url = u
      return new FakeSocket(u)
    })
    expect(url).toBe('ws://127.0.0.1:4000/ws?token=abc%2Bdef')
  })

  it('sends calls once open and resolves each with its own result', async () => {
    const socket = new FakeSocket()
    const api = new WebSocketLabApi(socket)
    const started = api.startRun({ workload: 'primes', strategies: ['sequential'] })
    const catalog = api.catalog()
    await tick()
    expect(socket.sent).toEqual([]) // not open yet
    socket.open()
    await tick()
    expect(socket.sent.map((m) => m.method)).toEqual(['startRun', 'catalog'])
    socket.reply({ type: 'result', id: socket.sent[1]!.id, ok: true, value: { workloads: [] } })
    socket.reply({ type: 'result', id: socket.sent[0]!.id, ok: true, value: 'run-9' })
    await expect(started).resolves.toBe('run-9')
    await expect(catalog).resolves.toEqual({ workloads: [] })
  })

  it('has every call of the method table, each sent as its name and positional arguments', async () => {
    const socket = new FakeSocket()
    const api: LabApi = new WebSocketLabApi(socket)
    socket.open()
    const names = Object.keys(LAB_METHOD_TABLE) as Array<keyof typeof LAB_METHOD_TABLE>
    for (const [i, name] of names.entries()) {
      const call = api[name] as unknown as (...args: unknown[]) => Promise<unknown>
      expect(typeof call, name).toBe('function')
      void call(`argument of ${name}`, i)
    }
    await tick()
    expect(socket.sent.map((m) => [m.method, m.args])).toEqual(
      names.map((name, i) => [name, [`argument of ${name}`, i]]),
    )
  })

  it('rejects a refused call with the server message', async () => {
    const socket = new FakeSocket()
    const api = new WebSocketLabApi(socket)
    socket.open()
    const stop = api.stopRun('nope')
    await tick()
    socket.reply({ type: 'result', id: socket.sent[0]!.id, ok: false, error: 'no run with id "nope"' })
    await expect(stop).rejects.toThrow('no run with id "nope"')
  })

  it('hands every event of a batch to every listener, in order', () => {
    const socket = new FakeSocket()
    const api = new WebSocketLabApi(socket)
    socket.open()
    const seen: LabEvent[] = []
    const off = api.onEvent((e) => seen.push(e))
    socket.reply({
      type: 'events',
      events: [
        { type: 'progress', runId: 'r', done: 1, total: 2, strategy: 's', workers: 1, etaMs: 5 },
        { type: 'error', runId: 'r', message: 'boom' },
      ],
    })
    off()
    socket.reply({ type: 'events', events: [{ type: 'error', runId: 'r', message: 'after' }] })
    expect(seen.map((e) => e.type)).toEqual(['progress', 'error'])
  })

  it('fails pending calls with a clear message when the connection drops', async () => {
    const socket = new FakeSocket()
    const api = new WebSocketLabApi(socket)
    const states: string[] = []
    api.onConnection((s) => states.push(s))
    socket.open()
    const call = api.catalog()
    await tick()
    socket.onclose?.({ code: 1006, reason: '' })
    await expect(call).rejects.toThrow(/lost the connection to the lab server \(code 1006\)/)
    await expect(api.catalog()).rejects.toThrow(/lost the connection/)
    expect(states).toEqual(['open', 'closed'])
  })
})

describe('choosing the transport', () => {
  it('uses the preload API when window.lab exists', () => {
    const lab = {} as never
    const t = chooseTransport({ lab, location: { protocol: 'file:', host: '', search: '' } })
    expect(t.kind).toBe('desktop')
    expect(t.api).toBe(lab)
  })
  it('falls back to the WebSocket in a plain browser', () => {
    const t = chooseTransport(
      { location: { protocol: 'http:', host: '127.0.0.1:1', search: '?token=t' } },
      (u) => new FakeSocket(u),
    )
    expect(t.kind).toBe('browser')
    expect(t.api).toBeInstanceOf(WebSocketLabApi)
    expect(t.shell).toBeNull()
  })
})
