// The CLI and the Markdown report print the verdict of src/shared/analysis, sentence for sentence,
// and add none of their own. tests/renderer/verdict.test.ts checks the app against the same runs.
import { describe, expect, it } from 'vitest'
import { formatRun } from '../../../src/main/cli/format'
import { verdict, verdictSentences } from '../../../src/shared/analysis/verdict'
import { exportRunMarkdown } from '../../../src/shared/export'
import { REPRESENTATIVE_RUNS } from './runs'

describe('one verdict for the CLI and the Markdown report', () => {
  it.each(Object.entries(REPRESENTATIVE_RUNS))('%s: the same sentences in both', (_name, run) => {
    const sentences = verdictSentences(verdict(run))
    expect(sentences.length).toBeGreaterThan(2)

    // The report: the headline as a paragraph, then each reason as a list item, and nothing else.
    const markdown = exportRunMarkdown(run).split('\n')
    const report = markdown
      .slice(markdown.indexOf('## Verdict') + 1)
      .filter((line) => line !== '')
      .map((line) => line.replace(/^- /, ''))
    expect(report).toEqual(sentences)

    // The terminal: each sentence on a line of its own, in order, after the table.
    const terminal = formatRun(run).split('\n')
    const start = terminal.indexOf(sentences[0]!)
    expect(start).toBeGreaterThan(0)
    expect(terminal.slice(start, start + sentences.length)).toEqual(sentences)
  })

  it('the CLI prints the GIL sentence the README quotes', () => {
    expect(formatRun(REPRESENTATIVE_RUNS['Python threads held by the GIL']!)).toMatch(
      /^Python threads × 2 gained little \(0\.96×; 2 threads kept 1\.0 cores busy\)\. That is the GIL: CPython lets one thread at a time run Python bytecode/m,
    )
  })
})
