// One throw-away session library per test run, so no test (or CLI it spawns) ever autosaves
// into the user's real ~/.concurrency-lab; and one temp folder (TMPDIR) for everything the tests
// and their children make with mkdtemp, removed with the library at the end, so no test run
// leaves folders behind in /tmp. vitest.config.ts and global-setup.ts share them.
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const testDataDir = join(tmpdir(), `concurrency-lab-tests-${process.pid}`)
export const testTmpDir = join(tmpdir(), `concurrency-lab-tmp-${process.pid}`)
