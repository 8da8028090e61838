// A program the lab spawns that does not speak the task protocol: a C10k server model or the
// load generator. It runs in a process group of its own (a cluster primary and its workers, a
// Python server and anything it starts), prints JSON lines on stdout that the lab reads, and
// keeps the end of its stderr for the reason it died. stop() sends SIGTERM to the leader and
// kills the group after the timeout; every exit sweeps the group, so nothing of it outlives it.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { startFailure } from '../limits'
import { Child, describeExit, type ChildRegistry, type ExitInfo } from './index'
import { explain, signalGroup, sweepGroup } from './python'

const STDERR_KEEP = 8 * 1024
const MAX_LINE = 1024 * 1024

export interface SpawnOptions {
  command: string
  args: string[]
  env?: Record<string, string>
  /** What the child is, for messages: "the server node-http". */
  label: string
}

const groupsWork = process.platform !== 'win32'

export class SpawnedChild extends Child {
  readonly kind = 'process'
  private readonly proc: ChildProcessWithoutNullStreams
  private stdoutBuffer = ''
  private stderrTail = ''
  private lineListeners: Array<(line: unknown) => void> = []

  constructor(
    registry: ChildRegistry,
    private readonly options: SpawnOptions,
  ) {
    super(registry)
    this.proc = spawn(options.command, options.args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: groupsWork,
      windowsHide: true,
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1', ...options.env },
    })
    this.proc.stdin.on('error', () => undefined)
    this.proc.stdout.setEncoding('utf8')
    this.proc.stdout.on('data', (text: string) => this.readStdout(text))
    this.proc.stderr.setEncoding('utf8')
    this.proc.stderr.on('data', (text: string) => {
      this.stderrTail = (this.stderrTail + text).slice(-STDERR_KEEP)
    })
    this.proc.on('error', (error) => {
      if (this.proc.pid === undefined) this.exitedWith(null, null, startFailure(error))
    })
    this.proc.on('exit', (code, signal) => void this.ended(code, signal))
  }

  get pid(): number | undefined {
    return this.proc.pid
  }

  get label(): string {
    return this.options.label
  }

  /** The last lines it wrote on stderr. */
  get stderr(): string {
    return this.stderrTail
  }

  /** Calls `listener` with each JSON line it prints on stdout (lines that are not JSON are ignored). */
  onLine(listener: (line: unknown) => void): () => void {
    this.lineListeners.push(listener)
    return () => (this.lineListeners = this.lineListeners.filter((l) => l !== listener))
  }

  /** How it ended, in one line with the end of its stderr: "the server node-http (pid 12) was killed by SIGKILL …". */
  describe(info: ExitInfo, when: string): string {
    const tail = explain(this.stderrTail) || lastLine(this.stderrTail)
    return `${this.options.label} (pid ${this.pid ?? '?'}) ${describeExit(info, when)}${tail}`
  }

  protected post(message: { type: string }): void {
    if (message.type !== 'stop' || this.proc.pid === undefined) return
    try {
      process.kill(this.proc.pid, 'SIGTERM')
    } catch {
      // Gone already: its exit is reported on its own.
    }
  }

  protected forceKill(): void {
    const pid = this.proc.pid
    if (pid !== undefined && groupsWork) signalGroup(pid, 'SIGKILL')
    else this.proc.kill('SIGKILL')
  }

  private readStdout(text: string): void {
    this.stdoutBuffer += text
    let newline: number
    while ((newline = this.stdoutBuffer.indexOf('\n')) >= 0) {
      const line = this.stdoutBuffer.slice(0, newline).trim()
      this.stdoutBuffer = this.stdoutBuffer.slice(newline + 1)
      if (!line.startsWith('{')) continue
      let parsed: unknown
      try {
        parsed = JSON.parse(line)
      } catch {
        continue
      }
      for (const listener of this.lineListeners) listener(parsed)
    }
    if (this.stdoutBuffer.length > MAX_LINE) this.stdoutBuffer = ''
  }

  private async ended(code: number | null, signal: NodeJS.Signals | null): Promise<void> {
    const pid = this.proc.pid
    if (pid !== undefined && groupsWork) await sweepGroup(pid)
    // Read what is left on its pipes, so the reason it died is in stderr.
    await Promise.race([
      Promise.all(
        [this.proc.stdout, this.proc.stderr].map((s) =>
          s.readableEnded ? null : new Promise((r) => s.once('close', r)),
        ),
      ),
      new Promise((r) => setTimeout(r, 300)),
    ])
    this.lineListeners = []
    this.exitedWith(code, signal)
  }
}

/**
 * The useful line of a stderr tail, as ": line", or "": the last error line ("Error: …",
 * "TypeError: …") where there is one, else the last line that is not Node's version footer.
 */
function lastLine(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^Node\.js v\d/.test(l))
  const line = lines.findLast((l) => /^[A-Za-z_.]*(Error|Exception)\b:/.test(l)) ?? lines.at(-1)
  return line ? `: ${line.slice(0, 300)}` : ''
}
