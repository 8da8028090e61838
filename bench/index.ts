// npm run bench: prints each figure in words on stderr and, as the last line on stdout, one JSON
// object with every figure. Timings are compared as ratios measured in the same run.
// The renderer's main-thread figure needs Chromium and has its own command: npm run bench:ui.
import { availableParallelism, cpus } from 'node:os'
import { dispatch, efficiency, sampler, stopLatency } from './lab'
import { pythonFigures } from './python'
import { sessions } from './sessions'
import { say } from './support'

say(
  `Concurrency Lab benchmarks · ${cpus()[0]?.model ?? 'unknown CPU'} · ${availableParallelism()} logical cores · Node ${process.versions.node}`,
)
const figures = {
  dispatch: await dispatch(),
  efficiency: await efficiency(),
  sampler: await sampler(),
  stop: await stopLatency(),
  python: await pythonFigures(),
  sessions: await sessions(),
}
process.stdout.write(`${JSON.stringify(figures)}\n`)
