// The Dask scheduler address a user may give py-dask (issue 14): the one rule the CLI, the run
// schema and the app's field share, so each refuses a bad address with the same line.
import { z } from 'zod'

/** The longest scheduler address accepted (a 253-character host name, a port and the scheme). */
export const DASK_SCHEDULER_MAX_CHARS = 270

/** What the lab accepts, as every refusal says it. */
export const DASK_SCHEDULER_SHAPE =
  'tcp://HOST:PORT (a host name or IP address and a port from 1 to 65,535), e.g. tcp://127.0.0.1:8786'
const HOST_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/
const IPV6 = /^\[[0-9A-Fa-f:.]{2,45}\]$/

/** Why `text` is not a scheduler address the lab connects to, or null: only tcp:// with a host and a port. */
export function daskSchedulerProblem(text: string): string | null {
  const shape = `must be ${DASK_SCHEDULER_SHAPE}`
  if (text.length > DASK_SCHEDULER_MAX_CHARS) return `${shape}; it is over ${DASK_SCHEDULER_MAX_CHARS} characters`
  const match = /^tcp:\/\/(.+):(\d{1,5})$/.exec(text)
  if (!match)
    return /^[a-z][a-z0-9+.-]*:\/\//i.test(text) && !text.startsWith('tcp://')
      ? `${shape}; only tcp:// is accepted`
      : shape
  const [, host, port] = match
  if (!HOST_NAME.test(host!) && !IPV6.test(host!)) return `${shape}; the host is not a host name or IP address`
  const portNumber = Number(port)
  if (portNumber < 1 || portNumber > 65_535) return `${shape}; the port is out of range`
  return null
}

/** The run configuration's daskScheduler: a string that daskSchedulerProblem accepts. */
export const daskSchedulerSchema = z.string({ error: `must be ${DASK_SCHEDULER_SHAPE}` }).superRefine((text, ctx) => {
  const problem = daskSchedulerProblem(text)
  if (problem) ctx.addIssue({ code: 'custom', message: problem })
})
