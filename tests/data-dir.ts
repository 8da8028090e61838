// One throw-away session library per test run, so no test (or CLI it spawns) ever autosaves
// into the user's real ~/.concurrency-lab. vitest.config.ts and global-setup.ts share it.
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const testDataDir = join(tmpdir(), `concurrency-lab-tests-${process.pid}`)
