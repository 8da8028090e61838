// Ctrl-C and SIGTERM for the CLI's long commands: they stop what runs and say so, rather than
// kill the CLI and leave its children to find out.

/** Calls `stop` on SIGINT (Ctrl-C) or SIGTERM until the function it returns is called. */
export function onStopSignals(stop: () => void): () => void {
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
  return () => {
    process.off('SIGINT', stop)
    process.off('SIGTERM', stop)
  }
}
