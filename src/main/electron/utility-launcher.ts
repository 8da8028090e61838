// ProcessLauncher backed by Electron's utilityProcess, so worker processes are app-managed.
import { utilityProcess } from 'electron'
import type { LaunchedProcess, ProcessLauncher } from '../lab/launcher'

export class UtilityProcessLauncher implements ProcessLauncher {
  readonly name = 'utilityProcess'

  fork(modulePath: string, args: string[] = []): LaunchedProcess {
    const child = utilityProcess.fork(modulePath, args, { serviceName: 'Concurrency Lab worker', stdio: 'inherit' })
    return {
      get pid() {
        return child.pid
      },
      postMessage: (message) => child.postMessage(message),
      onMessage: (listener) => child.on('message', listener),
      onExit: (listener) => child.once('exit', (code) => listener(code)),
      kill: () => {
        child.kill()
      },
    }
  }
}
