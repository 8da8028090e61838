// npm run bench: prints each figure in words on stderr and, as the last line on stdout, one JSON
// object with every figure. Timings are compared as ratios measured in the same run.
import { availableParallelism, cpus } from 'node:os'
import { dispatch, efficiency, sampler, say, stopLatency } from './lab'

say(`Concurrency Lab benchmarks · ${cpus()[0]?.model ?? 'unknown CPU'} · ${availableParallelism()} logical cores · Node ${process.versions.node}`)
const figures = {
  dispatch: await dispatch(),
  efficiency: await efficiency(),
  sampler: await sampler(),
  stop: await stopLatency(),
}
process.stdout.write(`${JSON.stringify(figures)}\n`)
