// Batches a stream into at most `perSecond` deliveries a second, whatever the producer's rate:
// the desktop IPC and the browser-mode WebSocket both send LabEvents through it.

export interface Batcher<T> {
  push(item: T): void
  /** Delivers what is queued now. */
  flush(): void
  /** Drops what is queued and stops the timer. */
  dispose(): void
}

/** Queues items and hands them to `send` in one array, no more than `perSecond` times a second. */
export function createBatcher<T>(send: (batch: T[]) => void, perSecond = 20): Batcher<T> {
  let queue: T[] = []
  let timer: ReturnType<typeof setTimeout> | null = null
  const flush = (): void => {
    if (timer) clearTimeout(timer)
    timer = null
    if (queue.length === 0) return
    const batch = queue
    queue = []
    send(batch)
  }
  return {
    push(item: T): void {
      queue.push(item)
      if (!timer) timer = setTimeout(flush, 1000 / perSecond)
    },
    flush,
    dispose(): void {
      if (timer) clearTimeout(timer)
      timer = null
      queue = []
    },
  }
}
