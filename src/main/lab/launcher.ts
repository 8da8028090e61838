// How the lab starts an OS process. The lab only knows this interface: plain Node backs it with
// child_process.fork (below), the desktop app with Electron's utilityProcess.fork.
import { fork, type ChildProcess } from 'node:child_process'
import { startFailure } from './limits'

export interface LaunchedProcess {
  readonly pid: number | undefined
  postMessage(message: unknown): void
  onMessage(listener: (message: unknown) => void): void
  /**
   * Called once, with the exit code (null when killed by a signal), the signal where there are
   * signals, and why it never started (the process could not be spawned).
   */
  onExit(listener: (code: number | null, signal?: string | null, failure?: string) => void): void
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
    let child: ChildProcess
    try {
      child = fork(modulePath, args, { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    } catch (error) {
      return neverStarted(startFailure(error))
    }
    // Without a listener, a failed spawn (EMFILE, EAGAIN…) is an uncaught 'error' that ends the
    // lab, and no 'exit' follows: report it as the exit of a process that never started.
    let failure: string | undefined
    const exited = new Promise<[number | null, string | null]>((resolve) => {
      child.once('exit', (code, signal) => resolve([code, signal]))
      child.on('error', (error) => {
        if (child.pid !== undefined) return // A failed send or kill: the exit says the rest.
        failure = startFailure(error)
        resolve([null, null])
      })
    })
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
      onExit: (listener) => void exited.then(([code, signal]) => listener(code, signal, failure)),
      kill: () => {
        child.kill('SIGKILL')
      },
    }
  }
}

/** A process that could not be started: it takes no messages and reports its exit at once. */
export function neverStarted(failure: string): LaunchedProcess {
  return {
    pid: undefined,
    postMessage: () => undefined,
    onMessage: () => undefined,
    onExit: (listener) => queueMicrotask(() => listener(null, null, failure)),
    kill: () => undefined,
  }
}
