// How the lab starts an OS process. The lab only knows this interface: plain Node backs it with
// child_process.fork (below), the desktop app with Electron's utilityProcess.fork.
import { fork } from 'node:child_process'

export interface LaunchedProcess {
  readonly pid: number | undefined
  postMessage(message: unknown): void
  onMessage(listener: (message: unknown) => void): void
  /** Called once, with the exit code (null when killed by a signal). */
  onExit(listener: (code: number | null) => void): void
  /** Ends the process at once (SIGKILL where there are signals). */
  kill(): void
}

export interface ProcessLauncher {
  readonly name: string
  fork(modulePath: string, args?: string[]): LaunchedProcess
}

/** child_process.fork with an IPC channel; the child's stdout and stderr pass through to ours. */
export class NodeProcessLauncher implements ProcessLauncher {
  readonly name = 'child_process'

  fork(modulePath: string, args: string[] = []): LaunchedProcess {
    const child = fork(modulePath, args, { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    return {
      get pid() {
        return child.pid
      },
      postMessage: (message) => {
        // A child that is exiting may close the channel under us: its exit is reported by
        // onExit, so a failed send is not an error of its own.
        if (child.connected) child.send(message as object, (error) => void error)
      },
      onMessage: (listener) => child.on('message', listener),
      onExit: (listener) => child.once('exit', (code) => listener(code)),
      kill: () => {
        child.kill('SIGKILL')
      },
    }
  }
}
