// Keeps the shell in step with the document: the window title and dirty marker, the native
// menu (Electron builds it from the same command declarations as the shortcuts), commands and
// files arriving from the shell, and saving before the window closes.
import { useEffect } from 'react';
import type { MenuCommand } from '../../../shared/api/contract';
import { api } from '../api';
import { appCommands, runCommand } from '../commands/appCommands';
import { isEnabled } from '../commands/registry';
import { guardUnsaved, openServerPath, save } from '../files/fileActions';
import { type AppState, isDirty, useAppStore } from '../store';
import { toAccelerator } from './accelerator';

const MENU_OF: Record<string, MenuCommand['menu']> = {
  File: 'File',
  Edit: 'Edit',
  Selection: 'Edit',
  Insert: 'Edit',
  View: 'View',
  Run: 'Run',
  Help: 'Help',
};

export function windowTitle(state: AppState): string {
  return `${isDirty(state) ? '• ' : ''}${state.fileName} — Spikewright`;
}

function menuCommands(state: AppState): MenuCommand[] {
  return appCommands.map((c) => {
    const accelerator = c.keys?.[0] ? toAccelerator(c.keys[0]) : null;
    return {
      id: c.id,
      label: c.label,
      menu: MENU_OF[c.category] ?? 'Edit',
      enabled: isEnabled(c, state),
      ...(accelerator ? { accelerator } : {}),
    };
  });
}

export function useDesktopShell() {
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    let last = '';
    const publish = () => {
      timer = null;
      const state = useAppStore.getState();
      const title = windowTitle(state);
      const dirty = isDirty(state);
      const commands = menuCommands(state);
      document.title = title;
      const key = JSON.stringify([title, dirty, commands]);
      if (key === last) return;
      last = key;
      void api.setWindowState({ title, dirty, commands }).catch(() => {});
    };
    publish();
    // Checking dirtiness serialises the document, so follow edits at a relaxed pace.
    const unsubscribe = useAppStore.subscribe(() => {
      timer ??= setTimeout(publish, 250);
    });
    const stopEvents = api.onAppEvent((event) => {
      switch (event.type) {
        case 'command':
          runCommand(event.command);
          return;
        case 'open-file':
          guardUnsaved(() => {
            void openServerPath(event.path).then((error) => error && useAppStore.getState().showToast(error, 'error'));
          }, 'Open another document');
          return;
        case 'save-before-close':
          void save();
          return;
      }
    });
    return () => {
      unsubscribe();
      stopEvents();
      if (timer) clearTimeout(timer);
    };
  }, []);
}
