// ProcessLauncher backed by Electron's utilityProcess, so worker processes are app-managed.
// It reports as the lab's child_process launcher does (src/main/lab/launcher.ts): a fork that
// throws or a process that exits before it spawned is a process that never started, with why;
// Electron's 'error' event (a fatal V8 error) names the failure; a kill is SIGKILL, and the exit
// that follows it says so. Electron gives the exit code only, so another signal shows as a code.
import { utilityProcess, type UtilityProcess } from 'electron'
import { neverStarted, type LaunchedProcess, type ProcessLauncher } from '../lab/launcher'
import { startFailure } from '../lab/limits'

export class UtilityProcessLauncher implements ProcessLauncher {
  readonly name = 'utilityProcess'

  fork(modulePath: string, args: string[] = []): LaunchedProcess {
    let child: UtilityProcess
    try {
      child = utilityProcess.fork(modulePath, args, { serviceName: 'Concurrency Lab worker', stdio: 'inherit' })
    } catch (error) {
      return neverStarted(startFailure(error))
    }
    let spawned = false
    let killAsked = false
    let fatal: string | undefined
    // The pid exists only from 'spawn', and Electron ignores a kill before it (electron#44009):
    // a kill asked for earlier is carried out there.
    const sigkill = (): void => {
      const pid = child.pid
      if (pid === undefined) return
      try {
        process.kill(pid, 'SIGKILL')
      } catch {
        child.kill() // Already gone, or not ours to signal: Electron's own kill is the fallback.
      }
    }
    child.once('spawn', () => {
      spawned = true
      if (killAsked) sigkill()
    })
    child.on('error', (type: string, location: string) => {
      fatal = `the worker process stopped on a fatal error (${type} at ${location})`
    })
    const exited = new Promise<[number | null, string | null, string | undefined]>((resolve) => {
      child.once('exit', (code: number) => {
        if (killAsked) return resolve(spawned ? [null, 'SIGKILL', undefined] : [code, null, undefined])
        if (!spawned) {
          return resolve([
            code,
            null,
            `the worker process could not be started (it exited with code ${code} before it ran)`,
          ])
        }
        resolve([code, null, fatal])
      })
    })
    return {
      get pid() {
        return child.pid
      },
      postMessage: (message) => child.postMessage(message),
      onMessage: (listener) => child.on('message', listener),
      onExit: (listener) => void exited.then(([code, signal, failure]) => listener(code, signal, failure)),
      kill: () => {
        killAsked = true
        sigkill()
      },
    }
  }
}
