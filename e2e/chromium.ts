// Finds the Chromium that the e2e tests, `npm run screenshot` and `npm run bench:ui` drive, so
// that `npm install && npm test` is enough on a fresh machine. In order: CHROMIUM_PATH; a system
// Chromium or Chrome; Playwright's own download (`npx playwright install chromium`); on Linux x64
// the Chromium inside the @sparticuz/chromium devDependency. Out of src/: the app never needs it.
import { accessSync, constants, existsSync, statSync } from 'node:fs'
import { delimiter, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium as playwrightChromium, type LaunchOptions } from '@playwright/test'

/** Flags for every Chromium we find, so a test sees the same browser whichever one it got. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless=new',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  // CI machines may have no network: nothing should try to reach Google in the background.
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]

export interface FoundChromium {
  launchOptions: LaunchOptions & { executablePath: string; args: string[] }
  /** Where it came from, for one line of log: "system (/usr/bin/chromium)". */
  source: string
}

const HOW_TO_GET_ONE =
  'no Chromium found for the e2e tests: run `npm install` on Linux x64 (it brings @sparticuz/chromium), ' +
  'or install Chromium or Chrome, or `npx playwright install chromium`, or set CHROMIUM_PATH to one'

const SYSTEM_COMMANDS = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'chrome']
const SYSTEM_PATHS: Partial<Record<NodeJS.Platform, string[]>> = {
  darwin: [
    '/Applications/Chromium.app/Contents/MacOS/Chromium',
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  ],
  win32: [
    join(process.env['ProgramFiles'] ?? 'C:\\Program Files', 'Google\\Chrome\\Application\\chrome.exe'),
    join(process.env['LOCALAPPDATA'] ?? '', 'Chromium\\Application\\chrome.exe'),
  ],
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK)
    return statSync(path).isFile()
  } catch {
    return false
  }
}

function systemChromium(): string | null {
  const exe = process.platform === 'win32' ? '.exe' : ''
  const onPath = (process.env['PATH'] ?? '').split(delimiter).filter(Boolean)
  for (const command of SYSTEM_COMMANDS) {
    for (const dir of onPath) {
      const path = join(dir, command + exe)
      if (isExecutableFile(path)) return path
    }
  }
  return (SYSTEM_PATHS[process.platform] ?? []).find(isExecutableFile) ?? null
}

function playwrightDownload(): string | null {
  try {
    const path = playwrightChromium.executablePath()
    return isExecutableFile(path) ? path : null
  } catch {
    return null
  }
}

/**
 * The Chromium in @sparticuz/chromium (Linux x64 only), decompressed on first use into the temp
 * folder. It is built for AWS Lambda: its NSS and expat libraries ship beside it (for Amazon
 * Linux), and we put them on LD_LIBRARY_PATH so a bare Debian needs no apt package. Its own
 * `args` are not used: `--single-process` breaks Playwright's browser contexts, and
 * `--disable-web-security` and friends would hide the CSP and origin checks the e2e tests cover.
 */
async function npmChromium(): Promise<FoundChromium | null> {
  if (process.platform !== 'linux' || process.arch !== 'x64') return null
  let sparticuz: typeof import('@sparticuz/chromium')
  try {
    sparticuz = await import('@sparticuz/chromium')
  } catch {
    return null
  }
  const executablePath = await sparticuz.default.executablePath()
  const binDir = join(dirname(fileURLToPath(import.meta.resolve('@sparticuz/chromium'))), '..', 'bin')
  const libDir = join(await sparticuz.inflate(join(binDir, 'al2023.tar.br')), 'lib')
  const env: Record<string, string> = {
    LD_LIBRARY_PATH: [libDir, process.env['LD_LIBRARY_PATH']].filter(Boolean).join(delimiter),
  }
  // Without fontconfig's configuration a machine has no fonts: use the Open Sans that ships.
  if (!existsSync('/etc/fonts/fonts.conf'))
    env['FONTCONFIG_PATH'] = await sparticuz.inflate(join(binDir, 'fonts.tar.br'))
  return {
    launchOptions: { executablePath, args: CHROMIUM_ARGS, env: { ...process.env, ...env } },
    source: `@sparticuz/chromium (${executablePath})`,
  }
}

/** An error that prints as its one line: where to get a browser matters, our call stack does not. */
function oneLine(message: string): Error {
  const error = new Error(message)
  error.stack = `Error: ${message}`
  return error
}

const at = (executablePath: string, origin: string): FoundChromium => ({
  launchOptions: { executablePath, args: CHROMIUM_ARGS },
  source: `${origin} (${executablePath})`,
})

/** The Chromium to drive and how to launch it; throws one line saying how to get one if none. */
export async function findChromium(): Promise<FoundChromium> {
  const given = process.env['CHROMIUM_PATH']
  if (given) {
    if (!isExecutableFile(given)) {
      throw oneLine(`CHROMIUM_PATH is ${given}, which is not an executable file: fix it or unset it`)
    }
    return at(given, 'CHROMIUM_PATH')
  }
  const system = systemChromium()
  if (system) return at(system, 'system')
  const downloaded = playwrightDownload()
  if (downloaded) return at(downloaded, 'Playwright')
  const shipped = await npmChromium()
  if (shipped) return shipped
  throw oneLine(HOW_TO_GET_ONE)
}
