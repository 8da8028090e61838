import type { Session } from '../../src/shared/session'
import { makeRun, makeSession } from './fixtures'

/** The session the crash test saves: about 600 KB, so that a kill often lands mid-write. */
export function crashSession(): Session {
  return makeSession(
    [makeRun({ strategies: ['threads'], workers: [4], repetitions: 2, tasks: 10_000, samples: 600, cores: 16 })],
    'crash',
    'generation 0',
  )
}
