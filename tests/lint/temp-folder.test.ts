// The test run's temp files: everything the tests (and the CLIs, servers and Python children they
// start) make under os.tmpdir() lands in one folder that the global teardown removes, so a test
// run leaves no lab-* folders behind in /tmp.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'

describe('the test run’s temp folder', () => {
  it('is the run’s own folder, for the tests and for the children they start', () => {
    expect(basename(tmpdir())).toMatch(/^concurrency-lab-tmp-\d+$/)
    expect(dirname(mkdtempSync(join(tmpdir(), 'lab-probe-')))).toBe(tmpdir())
    const child = execFileSync(process.execPath, ['-p', 'require("node:os").tmpdir()'], { encoding: 'utf8' })
    expect(child.trim()).toBe(tmpdir())
  })
})
