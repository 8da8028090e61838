import { findChromium } from './chromium'
import { NO_ELECTRON, buildIfStale, electronBinary } from './support'

export default async function globalSetup(): Promise<void> {
  process.stdout.write(`e2e: Chromium from ${(await findChromium()).source}\n`)
  // The list reporter shows a skipped test without its reason: say it once here.
  if (!electronBinary()) process.stdout.write(`e2e: the Electron test skips: ${NO_ELECTRON}\n`)
  buildIfStale()
}
