// Quitting the app ends every run and every child first: the first quit is held back until the
// lab has shut down, then the app quits for real.

interface QuitEvent {
  preventDefault(): void
}

export interface QuittableApp {
  on(event: 'before-quit', listener: (event: QuitEvent) => void): unknown
  quit(): void
}

export function stopLabBeforeQuit(app: QuittableApp, shutdown: () => Promise<void>): void {
  let quitting = false
  app.on('before-quit', (event) => {
    if (quitting) return
    event.preventDefault()
    quitting = true
    void shutdown()
      .catch((error: unknown) => console.error('the lab did not shut down cleanly:', error))
      .finally(() => app.quit())
  })
}
