import { existsSync } from 'node:fs'
import { CHROMIUM, buildIfStale } from './support'

export default function globalSetup(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (or set CHROMIUM_PATH).`,
    )
  }
  buildIfStale()
}
