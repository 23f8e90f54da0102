// The desktop shell's native parts: file dialogs, the window title and dirty marker, the
// menu built from the UI's own command declarations, recent files, asking before closing
// unsaved work, and documents opened from outside (file manager, a second launch).
import { basename } from 'node:path';
import { app, type BrowserWindow, dialog, Menu, type MenuItemConstructorOptions } from 'electron';
import type { AppEvent, MenuCommand } from '../../shared/api/contract';
import type { DesktopShell } from '../services/backend';

const MENUS = ['File', 'Edit', 'View', 'Run', 'Help'] as const;
const FILTERS = {
  document: [{ name: 'Spikewright network', extensions: ['json'] }],
  nir: [{ name: 'NIR graph', extensions: ['nir', 'h5', 'hdf5'] }],
};

/** A path given on the command line (a file association, a second launch), if any. */
export function documentPathFromArgs(argv: readonly string[]): string | null {
  return argv.slice(1).find((a) => !a.startsWith('-') && /\.(snn\.json|nir)$/i.test(a)) ?? null;
}

export function createDesktopShell(
  window: () => BrowserWindow | null,
  send: (event: AppEvent) => void,
): DesktopShell & {
  /** Call from the window's 'close' event: returns true when closing may go ahead. */
  confirmClose(): boolean;
} {
  let dirty = false;
  let closeAfterSave = false;
  let forceClose = false;
  let commands: MenuCommand[] = [];
  let recent: string[] = [];

  const rebuildMenu = () => {
    const template: MenuItemConstructorOptions[] = MENUS.map((menu) => {
      const items: MenuItemConstructorOptions[] = commands
        .filter((c) => c.menu === menu)
        .map((c) => ({
          label: c.label,
          enabled: c.enabled,
          ...(c.accelerator ? { accelerator: c.accelerator, registerAccelerator: false } : {}),
          click: () => send({ type: 'command', command: c.id }),
        }));
      if (menu === 'File' && recent.length)
        items.splice(2, 0, {
          label: 'Open Recent',
          submenu: recent.map((path) => ({
            label: basename(path),
            toolTip: path,
            click: () => send({ type: 'open-file', path }),
          })),
        });
      if (menu === 'File') items.push({ type: 'separator' }, { role: 'quit' });
      if (menu === 'View') items.push({ type: 'separator' }, { role: 'togglefullscreen' });
      return { label: menu, submenu: items };
    });
    Menu.setApplicationMenu(Menu.buildFromTemplate(template));
  };

  return {
    async showOpenDialog(purpose) {
      const win = window();
      const options = { properties: ['openFile' as const], filters: FILTERS[purpose] };
      const result = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    async showSaveDialog(defaultName, purpose) {
      const win = window();
      const options = { defaultPath: defaultName, filters: FILTERS[purpose] };
      const result = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
      return result.canceled ? null : (result.filePath ?? null);
    },
    setWindowState(state) {
      const win = window();
      win?.setTitle(state.title);
      win?.setDocumentEdited(state.dirty);
      dirty = state.dirty;
      if (state.commands) {
        commands = state.commands;
        rebuildMenu();
      }
      if (closeAfterSave && !dirty) {
        closeAfterSave = false;
        forceClose = true;
        win?.close();
      }
    },
    recentChanged(paths) {
      recent = paths;
      if (paths[0]) app.addRecentDocument(paths[0]);
      rebuildMenu();
    },
    confirmClose() {
      const win = window();
      if (!dirty || forceClose || !win) return true;
      const choice = dialog.showMessageBoxSync(win, {
        type: 'warning',
        buttons: ['Save', "Don't Save", 'Cancel'],
        defaultId: 0,
        cancelId: 2,
        message: 'Save the changes to this network before closing?',
        detail: 'Your changes will be lost if you close without saving.',
      });
      if (choice === 0) {
        // The UI saves (asking for a path if the document has none) and reports a clean state,
        // which closes the window; cancelling that save leaves the window open.
        closeAfterSave = true;
        send({ type: 'save-before-close' });
        return false;
      }
      if (choice === 1) {
        forceClose = true;
        return true;
      }
      return false;
    },
  };
}
