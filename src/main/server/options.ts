// Command-line options of `npm run serve`.
import { resolve } from 'node:path'
import { parseNumber } from '../../shared/parse'
import { defaultDataDir } from '../lab/data-dir'

const USAGE =
  'usage: npm run serve [-- --port <n>] [--data-dir <dir>] [--python <path>]…   (or LAB_PORT=<n>, CONCURRENCY_LAB_DATA_DIR=<dir>)'

export interface ServeOptions {
  /** 0: a free port. */
  port: number
  /** The session library every finished run autosaves into. */
  dataDir: string
  /** Python interpreters the user adds (--python, repeatable): the page may start these and those found. */
  pythonPaths: string[]
}

/** The options on the command line and in the environment; throws a message naming the field. */
export function parseServeOptions(argv: readonly string[], env: NodeJS.ProcessEnv): ServeOptions {
  let text: string | undefined = env['LAB_PORT']
  let dataDir: string | undefined
  const pythonPaths: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--port') text = argv[++i]
    else if (arg.startsWith('--port=')) text = arg.slice('--port='.length)
    else if (arg === '--data-dir') dataDir = argv[++i] ?? ''
    else if (arg.startsWith('--data-dir=')) dataDir = arg.slice('--data-dir='.length)
    else if (arg === '--python') pythonPaths.push(argv[++i] ?? '')
    else if (arg.startsWith('--python=')) pythonPaths.push(arg.slice('--python='.length))
    else if (arg === '--help' || arg === '-h') throw new Error(USAGE)
    else throw new Error(`unknown option ${JSON.stringify(arg)} (${USAGE})`)
  }
  if (dataDir === '') throw new Error('--data-dir must name a folder')
  if (pythonPaths.includes('')) throw new Error('--python must name an interpreter (a path)')
  let port = 0
  if (text !== undefined && text !== '') {
    // The shared rules for a number a person typed: the range with separators, never the text back.
    const parsed = parseNumber(text, { field: '--port', min: 0, max: 65535, integer: true })
    if (!parsed.ok) throw new Error(parsed.error)
    port = parsed.value
  }
  return { port, dataDir: resolve(dataDir ?? defaultDataDir(env)), pythonPaths: pythonPaths.map((p) => resolve(p)) }
}

/** The port asked for on the command line or in LAB_PORT; throws a message naming the field. */
export function parsePort(argv: readonly string[], env: NodeJS.ProcessEnv): number {
  return parseServeOptions(argv, env).port
}
