// The shared menu model (src/shared/menu.ts) as Electron's native application menu. Clicks
// become MenuCommands; the shell handles Quit and Developer Tools, the page everything else.
import { Menu, type MenuItemConstructorOptions } from 'electron'
import type { MenuCommand, MenuItem, MenuSubmenu } from '../../shared/menu'

/** Maps the model to a Menu.buildFromTemplate template; `dispatch` receives every click. */
export function toElectronTemplate(
  menu: readonly MenuSubmenu[],
  dispatch: (command: MenuCommand) => void,
  platform: NodeJS.Platform = process.platform,
): MenuItemConstructorOptions[] {
  const item = (entry: MenuItem): MenuItemConstructorOptions => {
    switch (entry.kind) {
      case 'separator':
        return { type: 'separator' }
      case 'submenu':
        return { label: entry.label, enabled: entry.enabled, submenu: entry.items.map(item) }
      case 'command':
        return {
          id: entry.key,
          label: entry.label,
          type: entry.type,
          ...(entry.type === 'normal' ? {} : { checked: entry.checked ?? false }),
          enabled: entry.enabled,
          ...(entry.accelerator ? { accelerator: entry.accelerator } : {}),
          click: () => dispatch(entry.command),
        }
    }
  }
  const template = menu.map(item)
  // macOS puts the application's own menu first (About, Hide, Quit) by convention.
  if (platform === 'darwin') template.unshift({ role: 'appMenu' })
  return template
}

/** Builds and installs the application menu. */
export function installApplicationMenu(menu: readonly MenuSubmenu[], dispatch: (command: MenuCommand) => void): Menu {
  const built = Menu.buildFromTemplate(toElectronTemplate(menu, dispatch))
  Menu.setApplicationMenu(built)
  return built
}
