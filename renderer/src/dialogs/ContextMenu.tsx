// Right-click menus on nodes, edges and the canvas, listing the commands declared for them.

import { useShallow } from 'zustand/react/shallow';
import { KindIcon } from '../canvas/KindIcon';
import { appCommands } from '../commands/appCommands';
import { detectMac, formatBinding } from '../commands/keys';
import type { CommandPlace } from '../commands/registry';
import { isEnabled } from '../commands/registry';
import { NODE_ENTRIES } from '../graph/nodeEntries';
import { type ContextMenu as Menu, useAppStore } from '../store';
import { MenuItem } from './MenuItem';

const isMac = detectMac();
const PLACE: Record<Menu['target'], CommandPlace> = { canvas: 'canvasMenu', node: 'nodeMenu', edge: 'edgeMenu' };

export function ContextMenu({ menu }: { menu: Menu }) {
  const commands = appCommands.filter((c) => c.places?.includes(PLACE[menu.target]));
  const enabled = useAppStore(useShallow((s) => commands.map((c) => isEnabled(c, s))));
  const close = () => useAppStore.getState().openContextMenu(null);
  const left = Math.min(menu.screen.x, window.innerWidth - 240);
  const top = Math.min(menu.screen.y, window.innerHeight - 360);
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: a pointer-only surface; the keyboard has commands for the same.
    <div
      className="popover-backdrop"
      onMouseDown={(e) => e.target === e.currentTarget && close()}
      onContextMenu={(e) => {
        e.preventDefault();
        close();
      }}
    >
      <div className="context-menu" style={{ left, top }} role="menu" data-testid="context-menu">
        {menu.target === 'canvas' && (
          <>
            <div className="context-menu__title">Add here</div>
            {NODE_ENTRIES.map((entry) => (
              <MenuItem
                key={entry.id}
                close={close}
                onPick={() => useAppStore.getState().addEntry(entry, { x: menu.flow.x, y: menu.flow.y })}
                data-entry={entry.id}
              >
                <KindIcon kind={entry.kind} preset={entry.id} />
                <span>{entry.label}</span>
              </MenuItem>
            ))}
            <div className="context-menu__sep" />
          </>
        )}
        {commands.map((c, i) => (
          <MenuItem
            key={c.id}
            close={close}
            onPick={() => c.run(useAppStore.getState())}
            disabled={!enabled[i]}
            data-command={c.id}
          >
            <span className="context-menu__spacer" />
            <span>{c.label}</span>
            {c.keys?.[0] && <kbd>{formatBinding(c.keys[0], isMac)}</kbd>}
          </MenuItem>
        ))}
      </div>
    </div>
  );
}
