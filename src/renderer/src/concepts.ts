// Short in-app explanations, linked from the strategies and charts they explain.
import type { StrategySpec } from '@shared/catalog'
import type { ConceptId } from './stores/view'

export interface Concept {
  id: ConceptId
  title: string
  paragraphs: string[]
}

export const CONCEPTS: readonly Concept[] = [
  {
    id: 'concurrency-vs-parallelism',
    title: 'Concurrency is not parallelism',
    paragraphs: [
      'Concurrency is about dealing with many things at once: tasks are in progress at the same time, taking turns. Parallelism is about doing many things at once: tasks run at the same instant on different cores.',
      'The live CPU chart shows the difference. A concurrent but not parallel strategy keeps about one core busy; a parallel one lifts several cores together.',
    ],
  },
  {
    id: 'threads-vs-processes',
    title: 'Threads vs processes',
    paragraphs: [
      'Threads run inside one process and share its memory: cheap to start, cheap to hand data to, and able to race on shared state without locks.',
      'Processes each have their own memory: data is copied between them as messages, they cost more to start, and one crashing does not take the others down. Both can use every core for CPU work.',
    ],
  },
  {
    id: 'event-loop',
    title: 'The event loop',
    paragraphs: [
      'An event loop runs on one thread. A task that waits (for the network, a timer, the disk) hands the wait to the operating system and the loop moves on; when the reply comes, the task continues.',
      'So one thread can keep thousands of waiting clients going (the C10k problem), but CPU work on the loop blocks everything else: it never runs on two cores.',
    ],
  },
  {
    id: 'gil',
    title: 'The GIL',
    paragraphs: [
      "CPython's global interpreter lock lets one thread at a time run Python bytecode. CPU-bound Python threads therefore take turns on one core, however many there are.",
      'The lock is released while a thread waits for I/O and inside C code that asks for it (hashing, compression, NumPy), so those do overlap. Processes, or a free-threaded build with the GIL off, sidestep it.',
      'The results table shows it as busy cores, CPU time ÷ wall time: CPU-bound Python threads stay near 1.0 however many there are, while Python processes approach the number of cores. The live CPU chart shows the same: one busy core for threads, several for processes.',
      'A thread holding the lock is asked to let go every switch interval (5 ms by default in CPython; sys.setswitchinterval). The run configuration can change it: a shorter interval switches threads more often, which costs time and does not make CPU-bound threads parallel.',
      "Each Python task also records its own thread's CPU time, so the timeline draws every bar pale for its wall time and solid for the share it ran, and the results say how much of their wall time the tasks ran and waited: about half each for two CPU-bound threads, nearly all of it for processes. A longer switch interval lets a thread run several whole tasks before it hands over: more tasks run uninterrupted.",
    ],
  },
  {
    id: 'amdahl',
    title: "Amdahl's law",
    paragraphs: [
      'If a fraction p of the work can run in parallel, n workers can speed it up by at most 1 / ((1 − p) + p / n). With p = 0.9 that is under 10× however many cores you add.',
      'The speedup chart fits p to what you measured and draws the bound it implies next to the ideal line.',
    ],
  },
]

/** The concept that explains a strategy, read from its spec's facts (never its id). */
export function conceptForStrategy(strategy: Pick<StrategySpec, 'runtime' | 'lanes' | 'takesWorkers'>): ConceptId {
  // Tasks in flight on one thread: an event loop (async, asyncio, uvloop, gevent's hub, Twisted's reactor).
  if (strategy.lanes === 'in-flight') return 'event-loop'
  // Every other Python strategy is, in this lab, a lesson about the GIL: held, sidestepped or off.
  if (strategy.runtime === 'python') return 'gil'
  if (strategy.takesWorkers) return 'threads-vs-processes'
  return 'concurrency-vs-parallelism'
}
