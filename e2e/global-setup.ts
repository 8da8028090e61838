import { findChromium } from './chromium'
import { buildIfStale } from './support'

export default async function globalSetup(): Promise<void> {
  process.stdout.write(`e2e: Chromium from ${(await findChromium()).source}\n`)
  buildIfStale()
}
