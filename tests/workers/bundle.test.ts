// A worker thread or process loads only what running tasks needs: every module it imports is read
// at every pool start, and each open file counts against the open-file limit (a sweep to 150
// workers under `ulimit -n 100` failed even its 2-thread trials once the heartbeat pulled zod and
// its locales into the worker entries). The built entries must not reach zod.
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { root } from '../helpers'

/** Every package a built module reaches through its relative imports (the chunks of the build). */
function packagesReached(entry: string, seen = new Set<string>(), found = new Set<string>()): Set<string> {
  if (seen.has(entry)) return found
  seen.add(entry)
  const text = readFileSync(entry, 'utf8')
  for (const [, spec] of text.matchAll(
    /(?:import|export)\s[^'"]*?from\s*["']([^"']+)["']|import\(["']([^"']+)["']\)/g,
  )) {
    if (!spec) continue
    if (spec.startsWith('.')) packagesReached(join(dirname(entry), spec), seen, found)
    else if (!spec.startsWith('node:')) found.add(spec)
  }
  return found
}

describe('the worker entries', () => {
  it.each(['thread-entry.js', 'process-entry.js'])('%s reaches no zod (or any other package)', (entry) => {
    expect([...packagesReached(join(root, 'out/main', entry))]).toEqual([])
  })
})
