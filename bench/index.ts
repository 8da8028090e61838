// npm run bench: prints each figure in words on stderr and, as the last line on stdout, one JSON
// object with every figure. Timings are compared as ratios measured in the same run.
// `npm run bench -- dispatch stop` runs only the figures named.
// The renderer's main-thread figure needs Chromium and has its own command: npm run bench:ui.
import { availableParallelism, cpus } from 'node:os'
import { amdahlAccuracy } from './amdahl'
import { c10kFigures } from './c10k'
import { daskFigures } from './dask'
import { dispatch, efficiency, sampler, stopLatency } from './lab'
import { lockCost } from './locks'
import { pythonFigures } from './python'
import { sessionMemory } from './session-memory'
import { sessions } from './sessions'
import { tuner, userOverhead } from './user'
import { say } from './support'

const benchmarks: Record<string, () => Promise<unknown>> = {
  dispatch,
  efficiency,
  sampler,
  stop: stopLatency,
  python: pythonFigures,
  dask: daskFigures,
  sessions,
  sessionMemory,
  amdahl: amdahlAccuracy,
  userOverhead,
  tuner,
  c10k: c10kFigures,
  locks: lockCost,
}
const chosen = process.argv.slice(2)
const unknown = chosen.filter((name) => !(name in benchmarks))
if (unknown.length > 0) {
  say(`unknown benchmark ${unknown.join(', ')}; choose from ${Object.keys(benchmarks).join(', ')}`)
  process.exit(2)
}

say(
  `Concurrency Lab benchmarks · ${cpus()[0]?.model ?? 'unknown CPU'} · ${availableParallelism()} logical cores · Node ${process.versions.node}`,
)
const figures: Record<string, unknown> = {}
for (const name of chosen.length > 0 ? chosen : Object.keys(benchmarks)) figures[name] = await benchmarks[name]!()
process.stdout.write(`${JSON.stringify(figures)}\n`)
