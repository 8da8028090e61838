// The layer table of ARCHITECTURE.md is enforced by ESLint; these prove the rule bites.
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'
import { root } from '../helpers'

const eslint = new ESLint({ cwd: root })

async function importErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}/${file}` })
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message)
}

describe('layer rule', () => {
  it.each([
    ['src/shared/x.ts', "import { readFileSync } from 'node:fs'\nexport const a = readFileSync"],
    ['src/shared/x.ts', "import { app } from 'electron'\nexport const a = app"],
    ['src/shared/x.ts', "import { LabHost } from '../main/lab/host'\nexport const a = LabHost"],
    ['src/shared/analysis/x.ts', "import { WORKLOADS } from '@shared/catalog'\nexport const a = WORKLOADS"],
    ['src/main/lab/x.ts', "import { app } from 'electron'\nexport const a = app"],
    ['src/main/lab/x.ts', "import { runKernel } from '../../workers/kernels'\nexport const a = runKernel"],
    ['src/main/cli/x.ts', "import { app } from 'electron'\nexport const a = app"],
    ['src/main/server/x.ts', "import { app } from 'electron'\nexport const a = app"],
    ['src/main/x.ts', "import { app } from 'electron'\nexport const a = app"],
    ['src/workers/x.ts', "import { LabHost } from '../main/lab/host'\nexport const a = LabHost"],
    ['src/renderer/src/x.ts', "import { readFileSync } from 'node:fs'\nexport const a = readFileSync"],
    ['src/renderer/src/x.ts', "import { ipcRenderer } from 'electron'\nexport const a = ipcRenderer"],
    ['src/preload/x.ts', "import { LabHost } from '../main/lab/host'\nexport const a = LabHost"],
  ])('refuses in %s: %s', async (file, code) => {
    const errors = await importErrors(file, code)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(/ARCHITECTURE\.md/)
  })

  it.each([
    ['src/shared/analysis/x.ts', "import { WORKLOADS } from '../catalog'\nexport const a = WORKLOADS"],
    [
      'src/main/lab/x.ts',
      "import { readFileSync } from 'node:fs'\nimport { WORKLOADS } from '../../shared/catalog'\nexport const a = [readFileSync, WORKLOADS]",
    ],
    [
      'src/main/electron/x.ts',
      "import { app } from 'electron'\nimport { LabHost } from '../lab/host'\nexport const a = [app, LabHost]",
    ],
    ['src/preload/x.ts', "import { contextBridge } from 'electron'\nexport const a = contextBridge"],
    [
      'src/renderer/src/x.ts',
      "import { ref } from 'vue'\nimport { WORKLOADS } from '../../shared/catalog'\nexport const a = [ref, WORKLOADS]",
    ],
  ])('allows in %s: %s', async (file, code) => {
    expect(await importErrors(file, code)).toEqual([])
  })
})
