import { describe, expect, it } from 'vitest'
import { parseRunConfig, ValidationError } from '../../src/shared/schemas'

const valid = { workload: 'primes', strategies: ['sequential', 'threads'], workers: [1, 2] }

function messageFor(config: unknown): string {
  try {
    parseRunConfig(config)
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError)
    return (error as Error).message
  }
  throw new Error('the configuration was accepted')
}

describe('run configuration validation', () => {
  it('fills in defaults for a minimal configuration', () => {
    const config = parseRunConfig(valid)
    expect(config).toMatchObject({ repetitions: 3, warmups: 1, chunkSize: 1, samplerHz: 10, params: {} })
  })

  it('takes workload parameters as numbers or numeric text and gives numbers back', () => {
    const config = parseRunConfig({ ...valid, params: { size: '2000', tasks: 8 } })
    expect(config.params).toEqual({ size: 2000, tasks: 8 })
    expect(messageFor({ ...valid, params: { tasks: '2.5' } })).toContain(
      'params.tasks must be an integer from 1 to 100,000 tasks, got "2.5"',
    )
    expect(messageFor({ ...valid, params: { tasks: '' } })).toContain(
      'params.tasks must be an integer from 1 to 100,000 tasks; it is empty',
    )
  })

  it.each([
    [{ ...valid, workers: [0] }, 'workers[0] must be an integer from 1 to 256, got 0'],
    [{ ...valid, workers: [1, 257] }, 'workers[1] must be an integer from 1 to 256, got 257'],
    [{ ...valid, workers: [1.5] }, 'workers[0] must be an integer from 1 to 256, got 1.5'],
    [{ ...valid, workers: [] }, 'workers must hold at least one worker count'],
    [{ ...valid, workload: 'fibonacci' }, 'workload must be one of primes, countdown'],
    [
      { ...valid, strategies: ['sequential', 'fibers'] },
      'strategies[1] must be one of sequential, async, threads, processes, py-sequential, py-threads, py-processes, py-asyncio, py-generators, py-generators-greedy, py-threads-nogil, py-asyncio-uvloop, py-gevent, py-twisted, py-dask, got "fibers"',
    ],
    [{ ...valid, strategies: [] }, 'strategies must name at least one strategy'],
    [{ ...valid, params: { size: -5 } }, 'params.size must be an integer from 10 to 100,000,000 numbers, got -5'],
    [{ ...valid, params: { depth: 3 } }, 'params.depth is not a parameter of primes (it has size, tasks)'],
    [{ ...valid, params: { tasks: 'many' } }, 'params.tasks must be an integer from 1 to 100,000 tasks, got "many"'],
    [{ ...valid, repetitions: 0 }, 'repetitions must be an integer from 1 to 1,000, got 0'],
    [{ ...valid, warmups: -1 }, 'warmups must be an integer from 0 to 100, got -1'],
    [{ ...valid, chunkSize: 0 }, 'chunkSize must be an integer from 1 to 100,000 tasks, got 0'],
    [{ ...valid, timeoutMs: 5 }, 'timeoutMs must be an integer from 100 to 86,400,000 ms, got 5'],
    [{ ...valid, samplerHz: 0 }, 'samplerHz must be a number from 1 to 100 samples a second, got 0'],
    [{ ...valid, colour: 'red' }, 'unknown field colour'],
    [{ ...valid, strategies: ['threads', 'threads'] }, 'strategies[1] names threads twice'],
    ['primes', 'a run configuration must be an object, got "primes"'],
    [{ ...valid, workload: '' }, 'workload must be one of primes, countdown'],
    [{ ...valid, workload: '   ' }, '; it is empty'],
    [{ ...valid, python: '' }, 'python must be a Python interpreter id or path; it is empty'],
  ])('rejects %j with a message naming the field', (config, message) => {
    expect(messageFor(config)).toContain(message)
  })

  it('never quotes an empty text back ("got \"\"")', () => {
    for (const config of [
      { ...valid, workload: '' },
      { ...valid, strategies: [''] },
      { ...valid, python: '' },
      { ...valid, params: { tasks: '' } },
    ])
      expect(messageFor(config)).not.toContain('got ""')
    expect(messageFor({ ...valid, workload: '' })).toMatch(/^workload must be one of primes, .*; it is empty$/)
  })

  it('reports every bad field at once', () => {
    const message = messageFor({ ...valid, workers: [0], repetitions: 0 })
    expect(message).toContain('workers[0]')
    expect(message).toContain('repetitions')
  })
})
