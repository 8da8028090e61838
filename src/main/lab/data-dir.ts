// Where the session library lives when no Electron userData folder does: the CLI and browser mode.
import { homedir } from 'node:os'
import { join } from 'node:path'

/** Where sessions autosave: --data-dir, else $CONCURRENCY_LAB_DATA_DIR, else ~/.concurrency-lab/sessions. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return env['CONCURRENCY_LAB_DATA_DIR'] || join(homedir(), '.concurrency-lab', 'sessions')
}
