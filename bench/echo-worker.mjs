// The bare pool's side of the dispatch benchmark: a worker thread that echoes every message,
// the most a pool of worker threads could do per message with nothing of its own.
import { parentPort } from 'node:worker_threads'

parentPort.on('message', (message) => parentPort.postMessage(message))
