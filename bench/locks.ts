// Locks cost time: each synchronised increment beside its racy peer (the same increment without
// the synchronisation), both run in this run, alternately, with the same workers and increments:
// time per increment of each (median of the rounds), the ratio synchronised ÷ racy, and the
// share of the workers' time spent blocked on the lock. The racy peers' lost updates are printed
// too, since a racy increment is only "cheaper" because it does less.
import { join } from 'node:path'
import {
  CONTENTION_VARIANTS,
  findContentionVariant,
  nsPerIncrement,
  type ContentionTrial,
  type ContentionVariantId,
} from '../src/shared/contention'
import { ChildRegistry } from '../src/main/lab/children'
import { contentionPythons, runContentionTrial } from '../src/main/lab/contention/run'
import { say } from './support'

const ROUNDS = 5
const WORKERS = 2
/** Increments per worker, per runtime and kind of worker: each trial lasts about 0.1–1 s here. */
const INCREMENTS: Record<string, number> = {
  'node/threads': 1_000_000,
  'python/threads': 4_000,
  'python/processes': 100_000,
}

const median = (values: number[]): number => {
  const s = [...values].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

export async function lockCost(): Promise<unknown> {
  const entries = { nodeRace: join(import.meta.dirname, '../out/main/contention-node.js') }
  const pythons = await contentionPythons(undefined)
  if (typeof pythons === 'string') throw new Error(pythons)
  const python = pythons[0]!
  const registry = new ChildRegistry()
  const rows = []
  try {
    for (const synced of CONTENTION_VARIANTS.filter((v) => v.peer)) {
      const peer = findContentionVariant(synced.peer!)!
      const increments = INCREMENTS[`${synced.runtime}/${synced.workers}`]!
      const trials: Record<ContentionVariantId, ContentionTrial[]> = {} as never
      for (let round = 1; round <= ROUNDS; round++) {
        // Alternate which goes first, so drift in the machine's load falls on both alike.
        const order = round % 2 ? [peer, synced] : [synced, peer]
        for (const variant of order) {
          const t = await runContentionTrial({
            variant,
            workers: WORKERS,
            increments,
            trial: round,
            python,
            entries,
            registry,
          })
          ;(trials[variant.id] ??= []).push(t)
        }
      }
      const racy = trials[peer.id]!
      const exact = trials[synced.id]!
      const racyNs = median(racy.map(nsPerIncrement))
      const syncedNs = median(exact.map(nsPerIncrement))
      const waitShare =
        synced.lock && exact[0]!.waitMs !== null
          ? median(exact.map((t) => (t.waitMs ?? 0) / (t.wallMs * WORKERS)))
          : null
      const lostShare = median(racy.map((t) => t.lost / t.expected))
      const row = {
        synced: synced.id,
        peer: peer.id,
        runtime: exact[0]!.runtime,
        workers: WORKERS,
        increments,
        rounds: ROUNDS,
        peerNsPerIncrement: racyNs,
        syncedNsPerIncrement: syncedNs,
        ratio: syncedNs / racyNs,
        lockWaitShare: waitShare,
        peerLostShare: lostShare,
        syncedLost: exact.reduce((s, t) => s + t.lost, 0),
      }
      say(
        `locks ${synced.title} (${row.runtime}): ${syncedNs.toFixed(1)} ns per increment against ${racyNs.toFixed(1)} for ${peer.title} = ${row.ratio.toFixed(2)}×` +
          (row.ratio < 1 ? ` (faster than its racy peer in this run; the peer: ${peer.explanation})` : '') +
          (waitShare !== null
            ? `; the workers spent ${(100 * waitShare).toFixed(1)}% of their time waiting for the lock`
            : '') +
          `; the racy peer lost ${(100 * lostShare).toFixed(1)}% of its updates (median of ${ROUNDS}), the synchronised one ${row.syncedLost}`,
      )
      rows.push(row)
    }
  } finally {
    await registry.stopAll(2000)
  }
  return rows
}
