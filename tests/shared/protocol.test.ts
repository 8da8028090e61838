import { describe, expect, it } from 'vitest'
import { MAX_DONE_COLUMNS, childToLabSchema, isDoneColumns, parseChildMessage } from '../../src/shared/protocol'

const columns = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  type: 'done',
  ids: [0, 1, 2],
  starts: [10, 11.5, 12],
  ends: [11, 12, 12],
  checksums: [0, 7, 0xffffffff],
  ...over,
})

describe('the columnar done message', () => {
  // The hand-written check must accept exactly what the schema accepts.
  it.each<[string, unknown]>([
    ['three results', columns()],
    ['no results', columns({ ids: [], starts: [], ends: [], checksums: [] })],
    ['a column shorter than ids', columns({ ends: [11, 12] })],
    ['a column longer than ids', columns({ checksums: [0, 1, 2, 3] })],
    ['a fractional id', columns({ ids: [0, 1.5, 2] })],
    ['an id beyond safe integers', columns({ ids: [0, 1, 2 ** 60] })],
    ['a negative checksum', columns({ checksums: [0, -1, 2] })],
    ['a checksum above 32 bits', columns({ checksums: [0, 2 ** 32, 2] })],
    ['a fractional checksum', columns({ checksums: [0, 0.5, 2] })],
    ['NaN as a start', columns({ starts: [10, Number.NaN, 12] })],
    ['Infinity as an end', columns({ ends: [11, Number.POSITIVE_INFINITY, 12] })],
    ['a string among the ids', columns({ ids: [0, '1', 2] })],
    ['a column that is not a list', columns({ starts: 'soon' })],
    ['a missing column', { type: 'done', ids: [0], starts: [0], ends: [1] }],
    ['another type', columns({ type: 'failed' })],
    ['null', null],
    ['a number', 3],
  ])('isDoneColumns agrees with the schema on %s', (_, raw) => {
    expect(isDoneColumns(raw)).toBe(childToLabSchema.safeParse(raw).success)
  })

  it('is bounded: more than MAX_DONE_COLUMNS results is refused by both checks', () => {
    const n = MAX_DONE_COLUMNS + 1
    const big = columns({
      ids: Array(n).fill(0),
      starts: Array(n).fill(0),
      ends: Array(n).fill(0),
      checksums: Array(n).fill(0),
    })
    expect(isDoneColumns(big)).toBe(false)
    expect(childToLabSchema.safeParse(big).success).toBe(false)
  })

  it('lives beside the row shape the Python runner sends', () => {
    const rows = { type: 'done', results: [{ id: 0, checksum: 1, start: 2, end: 3, cpu: 4, worker: 1 }] }
    expect(parseChildMessage(rows)).toEqual(rows)
    expect(parseChildMessage(columns())).toEqual(columns())
    expect(parseChildMessage({ type: 'done', results: 'not a list' })).toBeNull()
    expect(parseChildMessage({ type: 'ready', pid: 1, thread: 0 })).toEqual({ type: 'ready', pid: 1, thread: 0 })
  })
})
