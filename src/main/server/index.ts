// `npm run serve`: browser mode. Starts one LabHost and serves the built renderer plus LabApi
// over a WebSocket on 127.0.0.1, then prints the one URL (with its token) to open.
// Options: --port <n> (or LAB_PORT; default: a free port); --data-dir <dir> (or
// CONCURRENCY_LAB_DATA_DIR; default ~/.concurrency-lab/sessions), the session library every
// finished run autosaves into; --python <path> (repeatable) adds an interpreter the page may use.
// Ctrl-C stops every run and child.
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { LabHost } from '../lab/host'
import { NodeProcessLauncher } from '../lab/launcher'
import { parseServeOptions, type ServeOptions } from './options'
import { startLabServer } from './server'

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url))

async function main(): Promise<number> {
  let options: ServeOptions
  try {
    options = parseServeOptions(process.argv.slice(2), process.env)
  } catch (error) {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`)
    return 2
  }
  const rendererDir = here('../renderer')
  if (!existsSync(`${rendererDir}/index.html`)) {
    process.stderr.write(
      `error: the renderer is not built (${rendererDir}/index.html is missing): run \`npm run build\`\n`,
    )
    return 2
  }
  const host = new LabHost({
    entries: { thread: here('./thread-entry.js'), process: here('./process-entry.js') },
    c10k: { nodeServer: here('./c10k-node-server.js'), load: here('./c10k-load.js') },
    launcher: new NodeProcessLauncher(),
    sessionsDir: options.dataDir,
    pythonPaths: options.pythonPaths,
    // The page may start only the interpreters of the catalog, never a path it makes up.
    interpretersFromCatalogOnly: true,
  })
  const { port } = options
  let server
  try {
    server = await startLabServer({ lab: host, rendererDir, port })
  } catch (error) {
    await host.shutdown()
    const code = (error as NodeJS.ErrnoException).code
    const why =
      code === 'EADDRINUSE'
        ? `port ${port} is in use: pick another with --port, or leave it out for a free one`
        : String(error)
    process.stderr.write(`error: cannot start the lab server: ${why}\n`)
    return 1
  }
  process.stderr.write(`Sessions are saved in ${options.dataDir}\n`)
  process.stdout.write(`Concurrency Lab (browser mode) is running. Open:\n${server.url}\n`)
  const running = server
  await new Promise<void>((resolve) => {
    let stopping = false
    const stop = (): void => {
      if (stopping) return
      stopping = true
      process.stderr.write('Stopping: ending every run and worker…\n')
      void Promise.allSettled([running.close(), host.shutdown()]).then(() => resolve())
    }
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
    process.once('SIGHUP', stop)
  })
  return 0
}

process.exitCode = await main()
