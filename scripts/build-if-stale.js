#!/usr/bin/env node
// Builds the app (electron-vite build) when a source file is newer than the build. Used by
// `npm run serve` and the e2e tests; run directly, it does the same.
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const root = fileURLToPath(new URL('..', import.meta.url))

function newestMtime(dir) {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    // Python writes bytecode caches beside its sources when they run: not a source change.
    if (entry.name === '__pycache__') continue
    const path = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs)
  }
  return newest
}

export function buildIfStale() {
  const outputs = [
    'out/main/server.js',
    'out/main/index.js',
    'out/main/thread-entry.js',
    'out/preload/index.cjs',
    'out/renderer/index.html',
  ].map((p) => join(root, p))
  const built = outputs.every((p) => existsSync(p)) ? Math.min(...outputs.map((p) => statSync(p).mtimeMs)) : 0
  const sources = Math.max(newestMtime(join(root, 'src')), statSync(join(root, 'electron.vite.config.ts')).mtimeMs)
  if (built >= sources) return false
  process.stderr.write('Building the lab (sources changed since the last build)…\n')
  execFileSync(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  return true
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) buildIfStale()
