// Saves one session again and again, each time under a new generation number, reporting on
// stdout (synchronously, so nothing is lost when it is killed) before and after each save.
import { writeSync } from 'node:fs'
import { SessionStore } from '../../src/main/lab/sessions'
import { crashSession } from './crash-session'

const [dir, first] = process.argv.slice(2)
const store = new SessionStore(dir!)
const session = crashSession()
for (let generation = Number(first); ; generation++) {
  writeSync(1, `saving ${generation}\n`)
  await store.save({ ...session, name: `generation ${generation}` })
  writeSync(1, `saved ${generation}\n`)
}
