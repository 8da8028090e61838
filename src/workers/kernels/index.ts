// Runs one task of any workload. Threads, processes and the async loop all call this.
import type { TaskInput } from '../../shared/catalog'
import type { Fixtures } from '../../shared/protocol'
import { byteSum, chainedSha256, countPrimes, countdown, makePayload, mandelbrotRows, sumSquares } from './cpu'
import { fetchPayload, fileTask, sleepTask } from './io'
import { runUserTask } from '../user-code'

export function runKernel(workload: string, input: TaskInput, fixtures: Fixtures): number | Promise<number> {
  switch (input.kind) {
    case 'range':
      if (workload === 'primes') return countPrimes(input.lo, input.hi)
      if (workload === 'countdown') return countdown(input.lo, input.hi)
      if (workload === 'sum-squares') return sumSquares(input.lo, input.hi)
      break
    case 'rows':
      return mandelbrotRows(input.y0, input.y1, input.size, input.iterations)
    case 'hash':
      return chainedSha256(makePayload(input.index, input.size), input.rounds)
    case 'noop':
      return input.index
    case 'http': {
      if (!fixtures.httpUrl) throw new Error('the http fixture was not started for this run')
      const { httpUrl } = fixtures
      return fetchPayload(httpUrl, input.index, input.latency, input.payload).then((body) =>
        input.rounds > 0 ? chainedSha256(body, input.rounds) : byteSum(body),
      )
    }
    case 'sleep':
      return sleepTask(input.index, input.duration)
    case 'amdahl':
      return sumSquares(input.lo, input.hi)
    case 'file':
      if (!fixtures.tempDir) throw new Error('no temp folder was made for this run')
      return fileTask(fixtures.tempDir, input.index, input.size)
    case 'user':
      return runUserTask(input.value)
  }
  throw new Error(`workload ${workload} cannot run a ${input.kind} task`)
}
