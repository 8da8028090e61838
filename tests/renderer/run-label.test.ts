// How a saved run reads in lists: strategies and workload as the screen names them, and its status
// once (the Sessions list shows a badge instead, so the label leaves it out there).
import { describe, expect, it } from 'vitest'
import { countOf } from '../../src/shared/format'
import { runLabel } from '../../src/renderer/src/run-label'
import { makeRun } from './fake-lab'

describe('runLabel', () => {
  const run = makeRun(
    'r1',
    { strategies: ['sequential', 'threads', 'py-threads'], workers: [1, 2] },
    { status: 'stopped' },
  )
  it('names the workload and strategies by title, not by id', () => {
    const label = runLabel(run, 0)
    expect(label).toMatch(/^1\. Count primes · Sequential, Worker threads, Python threads × 1, 2 · /)
    expect(label).not.toMatch(/\bpy-threads\b|^1\. primes/)
  })
  it('says the status once: in the text, or left to a badge beside it', () => {
    expect(runLabel(run).match(/stopped/g)).toHaveLength(1)
    expect(runLabel(run, 0, { status: false })).not.toContain('stopped')
  })
})

describe('countOf', () => {
  it('says 1 run, not 1 runs', () => {
    expect(countOf(1, 'run')).toBe('1 run')
    expect(countOf(0, 'run')).toBe('0 runs')
    expect(countOf(3, 'run')).toBe('3 runs')
  })
})
