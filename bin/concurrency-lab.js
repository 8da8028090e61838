#!/usr/bin/env node
// Runs the built CLI (npm run build writes out/main/cli.js).
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const cli = fileURLToPath(new URL('../out/main/cli.js', import.meta.url))
if (!existsSync(cli)) {
  process.stderr.write('concurrency-lab is not built yet: run `npm run build` first.\n')
  process.exit(2)
}
await import(cli)
