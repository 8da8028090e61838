#!/usr/bin/env node
// `npm run serve`: builds when a source is newer than the build, then starts browser mode.
// Arguments after `--` go to the server (e.g. `npm run serve -- --port 8080`).
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { buildIfStale, root } from './build-if-stale.js'

buildIfStale()
await import(pathToFileURL(join(root, 'out/main/server.js')).href)
