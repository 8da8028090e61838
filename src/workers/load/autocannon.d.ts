// The part of autocannon 9's programmatic API the load process uses (the package ships no types).
declare module 'autocannon' {
  interface Histogram {
    average: number
    mean: number
    max: number
    min: number
    total: number
    p50: number
    p90: number
    p99: number
  }
  interface Result {
    duration: number
    latency: Histogram
    requests: Histogram
    errors: number
    timeouts: number
    mismatches: number
    non2xx: number
    '2xx': number
  }
  interface Options {
    url: string
    connections: number
    duration: number
    timeout: number
    maxOverallRequests?: number
    pipelining?: number
    expectBody?: string
  }
  interface Instance {
    stop(): void
  }
  function autocannon(options: Options, done: (error: Error | null, result: Result) => void): Instance
  export default autocannon
}
