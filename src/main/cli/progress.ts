// A one-line progress bar on stderr (a line per trial when stderr is not a terminal).
import type { LabEvent } from '../../shared/api'
import { formatRemaining } from '../../shared/format'
import { formatMs } from './format'

export class ProgressBar {
  private lastLength = 0

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {}

  update(event: Extract<LabEvent, { type: 'progress' }>, lastWallMs: number | null): void {
    const { done, total, strategy, workers, etaMs } = event
    const eta = etaMs !== null && done < total ? ` · ${formatRemaining(etaMs)} left` : ''
    const last = lastWallMs !== null ? ` · last ${formatMs(lastWallMs)}` : ''
    if (!this.stream.isTTY) {
      this.stream.write(`trial ${done}/${total}: ${strategy} × ${workers}${last}\n`)
      return
    }
    const width = 24
    const filled = Math.round((done / total) * width)
    const text = `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${done}/${total} ${strategy} × ${workers}${last}${eta}`
    this.stream.write(`\r${text.padEnd(this.lastLength)}`)
    this.lastLength = text.length
  }

  clear(): void {
    if (this.stream.isTTY && this.lastLength > 0) this.stream.write(`\r${' '.repeat(this.lastLength)}\r`)
    this.lastLength = 0
  }
}
