// Session benchmarks for the scale goal: a session holding a 100,000-task run and 10 minutes of
// 10 Hz samples for 16 cores saves and opens in under 2 s and takes at most 20 MB; the list of a
// 500-session library appears in under 1 s. Figures are measured here, in this run.
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SessionStore } from '../src/main/lab/sessions'
import { summarise } from '../src/shared/stats'
import { makeLargeSession, makeRun, makeSession } from '../tests/sessions/fixtures'
import { say } from './support'

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now()
  const value = await work()
  return [value, performance.now() - t0]
}

/** Save/open time and size of the large session, and list times of a 500-session library. */
export async function sessions() {
  const dir = mkdtempSync(join(tmpdir(), 'lab-bench-sessions-'))
  try {
    const large = makeLargeSession()
    const store = new SessionStore(join(dir, 'large'))
    const saves: number[] = []
    const opens: number[] = []
    for (let i = 0; i < 3; i++) {
      saves.push((await timed(() => store.save({ ...large, name: `large ${i}` })))[1])
      opens.push((await timed(() => store.open(large.id)))[1])
    }
    const sizeBytes = statSync(store.pathOf(large.id)).size

    const library = new SessionStore(join(dir, 'library'))
    const small = makeSession([makeRun({ tasks: 64, samples: 100 })])
    for (let i = 0; i < 500; i++) await library.save({ ...small, id: `s${i}`, name: `Session ${i}` })
    const [listed, coldMs] = await timed(() => library.list())
    const [, warmMs] = await timed(() => library.list())
    if (listed.length !== 500) throw new Error(`listed ${listed.length} sessions, expected 500`)

    const figures = {
      saveMs: Number(summarise(saves).median.toFixed(1)),
      openMs: Number(summarise(opens).median.toFixed(1)),
      sizeMB: Number((sizeBytes / 1024 / 1024).toFixed(2)),
      list500ColdMs: Number(coldMs.toFixed(1)),
      list500Ms: Number(warmMs.toFixed(1)),
    }
    say(
      `Sessions: a 100,000-task run with 10 min of 10 Hz samples on 16 cores saves in ${figures.saveMs} ms and opens in ${figures.openMs} ms (median of 3; goal < 2000 each), ${figures.sizeMB} MB on disk (goal ≤ 20)`,
    )
    say(
      `  listing 500 sessions: ${figures.list500Ms} ms from the index, ${figures.list500ColdMs} ms the first time, reading every file (goal < 1000)`,
    )
    return figures
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

// `tsx bench/sessions.ts` runs just these figures.
if (import.meta.url === `file://${process.argv[1]}`) process.stdout.write(`${JSON.stringify(await sessions())}\n`)
