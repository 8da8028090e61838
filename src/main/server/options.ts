// Command-line options of `npm run serve`.

/** The port asked for on the command line or in LAB_PORT; throws a message naming the field. */
export function parsePort(argv: readonly string[], env: NodeJS.ProcessEnv): number {
  let text: string | undefined = env['LAB_PORT']
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--port') text = argv[++i]
    else if (arg.startsWith('--port=')) text = arg.slice('--port='.length)
    else if (arg === '--help' || arg === '-h') throw new Error('usage: npm run serve [-- --port <n>]   (or LAB_PORT=<n>; default: a free port)')
    else throw new Error(`unknown option ${JSON.stringify(arg)} (usage: npm run serve [-- --port <n>])`)
  }
  if (text === undefined || text === '') return 0
  const port = Number(text)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be an integer from 0 to 65535, got ${JSON.stringify(text)}`)
  return port
}
