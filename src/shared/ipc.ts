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
  currentSession: 'lab:current-session',
  newSession: 'lab:new-session',
  renameSession: 'lab:rename-session',
  setSessionNotes: 'lab:set-session-notes',
  restoreSession: 'lab:restore-session',
  listTrash: 'lab:list-trash',
  importSession: 'lab:import-session',
  exportSession: 'lab:export-session',
  /** Desktop only: main shows its Open dialog and opens the chosen file (the page never sees the path). */
  openSessionDialog: 'shell:open-session-dialog',
  /** Desktop only: main shows its Save dialog and writes the session there. */
  saveSessionAsDialog: 'shell:save-session-as-dialog',
  /** main → renderer: a batch of LabEvents. */
  events: 'lab:events',
  /** main → renderer: a menu command the user chose (MenuCommand). */
  menuCommand: 'lab:menu-command',
  /** renderer → main: the state the application menu reflects (MenuState). */
  menuState: 'lab:menu-state',
} as const
