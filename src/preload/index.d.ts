import type { LabApi, Session } from '../shared/api'
import type { MenuCommand, MenuState } from '../shared/menu'
import type { ScriptInfo } from '../shared/user-script'

declare global {
  interface Window {
    /** Present in the desktop app (set by the preload); absent in browser mode. */
    lab?: LabApi
    /** The desktop app's native menu: commands in, menu state out. Absent in browser mode. */
    labShell?: {
      readonly platform: string
      onMenuCommand(listener: (command: MenuCommand) => void): () => void
      setMenuState(state: MenuState): void
      openSessionDialog(): Promise<Session | null>
      saveSessionAsDialog(id: string): Promise<string | null>
      /** Workload ▸ Your Code…: main's Open dialog; the script read (never run), or null when cancelled. */
      openScriptDialog?(): Promise<ScriptInfo | null>
    }
  }
}

export {}
