// The names of the LabApi calls, without their schemas: what the preload and the WebSocket
// client need to build every call, kept free of zod so the preload bundle stays small.
// Each name has one row in LAB_METHOD_TABLE (src/shared/api.ts); the compiler keeps the two in step.
import type { LabCalls } from './api'

/** Every LabApi call a transport carries, by name (onEvent, a subscription, is not one). */
export const LAB_METHODS = [
  'catalog',
  'startRun',
  'stopRun',
  'getRun',
  'activeRun',
  'exportRun',
  'listSessions',
  'openSession',
  'getSession',
  'saveSession',
  'deleteSession',
  'currentSession',
  'newSession',
  'renameSession',
  'setSessionNotes',
  'deleteRun',
  'restoreRun',
  'restoreSession',
  'listTrash',
  'importSession',
  'exportSession',
  'inspectScript',
  'startC10k',
  'stopC10k',
  'c10kState',
  'readInputs',
  'startTune',
  'stopTune',
  'runRaceExperiment',
] as const
export type LabMethod = (typeof LAB_METHODS)[number]

const methodNames: ReadonlySet<string> = new Set(LAB_METHODS)

/** Whether `name` is a LabApi call (and not, say, `shutdown` or `constructor`). */
export function isLabMethod(name: unknown): name is LabMethod {
  return typeof name === 'string' && methodNames.has(name)
}

/**
 * Every LabApi call as a function that hands its name and positional arguments to `call`: the
 * client side of a transport (the preload over IPC, the page over WebSocket).
 */
export function forwardCalls(call: (name: LabMethod, args: unknown[]) => Promise<unknown>): LabCalls {
  // The far side validates the arguments against the table and answers with the row's result type.
  return Object.fromEntries(LAB_METHODS.map((name) => [name, (...args: unknown[]) => call(name, args)])) as LabCalls
}
