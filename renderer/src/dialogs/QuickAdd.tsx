// Double-click on the canvas: a small search box that adds a node where the user clicked.
import { useState } from 'react';
import type { Position } from '../../../shared/file/snnFile';
import { KindIcon } from '../canvas/KindIcon';
import { NODE_ENTRIES, type NodeEntry } from '../graph/nodeEntries';
import { useAppStore } from '../store';

export function QuickAdd({ screen, flow }: { screen: Position; flow: Position }) {
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const q = query.toLowerCase();
  const matches = NODE_ENTRIES.filter((e) => `${e.id} ${e.label} ${e.description}`.toLowerCase().includes(q));
  const close = () => useAppStore.getState().openDialog(null);
  const add = (entry: NodeEntry | undefined) => {
    if (!entry) return;
    close();
    useAppStore.getState().addEntry(entry, { x: flow.x - 90, y: flow.y - 30 });
  };
  const left = Math.min(screen.x, window.innerWidth - 300);
  const top = Math.min(screen.y, window.innerHeight - 320);
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: a pointer-only surface; the keyboard has commands for the same.
    <div className="popover-backdrop" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <div className="quick-add" style={{ left, top }} data-testid="quick-add">
        <input
          // biome-ignore lint/a11y/noAutofocus: the box exists to be typed into at once.
          autoFocus
          placeholder="Add a node…"
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Escape') close();
            else if (e.key === 'ArrowDown') setActive((a) => Math.min(a + 1, matches.length - 1));
            else if (e.key === 'ArrowUp') setActive((a) => Math.max(a - 1, 0));
            else if (e.key === 'Enter') add(matches[active]);
          }}
          data-testid="quick-add-input"
        />
        <ul>
          {matches.map((entry, i) => (
            <li key={entry.id}>
              <button
                type="button"
                className={`quick-add__item${i === active ? ' is-active' : ''}`}
                onMouseEnter={() => setActive(i)}
                onClick={() => add(entry)}
              >
                <KindIcon kind={entry.kind} preset={entry.id} />
                <span>{entry.label}</span>
              </button>
            </li>
          ))}
          {matches.length === 0 && <li className="quick-add__none">No node kind matches.</li>}
        </ul>
      </div>
    </div>
  );
}
