// What every benchmark shares: the built worker entries, a run to its end, and printing.
import { fileURLToPath } from 'node:url'
import type { Run, RunConfigInput } from '../src/shared/schemas'
import { LabHost } from '../src/main/lab/host'
import { NodeProcessLauncher } from '../src/main/lab/launcher'

/** A file of the build (npm run bench builds first). */
export const built = (path: string): string => fileURLToPath(new URL(`../out/main/${path}`, import.meta.url))

export const entries = { thread: built('thread-entry.js'), process: built('process-entry.js') }

/** Prints a line of the report on stderr (stdout carries only the final JSON line). */
export const say = (line: string): void => void process.stderr.write(`${line}\n`)

export function benchHost(): LabHost {
  return new LabHost({ entries, launcher: new NodeProcessLauncher() })
}

/** Runs `config` to its end on a fresh host; a failed trial fails the benchmark. */
export async function runToEnd(config: RunConfigInput): Promise<Run> {
  const host = benchHost()
  try {
    return await runOn(host, config)
  } finally {
    await host.shutdown()
  }
}

/** Runs `config` to its end on `host` (for benchmarks of many short runs); a failed trial fails the benchmark. */
export async function runOn(host: LabHost, config: RunConfigInput): Promise<Run> {
  const run = await host.waitForRun(await host.startRun(config))
  if (run.errors.length > 0) throw new Error(`benchmark run failed: ${run.errors[0]}`)
  return run
}
