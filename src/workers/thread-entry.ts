// Entry of a worker thread. CPU and memory of threads are counted by the host process.
import { parentPort, threadId } from 'node:worker_threads'
import type { LabToChild } from '../shared/protocol'
import { startTaskLoop } from './task-loop'

if (!parentPort) throw new Error('thread-entry must run in a worker thread')
const port = parentPort
// Kept before any user module loads: the process.exit that code sees fails its task instead.
const exit = process.exit.bind(process)

startTaskLoop({
  send: (message) => port.postMessage(message),
  onMessage: (listener) => port.on('message', (message: LabToChild) => listener(message)),
  usage: () => ({ cpu: 0, maxRss: 0 }),
  // In a worker thread, process.exit ends just this thread.
  exit: () => exit(0),
  pid: process.pid,
  thread: threadId,
})
