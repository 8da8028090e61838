// Helpers for the e2e tests: build once, start the browser-mode server on a free port and read
// the URL it prints, find the Debian Chromium and (where installed) the Electron binary.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

export const root = join(import.meta.dirname, '..')

export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium'
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless=new',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]

export function buildIfStale(): void {
  execFileSync(process.execPath, [join(root, 'scripts/build-if-stale.js')], { cwd: root, stdio: 'inherit' })
}

export interface RunningServer {
  url: string
  origin: string
  process: ChildProcess
  stop(): Promise<void>
}

/** Starts `node out/main/server.js` and resolves with the URL it prints. */
export function startServer(): Promise<RunningServer> {
  const child = spawn(process.execPath, [join(root, 'out/main/server.js')], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stderr!.on('data', (d) => (output += String(d)))
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGINT')
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
    await exited
    clearTimeout(timer)
  }
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      output += String(d)
      const url = /http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+/.exec(output)?.[0]
      if (url) resolve({ url, origin: new URL(url).origin, process: child, stop })
    })
    child.once('exit', (code) => reject(new Error(`the lab server exited (${code}) before printing its URL:\n${output}`)))
  })
}

/** The Electron executable if it is installed, else null (it cannot be downloaded here). */
export function electronBinary(): string | null {
  const dir = join(root, 'node_modules/electron')
  const pathFile = join(dir, 'path.txt')
  if (!existsSync(pathFile)) return null
  const binary = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim())
  return existsSync(binary) ? binary : null
}
