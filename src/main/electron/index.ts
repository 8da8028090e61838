// Electron main: owns one LabHost, the window, the application menu and the IPC. Kept thin; the
// lab lives in src/main/lab, the menu model in src/shared/menu.ts.
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { app, BrowserWindow } from 'electron'
import type { Catalog } from '../../shared/api'
import { IPC } from '../../shared/ipc'
import { INITIAL_MENU_STATE, buildMenu, type MenuCommand, type MenuState } from '../../shared/menu'
import { defaultPythonRunner } from '../lab/children/python'
import { defaultPythonServers } from '../lab/c10k/servers'
import { LabHost } from '../lab/host'
import { batchEvents, registerLabIpc } from './ipc'
import { interpreterDialog } from './interpreters'
import { stopLabBeforeQuit } from './lifecycle'
import { installApplicationMenu } from './menu'
import { outsideAsar } from './packaged-paths'
import { scriptDialog } from './script-dialog'
import { sessionFileDialogs } from './session-files'
import { UtilityProcessLauncher } from './utility-launcher'
import { createLabWindow } from './window'

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url))
const development = !app.isPackaged && Boolean(process.env['ELECTRON_RENDERER_URL'] ?? process.env['LAB_DEV'])

const host = new LabHost({
  // Threads and utility processes read their entries from app.asar; Python needs a real file.
  entries: {
    thread: here('./thread-entry.js'),
    process: here('./process-entry.js'),
    python: outsideAsar(defaultPythonRunner()),
  },
  launcher: new UtilityProcessLauncher(),
  // The C10k lab runs its Node servers and load generator as this binary acting as Node, which the
  // packaged app's fuses forbid (runAsNode: false): there startC10k refuses with the reason.
  ...(app.isPackaged
    ? {}
    : {
        c10k: {
          nodeServer: here('./c10k-node-server.js'),
          load: here('./c10k-load.js'),
          pythonServers: outsideAsar(defaultPythonServers()),
        },
      }),
  // Every finished run is saved here; the library the Sessions view lists.
  // $CONCURRENCY_LAB_DATA_DIR overrides the library, as for the CLI and browser mode (tests use it).
  sessionsDir: process.env['CONCURRENCY_LAB_DATA_DIR'] || join(app.getPath('userData'), 'sessions'),
  // The page may start only the interpreters of the catalog, never a path it makes up.
  interpretersFromCatalogOnly: true,
})

let win: BrowserWindow | null = null
let catalog: Catalog | null = null
let menuState: MenuState = INITIAL_MENU_STATE

const addInterpreter = interpreterDialog(host, () => win)

/** Quit, Developer Tools and Add Python Interpreter… belong to the shell; every other command goes to the page. */
function dispatch(command: MenuCommand): void {
  if (command.command === 'app.quit') return app.quit()
  if (command.command === 'view.devTools') return win?.webContents.toggleDevTools()
  if (command.command === 'python.add') {
    // The page hears of it as a catalog-changed event; the native menu is rebuilt here.
    void addInterpreter().then(async (added) => {
      if (!added) return
      catalog = await host.catalog()
      refreshMenu()
    })
    return
  }
  win?.webContents.send(IPC.menuCommand, command)
}

function refreshMenu(): void {
  if (!catalog) return
  installApplicationMenu(buildMenu(catalog, menuState, { development }), dispatch)
}

void app.whenReady().then(async () => {
  catalog = await host.catalog()
  refreshMenu()
  win = createLabWindow(here('../preload'), here('../renderer'), process.env['ELECTRON_RENDERER_URL'])
  const events = batchEvents((batch) => win?.webContents.send(IPC.events, batch))
  host.onEvent((event) => events.push(event))
  registerLabIpc(host, {
    isOurWindow: (sender) => sender === win?.webContents,
    onMenuState: (state) => {
      menuState = state
      refreshMenu()
    },
    scriptDialog: scriptDialog(host, () => win),
    sessionFiles: sessionFileDialogs(
      host,
      () => win,
      async (id) => (await host.listSessions()).find((s) => s.id === id)?.name ?? 'session',
    ),
  })
  win.on('closed', () => {
    events.dispose()
    win = null
  })
})

stopLabBeforeQuit(app, () => host.shutdown())

app.on('window-all-closed', () => app.quit())
