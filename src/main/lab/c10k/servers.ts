// Starts one C10k server model as a child of the lab and waits until it accepts connections.
// Node models run the built node-server entry under this Node (or Electron as Node); Python
// models run src/workers/python/servers.py under an interpreter that has their framework,
// chosen through the capability probe.
import { dirname, join } from 'node:path'
import { findServerModel, type HandlerSettings, type ServerModelId, type ServerModelSpec } from '../../../shared/c10k'
import { ChildRegistry } from '../children'
import { defaultPythonRunner } from '../children/python'
import { SpawnedChild } from '../children/spawned'
import { lackingNeedsReason } from '../python/capabilities'
import { chooseInterpreter, discoverInterpreters, type PythonInterpreter } from '../python/interpreters'

const START_TIMEOUT_MS = 20_000

export interface C10kEntries {
  /** The built Node server models (out/main/c10k-node-server.js). */
  nodeServer: string
  /** The built load generator (out/main/c10k-load.js). */
  load: string
  /** src/workers/python/servers.py. */
  pythonServers?: string
}

/** The Python server script beside the task runner. */
export function defaultPythonServers(): string {
  return join(dirname(defaultPythonRunner(import.meta.url)), 'servers.py')
}

/** How to run a Node script from this process: plain Node, or Electron's binary acting as Node. */
export function nodeCommand(
  script: string,
  args: string[],
): { command: string; args: string[]; env: Record<string, string> } {
  return { command: process.execPath, args: [script, ...args], env: { ELECTRON_RUN_AS_NODE: '1' } }
}

/** A running server model: its child, URL and what it runs on. */
export interface RunningServer {
  model: ServerModelId
  child: SpawnedChild
  url: string
  /** "Node v20.20.2" or "Python 3.11.2 (/usr/bin/python3)". */
  runtime: string
}

/**
 * Picks the interpreter for each Python model: the one the user named (a model whose framework it
 * lacks gets the reason), else one interpreter that has every framework asked for, so the Python
 * models are compared on the same Python, else the first that has the model's own.
 */
export async function pythonFor(
  models: readonly ServerModelSpec[],
  choice: string | undefined,
): Promise<Map<ServerModelId, PythonInterpreter | string>> {
  const out = new Map<ServerModelId, PythonInterpreter | string>()
  const python = models.filter((m) => m.runtime === 'python')
  if (python.length === 0) return out
  const reason = (error: unknown): string => (error instanceof Error ? error.message : String(error))
  if (choice !== undefined) {
    let chosen: PythonInterpreter
    try {
      chosen = await chooseInterpreter(choice)
    } catch (error) {
      for (const m of python) out.set(m.id, reason(error))
      return out
    }
    const found = await discoverInterpreters()
    for (const m of python) out.set(m.id, lackingNeedsReason(m, chosen, found) ?? chosen)
    return out
  }
  const allNeeds = [...new Set(python.flatMap((m) => m.needs))]
  let shared: PythonInterpreter | null = null
  try {
    shared = await chooseInterpreter(undefined, { needs: allNeeds })
  } catch {
    // No one Python has them all: each model picks its own below.
  }
  for (const m of python) {
    if (shared) out.set(m.id, shared)
    else {
      try {
        out.set(m.id, await chooseInterpreter(undefined, { needs: m.needs }))
      } catch (error) {
        out.set(m.id, `${m.title} needs ${m.needs.join(' and ')}: ${reason(error)}`)
      }
    }
  }
  return out
}

/**
 * Starts `model` on 127.0.0.1:`port` (0: any free port) and resolves when it listens; rejects with
 * one line when it cannot start or exits first. The child is in `registry` from spawn to exit.
 */
export async function startServer(options: {
  model: ServerModelId
  handler: HandlerSettings
  port?: number
  entries: C10kEntries
  registry: ChildRegistry
  python?: PythonInterpreter
}): Promise<RunningServer> {
  const spec = findServerModel(options.model)
  if (!spec) throw new Error(`unknown server model ${options.model}`)
  const payload = JSON.stringify({ model: spec.id, port: options.port ?? 0, handler: options.handler })
  let launch: { command: string; args: string[]; env: Record<string, string> }
  let runtime: string
  if (spec.runtime === 'node') {
    launch = nodeCommand(options.entries.nodeServer, [payload])
    runtime = `Node ${process.version}`
  } else {
    if (!options.python) throw new Error(`${spec.title} needs a Python interpreter`)
    launch = {
      command: options.python.executable,
      args: [options.entries.pythonServers ?? defaultPythonServers(), payload],
      env: {},
    }
    runtime = `Python ${options.python.version} (${options.python.executable})`
  }
  const child = new SpawnedChild(options.registry, { ...launch, label: `the server ${spec.id}` })
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      offLine()
      offExit()
      void child.kill()
      reject(new Error(`${child.label} did not start listening within ${START_TIMEOUT_MS / 1000} s`))
    }, START_TIMEOUT_MS)
    const offLine = child.onLine((line) => {
      const message = line as { type?: unknown; port?: unknown }
      if (message.type === 'listening' && typeof message.port === 'number') {
        clearTimeout(timer)
        offExit()
        resolve(message.port)
      }
    })
    const offExit = child.onExit((info) => {
      clearTimeout(timer)
      reject(new Error(child.describe(info, 'before it listened')))
    })
  })
  return { model: spec.id, child, url: `http://127.0.0.1:${port}/`, runtime }
}
