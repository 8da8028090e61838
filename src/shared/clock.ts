/** Microseconds since the Unix epoch: one clock for every thread, process and runtime. */
export function epochMicros(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000)
}
