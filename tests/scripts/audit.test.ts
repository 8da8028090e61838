import { describe, expect, it } from 'vitest'
import { auditVerdict } from '../../scripts/audit'

const report = (counts: Record<string, number>, vulnerabilities: Record<string, unknown> = {}): string =>
  JSON.stringify({
    auditReportVersion: 2,
    vulnerabilities,
    metadata: { vulnerabilities: { info: 0, low: 0, moderate: 0, high: 0, critical: 0, total: 0, ...counts } },
  })

describe('the audit verdict of .ci/run', () => {
  it('passes a clean report and says so', () => {
    expect(auditVerdict(report({}))).toEqual({
      fail: false,
      lines: ['npm audit: no advisories in the production dependencies'],
    })
  })

  it('prints a moderate advisory without failing', () => {
    const verdict = auditVerdict(
      report(
        { moderate: 1, total: 1 },
        { ws: { name: 'ws', severity: 'moderate', via: [{ title: 'ReDoS in headers' }], fixAvailable: true } },
      ),
    )
    expect(verdict.fail).toBe(false)
    expect(verdict.lines).toEqual([
      'npm audit: 1 moderate in the production dependencies',
      '  ws (moderate): ReDoS in headers; a fix is available',
    ])
  })

  it('fails on a high or critical advisory', () => {
    for (const severity of ['high', 'critical']) {
      const verdict = auditVerdict(report({ [severity]: 1, total: 1 }))
      expect(verdict.fail, severity).toBe(true)
      expect(verdict.lines[0]).toMatch(/failing on high or critical/)
    }
  })

  it('reports an unreachable service as unchecked, not as clean, and does not fail', () => {
    const refused = JSON.stringify({ message: '405 Method Not Allowed - POST …/advisories/bulk', statusCode: 405 })
    for (const output of [refused, '', 'npm error something']) {
      const verdict = auditVerdict(output)
      expect(verdict.fail).toBe(false)
      expect(verdict.lines[0]).toMatch(/advisories not checked/)
    }
    expect(auditVerdict(refused).lines[0]).toContain('405 Method Not Allowed')
  })
})
