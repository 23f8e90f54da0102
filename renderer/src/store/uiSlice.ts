// Editor chrome: theme, grid, dialogs, context menu, toasts and the clipboard. Never history.
import type { StateCreator } from 'zustand';
import type { Position } from '../../../shared/file/snnFile';
import type { Fragment } from '../graph/edits';
import type { AppState } from './index';

export type Theme = 'light' | 'dark';

export type Dialog =
  | { kind: 'palette' }
  | { kind: 'quickAdd'; screen: Position; flow: Position }
  | { kind: 'open' }
  | { kind: 'saveAs' }
  | { kind: 'examples' }
  | { kind: 'exportNir' }
  | { kind: 'importNir' }
  | { kind: 'help' }
  | { kind: 'confirm'; title: string; message: string; confirmLabel: string; onConfirm: () => void };

export interface ContextMenu {
  screen: Position;
  flow: Position;
  target: 'canvas' | 'node' | 'edge';
}

export interface Toast {
  id: number;
  kind: 'info' | 'error';
  text: string;
  /** Where to show it (near the pointer); the bottom centre of the canvas when absent. */
  at?: Position;
}

export interface UiSlice {
  theme: Theme;
  snapToGrid: boolean;
  showMinimap: boolean;
  dialog: Dialog | null;
  contextMenu: ContextMenu | null;
  toasts: Toast[];
  clipboard: Fragment | null;
  /** How many times the clipboard was pasted, so each paste lands a step further. */
  pasteCount: number;
  /** The open tab of the bottom panel (see shell/panelTabs.tsx). */
  bottomTab: string;
  /** The bottom panel (the training view) has taken the window. */
  bottomMaximized: boolean;
  setTheme(theme: Theme): void;
  toggleSnapToGrid(): void;
  toggleMinimap(): void;
  openDialog(dialog: Dialog | null): void;
  openContextMenu(menu: ContextMenu | null): void;
  showToast(text: string, kind?: Toast['kind'], at?: Position): void;
  dismissToast(id: number): void;
  setBottomTab(id: string): void;
  setBottomMaximized(maximized: boolean): void;
}

const THEME_KEY = 'spikewright.theme';
const TOAST_MS = 4000;
let nextToastId = 1;

function storedTheme(): Theme {
  try {
    const value = globalThis.localStorage?.getItem(THEME_KEY);
    if (value === 'light' || value === 'dark') return value;
    return globalThis.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  } catch {
    return 'light';
  }
}

export const createUiSlice: StateCreator<AppState, [], [], UiSlice> = (set, get) => ({
  theme: storedTheme(),
  snapToGrid: true,
  showMinimap: true,
  dialog: null,
  contextMenu: null,
  toasts: [],
  clipboard: null,
  pasteCount: 0,
  bottomTab: 'training',
  bottomMaximized: false,
  setTheme(theme) {
    try {
      globalThis.localStorage?.setItem(THEME_KEY, theme);
    } catch {
      // Storage can be unavailable (private mode); the theme then lasts for the session.
    }
    set({ theme });
  },
  toggleSnapToGrid() {
    set({ snapToGrid: !get().snapToGrid });
  },
  toggleMinimap() {
    set({ showMinimap: !get().showMinimap });
  },
  openDialog(dialog) {
    set({ dialog, contextMenu: null });
  },
  openContextMenu(contextMenu) {
    set({ contextMenu });
  },
  showToast(text, kind = 'info', at) {
    const id = nextToastId++;
    const toast: Toast = at ? { id, kind, text, at } : { id, kind, text };
    set({ toasts: [...get().toasts.slice(-3), toast] });
    setTimeout(() => get().dismissToast(id), kind === 'error' ? TOAST_MS * 2 : TOAST_MS);
  },
  dismissToast(id) {
    set({ toasts: get().toasts.filter((t) => t.id !== id) });
  },
  setBottomTab(bottomTab) {
    set({ bottomTab });
  },
  setBottomMaximized(bottomMaximized) {
    set({ bottomMaximized });
  },
});
