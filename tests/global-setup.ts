// The engine tests run the real, built worker entries (out/main). Rebuild them when a source
// file is newer than the build, so `vitest` alone never tests stale code.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { testDataDir, testTmpDir } from './data-dir'

const root = join(import.meta.dirname, '..')

function newestMtime(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs)
  }
  return newest
}

export default function setup(): () => void {
  mkdirSync(testDataDir, { recursive: true })
  mkdirSync(testTmpDir, { recursive: true })
  process.env['CONCURRENCY_LAB_DATA_DIR'] = testDataDir
  const teardown = (): void => {
    rmSync(testDataDir, { recursive: true, force: true })
    rmSync(testTmpDir, { recursive: true, force: true })
  }
  const built = join(root, 'out/main/cli.js')
  const sources = Math.max(
    newestMtime(join(root, 'src/shared')),
    newestMtime(join(root, 'src/workers')),
    newestMtime(join(root, 'src/main')),
  )
  if (existsSync(built) && statSync(built).mtimeMs >= sources) return teardown
  execFileSync(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], {
    cwd: root,
    stdio: 'ignore',
  })
  return teardown
}
