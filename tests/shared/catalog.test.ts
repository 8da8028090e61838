import { describe, expect, it } from 'vitest'
import { WORKLOADS, planTasks, resolveParams, splitRange, type TaskInput } from '../../src/shared/catalog'
import { serialPrologue } from '../../src/shared/amdahl-workload'
import { taskInputSchema } from '../../src/shared/protocol'

describe('splitRange', () => {
  it('covers [0, n) with contiguous ranges differing in length by at most one', () => {
    const parts = splitRange(10, 3)
    expect(parts).toEqual([
      [0, 4],
      [4, 7],
      [7, 10],
    ])
  })

  it('never makes more parts than items', () => {
    expect(splitRange(2, 5)).toEqual([
      [0, 1],
      [1, 2],
    ])
  })
})

describe('planTasks', () => {
  it('makes the number of tasks each workload asks for, from its defaults (plus the amdahl serial task)', () => {
    for (const w of WORKLOADS) {
      const params = resolveParams(w, {})
      const plan = planTasks(w.id, params)
      expect(plan).toHaveLength(params['tasks']! + serialPrologue(plan))
    }
  })

  it('plans only inputs the task schema accepts, so lab and workers share one checked type', () => {
    for (const w of WORKLOADS) {
      for (const input of planTasks(w.id, resolveParams(w, {})).slice(0, 3)) {
        const parsed: TaskInput = taskInputSchema.parse(input)
        expect(parsed, w.id).toEqual(input)
      }
    }
    expect(taskInputSchema.safeParse({ kind: 'range', lo: 0 }).success).toBe(false)
  })

  it('refuses an unknown workload', () => {
    expect(() => planTasks('fibonacci', {})).toThrow(/unknown workload fibonacci/)
  })

  it('gives every parameter a default inside its range', () => {
    for (const w of WORKLOADS) {
      for (const p of w.params) {
        expect(p.default, `${w.id}.${p.name}`).toBeGreaterThanOrEqual(p.min)
        expect(p.default, `${w.id}.${p.name}`).toBeLessThanOrEqual(p.max)
      }
    }
  })
})
