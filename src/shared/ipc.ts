// IPC channel names between src/preload and src/main/electron: one module, used by both sides.
import type { LabMethod } from './methods'

/** The channel of a LabApi call: `lab:<name>`; its payload is the call's positional arguments. */
export const labChannel = (name: LabMethod): `lab:${LabMethod}` => `lab:${name}`

/** The desktop shell's own channels, beside the LabApi calls (see LAB_METHODS). */
export const IPC = {
  /** Desktop only: main shows its Open dialog and opens the chosen file (the page never sees the path). */
  openSessionDialog: 'shell:open-session-dialog',
  /** Desktop only: main shows its Save dialog and writes the session there. */
  saveSessionAsDialog: 'shell:save-session-as-dialog',
  /** Desktop only: Workload ▸ Your Code…'s Open dialog; main reads the chosen script (ScriptInfo). */
  openScriptDialog: 'shell:open-script-dialog',
  /** main → renderer: a batch of LabEvents. */
  events: 'lab:events',
  /** main → renderer: a menu command the user chose (MenuCommand). */
  menuCommand: 'lab:menu-command',
  /** renderer → main: the state the application menu reflects (MenuState). */
  menuState: 'lab:menu-state',
} as const
