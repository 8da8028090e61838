// The Dask scheduler address a user may give: only tcp:// with a host and a port, bounded, and
// only for a run that has py-dask.
import { describe, expect, it } from 'vitest'
import { daskSchedulerProblem } from '../../src/shared/dask'
import { parseRunConfig } from '../../src/shared/schemas'

describe('daskScheduler', () => {
  it.each(['tcp://127.0.0.1:8786', 'tcp://scheduler.example.org:1', 'tcp://[::1]:65535', 'tcp://dask-0:40000'])(
    'accepts %s',
    (address) => {
      expect(daskSchedulerProblem(address)).toBeNull()
      expect(
        parseRunConfig({ workload: 'primes', strategies: ['py-dask'], daskScheduler: address }).daskScheduler,
      ).toBe(address)
    },
  )

  it.each([
    ['10.0.0.5:8786', /^must be tcp:\/\/HOST:PORT/],
    ['tls://127.0.0.1:8786', /only tcp:\/\/ is accepted$/],
    ['tcp://10.0.0.5', /^must be tcp:\/\/HOST:PORT/],
    ['tcp://127.0.0.1:0', /the port is out of range$/],
    ['tcp://127.0.0.1:70000', /the port is out of range$/],
    ['tcp://bad_host!:8786', /the host is not a host name or IP address$/],
    [`tcp://${'a'.repeat(300)}:8786`, /it is over 270 characters$/],
  ])('refuses %s, naming what is wrong without echoing it', (address, message) => {
    const problem = daskSchedulerProblem(address)
    expect(problem).toMatch(message)
    expect(problem).not.toContain(address)
  })

  it('is refused for a run without py-dask, and a non-string is refused by the schema', () => {
    expect(() =>
      parseRunConfig({ workload: 'primes', strategies: ['py-processes'], daskScheduler: 'tcp://127.0.0.1:8786' }),
    ).toThrow(/daskScheduler is only for py-dask/)
    expect(() => parseRunConfig({ workload: 'primes', strategies: ['py-dask'], daskScheduler: 8786 })).toThrow(
      /daskScheduler must be tcp:\/\/HOST:PORT/,
    )
  })
})
