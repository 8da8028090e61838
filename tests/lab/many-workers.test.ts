// Worker counts over 4 × the logical cores need an explicit confirmation (allowManyWorkers), for
// strategies whose workers are threads or processes; read from the specs, never the ids.
import { availableParallelism } from 'node:os'
import { describe, expect, it } from 'vitest'
import { STRATEGIES } from '../../src/shared/catalog'
import {
  LIMITS,
  MANY_WORKERS_PER_CORE,
  ValidationError,
  isManyWorkersRefusal,
  manyWorkersProblem,
} from '../../src/shared/schemas'
import { makeHost } from '../helpers'

const cores = availableParallelism()
const bound = MANY_WORKERS_PER_CORE * cores
const over = bound + 1
const parallel = STRATEGIES.filter((s) => s.takesWorkers && s.lanes === 'workers').map((s) => s.id)
const single = STRATEGIES.filter((s) => !s.takesWorkers).map((s) => s.id)

describe('many workers', () => {
  it('names the bound, the core count and how to raise it, without echoing the input', () => {
    const problem = manyWorkersProblem({ workers: [1, over], strategies: ['threads'] }, cores)
    expect(problem).toBe(
      `workers over ${bound} (${MANY_WORKERS_PER_CORE} × this machine's ${cores} logical core${cores === 1 ? '' : 's'}) need confirmation for Worker threads: so many threads or processes can stall the machine; to run anyway set allowManyWorkers (CLI: --allow-many-workers)`,
    )
    expect(isManyWorkersRefusal(problem!)).toBe(true)
    expect(isManyWorkersRefusal('workers[0] must be an integer')).toBe(false)
  })

  it('applies to every strategy whose workers are threads or processes, and to no other', () => {
    for (const id of parallel) expect(manyWorkersProblem({ workers: [over], strategies: [id] }, cores)).not.toBeNull()
    for (const id of single) expect(manyWorkersProblem({ workers: [over], strategies: [id] }, cores)).toBeNull()
    expect(manyWorkersProblem({ workers: [bound], strategies: parallel }, cores)).toBeNull()
    expect(manyWorkersProblem({ workers: [over], strategies: parallel, allowManyWorkers: true }, cores)).toBeNull()
  })

  it.skipIf(over > LIMITS.workers.max)('LabHost refuses such a run without the confirmation', async () => {
    const host = makeHost()
    try {
      const config = { workload: 'sleep', params: { tasks: 1, duration: 1 }, strategies: ['threads'], workers: [over] }
      const refused = await host.startRun(config).catch((e: unknown) => e)
      expect(refused).toBeInstanceOf(ValidationError)
      expect((refused as Error).message).toMatch(/^workers over \d+ .*--allow-many-workers\)$/)
      expect(host.runsInMemory).toBe(0)
    } finally {
      await host.shutdown()
    }
  })
})
