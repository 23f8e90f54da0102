// The workspace's panels as commands can reach them: collapse or expand the palette, the side
// panel and the bottom panel, and let the bottom panel (the training view) take the window.
import type { PanelImperativeHandle } from 'react-resizable-panels';

export type PanelId = 'palette' | 'side' | 'canvas' | 'bottom';

const panels = new Map<PanelId, PanelImperativeHandle>();

export function registerPanel(id: PanelId, handle: PanelImperativeHandle | null) {
  if (handle) panels.set(id, handle);
  else panels.delete(id);
}

export function isCollapsed(id: PanelId): boolean {
  return panels.get(id)?.isCollapsed() ?? false;
}

export function setCollapsed(id: PanelId, collapsed: boolean) {
  const panel = panels.get(id);
  if (!panel) return;
  if (collapsed && !panel.isCollapsed()) panel.collapse();
  if (!collapsed && panel.isCollapsed()) panel.expand();
}

export function togglePanel(id: PanelId) {
  setCollapsed(id, !isCollapsed(id));
}

/** The bottom panel takes the whole window (the canvas and both side panels collapse), or gives it back. */
export function setMaximized(maximized: boolean) {
  if (maximized) {
    setCollapsed('bottom', false);
    setCollapsed('palette', true);
    setCollapsed('side', true);
    setCollapsed('canvas', true);
  } else {
    setCollapsed('canvas', false);
    setCollapsed('palette', false);
    setCollapsed('side', false);
  }
}
