// IPC channel names between src/preload and src/main/electron: one list, used by both sides.
export const IPC = {
  catalog: 'lab:catalog',
  startRun: 'lab:start-run',
  stopRun: 'lab:stop-run',
  getRun: 'lab:get-run',
  exportRun: 'lab:export-run',
  listSessions: 'lab:list-sessions',
  openSession: 'lab:open-session',
  saveSession: 'lab:save-session',
  deleteSession: 'lab:delete-session',
  /** main → renderer: a batch of LabEvents. */
  events: 'lab:events',
  /** main → renderer: a menu command the user chose (MenuCommand). */
  menuCommand: 'lab:menu-command',
  /** renderer → main: the state the application menu reflects (MenuState). */
  menuState: 'lab:menu-state',
} as const
