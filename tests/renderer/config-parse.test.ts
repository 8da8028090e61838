// The app's fields read numbers by the shared rules: every case of tests/shared/parse-cases gives
// the same value, or is refused with the same reason, as the CLI's options.
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { useCatalogStore } from '../../src/renderer/src/stores/catalog'
import { useConfigStore } from '../../src/renderer/src/stores/config'
import { PARSE_CASES, RANGES, type CaseField } from '../shared/parse-cases'
import { FakeLab } from './fake-lab'

beforeEach(async () => {
  setActivePinia(createPinia())
  await useCatalogStore().load(new FakeLab())
  useConfigStore().initialise()
})

/** Types `text` into the field, as the panel does. */
function type(field: CaseField, text: string): void {
  const config = useConfigStore()
  if (field === 'repetitions') config.repetitionsText = text
  if (field === 'workers') config.workersText = text
  if (field === 'params.size') config.setParam('size', text)
  if (field === 'switchIntervalMs') {
    config.toggleStrategy('py-threads', true)
    config.switchIntervalText = text
  }
}

describe('config store, numeric fields', () => {
  it.each(PARSE_CASES.map((c) => [c.field, c.text, c.expect] as const))('%s %j', (field, text, expected) => {
    type(field, text)
    const config = useConfigStore()
    if ('value' in expected) {
      const input = config.input as unknown as Record<string, unknown> & { params: Record<string, unknown> }
      expect(field === 'params.size' ? input.params['size'] : input[field]).toEqual(expected.value)
      expect(config.errors[field]).toBeUndefined()
    } else {
      expect(config.errors[field]).toBe(`${field} ${RANGES[field]}; ${expected.problem}`)
      expect(config.valid).toBe(false)
    }
  })
})
