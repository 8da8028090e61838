// The renderer's transport, chosen once at start: the preload's window.lab in the desktop app,
// else a WebSocket to the browser-mode server that served this page.
import type { LabApi, Session } from '@shared/api'
import type { MenuCommand, MenuState } from '@shared/menu'
import type { ScriptInfo } from '@shared/user-script'
import { WebSocketLabApi } from './websocket'

/** The desktop shell's menu bridge (absent in browser mode, where the page draws the menu). */
export interface LabShell {
  onMenuCommand(listener: (command: MenuCommand) => void): () => void
  setMenuState(state: MenuState): void
  readonly platform: string
  /** Open Session…: main's dialog; the opened session, or null when cancelled. */
  openSessionDialog?(): Promise<Session | null>
  /** Save Session As…: main's dialog; the path written, or null when cancelled. */
  saveSessionAsDialog?(id: string): Promise<string | null>
  /** Workload ▸ Your Code…: main's Open dialog; the script read (never run), or null when cancelled. */
  openScriptDialog?(): Promise<ScriptInfo | null>
}

export interface Transport {
  kind: 'desktop' | 'browser'
  api: LabApi
  /** Present in the desktop app: the native menu sends commands and reflects state. */
  shell: LabShell | null
  /** Browser mode: notified when the socket opens or drops. */
  onConnection?: WebSocketLabApi['onConnection']
}

interface WindowLike {
  lab?: LabApi
  labShell?: LabShell
  location: { protocol: string; host: string; search: string }
}

export function chooseTransport(
  win: WindowLike,
  createSocket?: Parameters<typeof WebSocketLabApi.fromLocation>[1],
): Transport {
  if (win.lab) return { kind: 'desktop', api: win.lab, shell: win.labShell ?? null }
  const api = WebSocketLabApi.fromLocation(win.location, createSocket)
  return { kind: 'browser', api, shell: null, onConnection: (listener) => api.onConnection(listener) }
}
