// LabApi readInputs (Workload ▸ Your Code…'s inputs file): the lab reads a JSON array or JSON lines
// within its bounds, and refuses in one line any file not named as JSON, since the values go back to the page.
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { makeHost, root } from '../helpers'

describe('LabHost.readInputs', () => {
  const host = makeHost()

  it('reads the example seeds', async () => {
    const inputs = await host.readInputs(join(root, 'resources/examples/seeds.json'))
    expect('values' in inputs && inputs.values.length).toBeGreaterThan(0)
    expect(inputs).toMatchObject({ file: join(root, 'resources/examples/seeds.json') })
  })

  it('refuses a file not named .json, .jsonl or .ndjson, and one that is not there', async () => {
    await expect(host.readInputs(join(root, 'package-lock.json.bak'))).rejects.toThrow(
      'inputs file package-lock.json.bak must be a .json, .jsonl, .ndjson file',
    )
    await expect(host.readInputs(join(root, 'README.md'))).rejects.toThrow('must be a .json, .jsonl, .ndjson file')
    await expect(host.readInputs(join(root, 'nothing-here.json'))).rejects.toThrow(
      'inputs file nothing-here.json: there is no such file',
    )
  })
})
