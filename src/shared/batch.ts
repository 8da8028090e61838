// Batches a stream into at most `perSecond` deliveries a second, whatever the producer's rate:
// the desktop IPC and the browser-mode WebSocket both send LabEvents through it.

export interface Batcher<T> {
  push(item: T): void
  /** Delivers what is queued now. */
  flush(): void
  /** Drops what is queued and stops the timer. */
  dispose(): void
}

/** Most items a batcher holds: at this bound it delivers at once rather than grow (a burst of events). */
export const MAX_BATCH_ITEMS = 10_000

/**
 * Queues items and hands them to `send` in one array, no more than `perSecond` times a second;
 * the queue never holds more than `maxItems`: at that bound it is delivered at once.
 */
export function createBatcher<T>(send: (batch: T[]) => void, perSecond = 20, maxItems = MAX_BATCH_ITEMS): Batcher<T> {
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
      if (queue.length >= maxItems) return flush()
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
