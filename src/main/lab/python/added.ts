// Interpreters the user added in the app (Run ▸ Add Python Interpreter…): each is checked before
// it is kept (a regular, executable file that answers the lab's version probe as CPython 3.8+),
// and the list is kept beside the session library, so the desktop app and a browser-mode server
// over the same data folder offer the same interpreters. Paths only: nothing here runs on load.
import { constants as fsConstants, promises as fsp } from 'node:fs'
import { isAbsolute } from 'node:path'
import { z } from 'zod'
import { readRegularFile, writeFileAtomically } from '../sessions'
import { chooseInterpreter, type PythonInterpreter } from './interpreters'

/** The most interpreters the list keeps, and the longest path it accepts. */
export const MAX_ADDED_INTERPRETERS = 32
export const MAX_INTERPRETER_PATH = 4096
const FILE_LIMIT_BYTES = 256 * 1024

const addedFileSchema = z.object({
  version: z.literal(1),
  paths: z.array(z.string().min(1).max(MAX_INTERPRETER_PATH)).max(MAX_ADDED_INTERPRETERS),
})

/** The paths kept in `file`; none when it is missing, and none (with a line on stderr) when it is not a valid list. */
export async function loadAddedInterpreters(file: string): Promise<string[]> {
  let text: string
  try {
    text = (await readRegularFile(file, FILE_LIMIT_BYTES)).bytes.toString('utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      console.error(`ignored the added interpreters in ${file}: ${(error as Error).message}`)
    return []
  }
  try {
    const parsed = addedFileSchema.safeParse(JSON.parse(text))
    if (parsed.success) return parsed.data.paths.filter((p) => isAbsolute(p))
    console.error(
      `ignored the added interpreters in ${file}: it is not a list of at most ${MAX_ADDED_INTERPRETERS} paths`,
    )
  } catch {
    console.error(`ignored the added interpreters in ${file}: it is not JSON`)
  }
  return []
}

export async function saveAddedInterpreters(file: string, paths: readonly string[]): Promise<void> {
  await writeFileAtomically(file, `${JSON.stringify({ version: 1, paths }, null, 2)}\n`)
}

/**
 * Checks that `path` names a Python the lab can use, saying in one line what is wrong if not:
 * empty, too long, relative, missing, not a regular file, not executable, not a working Python,
 * not CPython 3.8+. Running it with the version probe is the last check, after the file checks.
 */
export async function checkInterpreterPath(path: string): Promise<PythonInterpreter> {
  if (path.trim() === '') throw new Error('the interpreter path is empty')
  if (path.length > MAX_INTERPRETER_PATH)
    throw new Error(`the interpreter path is ${path.length} characters long; the limit is ${MAX_INTERPRETER_PATH}`)
  if (!isAbsolute(path)) throw new Error(`${path} is not an absolute path: choose the interpreter's full path`)
  let stats
  try {
    stats = await fsp.stat(path)
  } catch {
    throw new Error(`${path} does not exist`)
  }
  if (!stats.isFile())
    throw new Error(`${path} is not a program: it is ${stats.isDirectory() ? 'a folder' : 'not a regular file'}`)
  try {
    await fsp.access(path, fsConstants.X_OK)
  } catch {
    throw new Error(`${path} is not executable`)
  }
  return chooseInterpreter(path)
}
