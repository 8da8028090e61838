// `tsx scripts/audit.ts` (run by .ci/run): npm audit of what ships, the production dependencies.
// A high or critical advisory fails (exit 1); lower ones are printed. When the advisory service
// does not answer (some registries and mirrors refuse its POST), it says so and exits 0: no answer
// is reported as no answer, never as "no advisories".
import { execFileSync } from 'node:child_process'
import { pathToFileURL } from 'node:url'

const FAILING = ['high', 'critical']

interface Vulnerability {
  name: string
  severity: string
  via?: Array<string | { title?: string }>
  fixAvailable?: unknown
}
interface AuditReport {
  metadata?: { vulnerabilities?: Record<string, number> }
  vulnerabilities?: Record<string, Vulnerability>
  message?: string
  error?: { summary?: string }
}

/** The verdict on `npm audit --json` output: lines to print and whether CI should fail. */
export function auditVerdict(json: string): { fail: boolean; lines: string[] } {
  let report: AuditReport
  try {
    report = JSON.parse(json) as AuditReport
  } catch {
    return { fail: false, lines: ['npm audit: no answer (not JSON); advisories not checked'] }
  }
  const counts = report?.metadata?.vulnerabilities
  if (!counts || typeof counts !== 'object') {
    const reason = (report?.error?.summary || report?.message || 'no report').slice(0, 200)
    return {
      fail: false,
      lines: [`npm audit: the advisory service did not answer (${reason}); advisories not checked`],
    }
  }
  const lines = Object.values(report.vulnerabilities ?? {}).map((v) => {
    const titles = (v.via ?? []).flatMap((via) => (typeof via === 'object' && via.title ? [via.title] : []))
    const fix = v.fixAvailable ? 'a fix is available' : 'no fix yet'
    return `  ${v.name} (${v.severity}): ${titles.join('; ') || `through ${(v.via ?? []).join(', ')}`}; ${fix}`
  })
  const failing = FAILING.reduce((n, severity) => n + (counts[severity] ?? 0), 0)
  const summary = Object.entries(counts)
    .filter(([severity, n]) => severity !== 'total' && n > 0)
    .map(([severity, n]) => `${n} ${severity}`)
  lines.unshift(
    `npm audit: ${summary.length ? summary.join(', ') : 'no advisories'} in the production dependencies` +
      (failing ? ` — failing on ${FAILING.join(' or ')}` : ''),
  )
  return { fail: failing > 0, lines }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  let output: string
  try {
    output = execFileSync('npm', ['audit', '--omit=dev', '--json'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    })
  } catch (error) {
    // npm audit exits non-zero both when it finds advisories and when it cannot ask: read its output.
    output = String((error as { stdout?: unknown }).stdout ?? '')
  }
  const { fail, lines } = auditVerdict(output)
  for (const line of lines) console.log(line)
  process.exitCode = fail ? 1 : 0
}
