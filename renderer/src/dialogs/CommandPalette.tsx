// The command palette (Ctrl/Cmd+Shift+P, F1): every command, searchable, with its keys.
import { useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { type AppCommand, appCommands } from '../commands/appCommands';
import { detectMac, formatBinding } from '../commands/keys';
import { isEnabled } from '../commands/registry';
import { useAppStore } from '../store';
import { Modal } from './Modal';

const isMac = detectMac();

export function matchCommands(commands: readonly AppCommand[], query: string): AppCommand[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return commands.filter((c) => {
    const text = `${c.category} ${c.label} ${c.id}`.toLowerCase();
    return words.every((w) => text.includes(w));
  });
}

export function CommandPalette() {
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const matches = useMemo(() => matchCommands(appCommands, query), [query]);
  const enabled = useAppStore(useShallow((s) => matches.map((c) => isEnabled(c, s))));
  const run = (command: AppCommand | undefined) => {
    if (!command || !isEnabled(command, useAppStore.getState())) return;
    useAppStore.getState().openDialog(null);
    command.run(useAppStore.getState());
  };
  return (
    <Modal testId="command-palette" width={560}>
      <input
        className="palette-search"
        placeholder="Type a command…"
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') {
            e.preventDefault();
            setActive((a) => Math.min(a + 1, matches.length - 1));
          } else if (e.key === 'ArrowUp') {
            e.preventDefault();
            setActive((a) => Math.max(a - 1, 0));
          } else if (e.key === 'Enter') {
            e.preventDefault();
            run(matches[active]);
          }
        }}
        data-testid="command-palette-input"
      />
      <ul className="command-list">
        {matches.map((c, i) => {
          return (
            <li key={c.id}>
              <button
                type="button"
                className={`command-item${i === active ? ' is-active' : ''}`}
                disabled={!enabled[i]}
                onMouseEnter={() => setActive(i)}
                onClick={() => run(c)}
                data-command={c.id}
              >
                <span className="command-item__category">{c.category}</span>
                <span className="command-item__label">{c.label}</span>
                {c.keys?.[0] && <kbd>{formatBinding(c.keys[0], isMac)}</kbd>}
              </button>
            </li>
          );
        })}
        {matches.length === 0 && <li className="command-list__none">No command matches.</li>}
      </ul>
    </Modal>
  );
}
