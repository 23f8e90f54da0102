// The toolbar's File menu: every file command (new, open, recent files, save, examples, NIR
// import and export, canvas pictures) in one place, read from the command declarations.
import { useEffect, useRef, useState } from 'react';
import { commandById, runCommand } from '../commands/appCommands';
import { detectMac, formatBinding } from '../commands/keys';
import { MenuItem } from '../dialogs/MenuItem';
import { guardUnsaved, openServerPath, recentFiles } from '../files/fileActions';
import { useAppStore } from '../store';

const isMac = detectMac();
const SECTIONS = [
  ['file.new', 'file.open'],
  ['file.save', 'file.saveAs', 'file.download'],
  ['file.examples'],
  ['file.importNir', 'file.exportNir', 'file.exportSvg', 'file.exportPng'],
];

export function openRecent(path: string) {
  guardUnsaved(
    () =>
      void openServerPath(path).then((error) => {
        if (error) useAppStore.getState().showToast(error, 'error');
      }),
    'Open another document',
  );
}

export function FileMenu() {
  const [open, setOpen] = useState(false);
  const [recent, setRecent] = useState<string[]>([]);
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    void recentFiles().then(setRecent);
    const onDown = (e: MouseEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setOpen(false);
    };
    window.addEventListener('mousedown', onDown);
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('mousedown', onDown);
      window.removeEventListener('keydown', onKey);
    };
  }, [open]);
  const close = () => setOpen(false);
  const item = (id: string) => {
    const command = commandById(id);
    const key = command.keys?.[0];
    return (
      <MenuItem key={id} close={close} onPick={() => runCommand(id)} data-testid={`file-menu-${id}`}>
        {command.label}
        {key && <kbd>{formatBinding(key, isMac)}</kbd>}
      </MenuItem>
    );
  };
  return (
    <div className="file-menu" ref={root}>
      <button
        type="button"
        className={`tool-button${open ? ' is-on' : ''}`}
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
        data-testid="file-menu"
      >
        File ▾
      </button>
      {open && (
        <div className="context-menu file-menu__list" role="menu" data-testid="file-menu-list">
          {SECTIONS.map((ids, i) => (
            <div key={ids[0]}>
              {i > 0 && <div className="context-menu__sep" />}
              {ids.map(item)}
              {i === 0 && (
                <>
                  <div className="context-menu__title">Open recent</div>
                  {recent.length === 0 && <div className="file-menu__none">No recent files yet</div>}
                  {recent.map((path) => (
                    <MenuItem
                      key={path}
                      className="file-menu__recent"
                      title={path}
                      close={close}
                      onPick={() => openRecent(path)}
                      data-testid="recent-file"
                    >
                      <span className="file-menu__name">{path.split(/[\\/]/).pop()}</span>
                      <span className="file-menu__dir">{path}</span>
                    </MenuItem>
                  ))}
                </>
              )}
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
