// What a person may type into a numeric field, and what it must give, for the app's config store
// and the CLI's options alike (tests/renderer/config-parse.test.ts, tests/cli/config.test.ts).
// No imports: the renderer's tests use it too (tsconfig.web.json lists this file).

/** The fields both callers have, by their path in the run configuration. */
export type CaseField = 'repetitions' | 'workers' | 'params.size' | 'switchIntervalMs'

export interface ParseCase {
  field: CaseField
  text: string
  /** The value it reads as, or the end of the reason it is refused with. */
  expect: { value: number | number[] } | { problem: string }
}

/** The range each field's message gives, with thousands separators. */
export const RANGES: Record<CaseField, string> = {
  repetitions: 'must be an integer from 1 to 1,000',
  workers: 'must be a list of integers from 1 to 256',
  'params.size': 'must be an integer from 10 to 100,000,000 numbers',
  switchIntervalMs: 'must be a number from 0.001 to 1,000 ms',
}

const ok = (field: CaseField, text: string, value: number | number[]): ParseCase => ({ field, text, expect: { value } })
const no = (field: CaseField, text: string, problem: string): ParseCase => ({ field, text, expect: { problem } })

export const PARSE_CASES: readonly ParseCase[] = [
  ok('repetitions', '3', 3),
  ok('repetitions', ' 7 ', 7),
  ok('repetitions', '1e2', 100),
  ok('repetitions', '1.5e2', 150),
  ok('repetitions', '1_000', 1000),
  no('repetitions', '', 'it is empty'),
  no('repetitions', '   ', 'it is empty'),
  no('repetitions', '0x10', 'it is not a number'),
  no('repetitions', 'NaN', 'it is not a number'),
  no('repetitions', 'Infinity', 'it is not a number'),
  no('repetitions', '12abc', 'it is not a number'),
  no('repetitions', '1e2x', 'it is not a number'),
  no('repetitions', '1 000', 'it is not a number'),
  no('repetitions', '1,000', 'it is not a number (write thousands as 2000000 or 2_000_000)'),
  no('repetitions', '1__000', 'it is not a number'),
  no('repetitions', '2.5', 'it is not a whole number'),
  no('repetitions', '1e-1', 'it is not a whole number'),
  no('repetitions', '0', 'it is too small'),
  no('repetitions', '1001', 'it is too large'),
  no('repetitions', '1e400', 'it is too large'),
  ok('params.size', '2000000', 2_000_000),
  ok('params.size', '2_000_000', 2_000_000),
  ok('params.size', '2e6', 2_000_000),
  no('params.size', '5', 'it is too small'),
  no('params.size', '1e9', 'it is too large'),
  ok('workers', '1,2,4', [1, 2, 4]),
  ok('workers', '1, 2, 4', [1, 2, 4]),
  ok('workers', '1 2 4', [1, 2, 4]),
  ok('workers', ' 1 ,2, ', [1, 2]),
  ok('workers', '2e0,1e1', [2, 10]),
  no('workers', '', 'it is empty'),
  no('workers', ' , ', 'it is empty'),
  no('workers', '0', 'it is too small'),
  no('workers', '1, 0, x', 'entry 2 is too small'),
  no('workers', '1,2.5', 'entry 2 is not a whole number'),
  no('workers', '1;2', 'it is not a number'),
  ok('switchIntervalMs', '0.5', 0.5),
  ok('switchIntervalMs', '5e-1', 0.5),
  ok('switchIntervalMs', '1e-3', 0.001),
  ok('switchIntervalMs', '.25', 0.25),
  no('switchIntervalMs', '0', 'it is too small'),
  no('switchIntervalMs', '5.', 'it is not a number'),
]
