// Turns key presses anywhere in the window into commands.
import { useEffect } from 'react';
import { useAppStore } from '../store';
import { appCommands } from './appCommands';
import { detectMac } from './keys';
import { commandForKey } from './registry';

const isMac = detectMac();

export function useShortcuts() {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.isComposing) return;
      const state = useAppStore.getState();
      // A dialog owns the keyboard while open (it handles Escape itself).
      if (state.dialog) return;
      const command = commandForKey(appCommands, event, state, isMac);
      if (!command) return;
      event.preventDefault();
      state.openContextMenu(null);
      command.run(state);
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
}
