// concurrency-lab: the CLI's entry. The commands, their options and the exit codes are in program.ts.
import { main } from './program'

process.exitCode = await main(process.argv.slice(2))
