// Node executors: a pool of worker threads in the lab's process, or of forked processes.
import { ProcessChild, ThreadChild } from '../children'
import { poolInit, type Executor } from './executor'

export const nodeThreads: Executor = {
  async launch(request, deps) {
    const children = Array.from({ length: request.workers }, () => new ThreadChild(deps.registry, deps.entries.thread))
    return { children, init: poolInit(request) }
  },
}

export const nodeProcesses: Executor = {
  async launch(request, deps) {
    const children = Array.from(
      { length: request.workers },
      () => new ProcessChild(deps.registry, deps.launcher, deps.entries.process),
    )
    return { children, init: poolInit(request) }
  },
}
