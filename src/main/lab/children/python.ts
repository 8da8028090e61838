// The Python runner as one child of the lab. It speaks the task protocol as JSON lines over
// stdin/stdout; stderr is kept for error messages. The runner starts its own pool processes
// (multiprocessing), so it runs in a process group of its own and every exit sweeps the group:
// no pool process outlives the trial that started it, however the runner ended.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { LabToChild } from '../../../shared/protocol'
import { startFailure } from '../limits'
import { Child, type ChildRegistry } from './index'

const STDERR_KEEP = 8 * 1024
const MAX_LINE = 64 * 1024 * 1024
const SWEEP_GRACE_MS = 1000
const STREAMS_GRACE_MS = 500

/**
 * The runner script, found by walking up from the calling module to src/workers/python: built
 * bundles sit in out/main/, tests run the sources in place, and both share one tree.
 */
export function defaultPythonRunner(from: string = import.meta.url): string {
  let dir = dirname(fileURLToPath(from))
  for (;;) {
    const candidate = join(dir, 'src/workers/python/runner.py')
    if (existsSync(candidate)) return candidate
    const parent = dirname(dir)
    if (parent === dir)
      throw new Error(`cannot find src/workers/python/runner.py above ${dirname(fileURLToPath(from))}`)
    dir = parent
  }
}

export interface PythonLaunch {
  executable: string
  runner: string
  env?: Record<string, string>
}

const groupsWork = process.platform !== 'win32'

/** Live processes whose process group is `pgid` (Linux /proc), or null where there is no /proc. */
export function groupMembers(pgid: number): number[] | null {
  let names: string[]
  try {
    names = readdirSync('/proc')
  } catch {
    return null
  }
  const members: number[] = []
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      if (fields[0] !== 'Z' && fields[0] !== 'X' && Number(fields[2]) === pgid) members.push(Number(name))
    } catch {
      // Ended while we looked.
    }
  }
  return members
}

export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal)
    return true
  } catch {
    return false
  }
}

export class PythonChild extends Child {
  readonly kind = 'process'
  private readonly proc: ChildProcessWithoutNullStreams
  private stdoutBuffer = ''
  private stderrTail = ''
  private ending = false
  private reported = false

  constructor(
    registry: ChildRegistry,
    private readonly launch: PythonLaunch,
  ) {
    super(registry)
    this.proc = spawn(launch.executable, [launch.runner], {
      stdio: ['pipe', 'pipe', 'pipe'],
      // Its own process group, so that the runner and its pool processes end together.
      detached: groupsWork,
      windowsHide: true,
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1', ...launch.env },
    })
    this.proc.stdin.on('error', () => {
      // The runner is gone; its exit is reported on its own.
    })
    this.proc.stdout.setEncoding('utf8')
    this.proc.stdout.on('data', (text: string) => this.readStdout(text))
    this.proc.stderr.setEncoding('utf8')
    this.proc.stderr.on('data', (text: string) => {
      this.stderrTail = (this.stderrTail + text).slice(-STDERR_KEEP)
    })
    this.proc.on('error', (error) => {
      this.fail(`cannot start Python ${launch.executable}: ${startFailure(error)}`)
      if (this.proc.pid === undefined) this.exitedWith(null, null, startFailure(error))
    })
    this.proc.on('exit', (code, signal) => void this.ended(code, signal))
  }

  get pid(): number | undefined {
    return this.proc.pid
  }

  /** The last lines the runner wrote on stderr (a traceback ends with the exception). */
  get stderr(): string {
    return this.stderrTail
  }

  protected post(message: LabToChild): void {
    if (message.type === 'stop') this.ending = true
    if (this.proc.stdin.writable) this.proc.stdin.write(JSON.stringify(message) + '\n')
  }

  protected forceKill(): void {
    this.ending = true
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
      if (line) this.readLine(line)
    }
    if (this.stdoutBuffer.length > MAX_LINE) {
      this.stdoutBuffer = ''
      this.fail(`the Python runner wrote more than ${MAX_LINE} bytes on stdout without a line break`)
    }
  }

  private readLine(line: string): void {
    let message: unknown
    try {
      message = JSON.parse(line)
    } catch {
      this.fail(
        `the Python runner printed something that is not a protocol message on stdout: ${JSON.stringify(line.slice(0, 200))}`,
      )
      return
    }
    this.received(message)
  }

  private fail(error: string): void {
    this.received({ type: 'fatal', error })
  }

  // The runner exited: end whatever is left of its group, read the last of its output, then
  // report. An exit the lab did not ask for is a fatal error that carries the runner's stderr.
  private async ended(code: number | null, signal: NodeJS.Signals | null): Promise<void> {
    const pid = this.proc.pid
    if (pid !== undefined && groupsWork) await sweepGroup(pid)
    await Promise.race([
      Promise.all(
        [this.proc.stdout, this.proc.stderr].map((s) =>
          s.readableEnded ? null : new Promise((r) => s.once('close', r)),
        ),
      ),
      new Promise((r) => setTimeout(r, STREAMS_GRACE_MS)),
    ])
    if (!this.ending && !this.reported) {
      this.reported = true
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`
      this.fail(`the Python runner (pid ${pid ?? '?'}) ${how}${explain(this.stderrTail)}`)
    }
    this.exitedWith(code, signal)
  }
}

/** Ends what is left of a process group: SIGTERM first (multiprocessing's resource tracker cleans up), then SIGKILL. */
export async function sweepGroup(pgid: number): Promise<void> {
  if (!signalGroup(pgid, 'SIGTERM')) return
  const deadline = Date.now() + SWEEP_GRACE_MS
  while (Date.now() < deadline) {
    const members = groupMembers(pgid)
    if (members ? members.length === 0 : !signalGroup(pgid, 0)) return
    await new Promise((r) => setTimeout(r, 20))
  }
  signalGroup(pgid, 'SIGKILL')
}

/** The useful end of a Python traceback on stderr: the exception and where it was raised. */
export function explain(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trimEnd())
  const at = lines.findLastIndex((l) => /^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt)\b(:|$)/.test(l))
  if (at < 0) return ''
  const where = lines
    .slice(0, at)
    .reverse()
    .find((l) => /^\s*File ".*", line \d+/.test(l))
  return `: ${lines[at]}${where ? ` (${where.trim()})` : ''}`
}
