// Entry of a worker process: child_process.fork under Node, utilityProcess.fork under Electron
// (which gives the child `process.parentPort` instead of `process.send`).
import type { ChildToLab, LabToChild } from '../shared/protocol'
import { startTaskLoop } from './task-loop'

interface ParentPort {
  on(event: 'message', listener: (event: { data: unknown }) => void): void
  postMessage(message: unknown): void
}
const electronPort = (process as unknown as { parentPort?: ParentPort }).parentPort

const send = (message: ChildToLab): void => {
  if (electronPort) electronPort.postMessage(message)
  else if (process.send) process.send(message)
  else throw new Error('process-entry must be started with an IPC channel (fork)')
}

const onMessage = (listener: (message: LabToChild) => void): void => {
  if (electronPort) electronPort.on('message', (event) => listener(event.data as LabToChild))
  else process.on('message', (message) => listener(message as LabToChild))
}

// Kept before any user module loads: the process.exit that code sees fails its task instead.
const exit = process.exit.bind(process)

// A lab that vanishes must not leave us running.
process.on('disconnect', () => exit(0))

startTaskLoop({
  send,
  onMessage,
  usage: () => {
    const { user, system } = process.cpuUsage()
    return { cpu: user + system, maxRss: process.resourceUsage().maxRSS * 1024 }
  },
  exit: () => exit(0),
  pid: process.pid,
  thread: 0,
})
