// Node: the same fetch as fetch_urllib.py, as an ES module whose default export takes one input.
//
//   concurrency-lab run --script resources/examples/fetch.mjs --inputs resources/examples/seeds.json \
//       --strategies sequential,async,threads,processes --workers 1,4
//
// The lab starts the HTTP server and puts its address in CONCURRENCY_LAB_HTTP_URL.
import { createHash } from 'node:crypto'

const LATENCY_MS = 50
const BYTES = 4096

export default async function fetchOne(seed) {
  const base = process.env.CONCURRENCY_LAB_HTTP_URL ?? 'http://127.0.0.1:8000'
  const response = await fetch(`${base}/payload?seed=${seed}&bytes=${BYTES}&latency=${LATENCY_MS}`)
  if (!response.ok) throw new Error(`GET answered ${response.status}`)
  const body = Buffer.from(await response.arrayBuffer())
  return { seed, bytes: body.length, sha256: createHash('sha256').update(body).digest('hex') }
}
