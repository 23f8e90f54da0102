// The top bar: file and edit commands, view toggles, the document's name and dirty marker.
import { useShallow } from 'zustand/react/shallow';
import { appCommands, commandById, runCommand } from '../commands/appCommands';
import { detectMac, formatBinding } from '../commands/keys';
import { isEnabled } from '../commands/registry';
import { isDirty, useAppStore } from '../store';
import { trainBlocker } from '../training/trainStatus';
import { FileMenu } from './FileMenu';

const isMac = detectMac();

function CommandButton({
  id,
  icon,
  text,
  blocked,
}: {
  id: string;
  icon?: string;
  text?: string;
  /** Why the command cannot run now (shown as the tooltip of the disabled button). */
  blocked?: string | null;
}) {
  const command = commandById(id);
  const enabled = useAppStore((s) => isEnabled(command, s)) && !blocked;
  const key = command.keys?.[0];
  const title = blocked ?? (key ? `${command.label} (${formatBinding(key, isMac)})` : command.label);
  const button = (
    <button
      type="button"
      className="tool-button"
      disabled={!enabled}
      onClick={() => runCommand(id)}
      title={title}
      aria-label={command.label}
      data-testid={`cmd-${id}`}
    >
      {icon && <span className="tool-button__icon">{icon}</span>}
      {text && <span>{text}</span>}
    </button>
  );
  // A disabled button receives no pointer events: its wrapper shows the reason on hover.
  return blocked ? <span title={blocked}>{button}</span> : button;
}

export function Toolbar({ children }: { children?: React.ReactNode }) {
  const { fileName, filePath } = useAppStore(useShallow((s) => ({ fileName: s.fileName, filePath: s.filePath })));
  const dirty = useAppStore(isDirty);
  const theme = useAppStore((s) => s.theme);
  const snap = useAppStore((s) => s.snapToGrid);
  const trainBlocked = useAppStore((s) => trainBlocker(s.graph));
  return (
    <header className="toolbar">
      <span className="brand">
        <svg viewBox="0 0 16 16" width="18" height="18" aria-hidden="true">
          <path
            d="M1 11h3l2-8 2.5 11L11 6l1 5h3"
            fill="none"
            stroke="currentColor"
            strokeWidth="1.8"
            strokeLinecap="round"
            strokeLinejoin="round"
          />
        </svg>
        Spikewright
      </span>
      <div className="toolbar__group">
        <FileMenu />
        <CommandButton id="file.new" text="New" />
        <CommandButton id="file.open" text="Open" />
        <CommandButton id="file.save" text="Save" />
        <CommandButton id="file.saveAs" text="Save as" />
        <CommandButton id="file.examples" text="Examples" />
      </div>
      <div className="toolbar__group">
        <CommandButton id="edit.undo" icon="↶" />
        <CommandButton id="edit.redo" icon="↷" />
      </div>
      <div className="toolbar__group">
        <CommandButton id="view.autoLayout" text="Auto-layout" />
        <CommandButton id="view.fit" text="Fit" />
        <button
          type="button"
          className={`tool-button${snap ? ' is-on' : ''}`}
          onClick={() => runCommand('view.snap')}
          aria-pressed={snap}
          title="Snap to grid"
          data-testid="cmd-view.snap"
        >
          Snap
        </button>
      </div>
      <div className="toolbar__title" title={filePath ?? 'Not saved yet'}>
        <span className="file-name" data-testid="file-name">
          {fileName}
        </span>
        {dirty && (
          <span className="dirty-dot" data-testid="dirty-marker" title="Unsaved changes">
            •
          </span>
        )}
      </div>
      {children}
      <div className="toolbar__group toolbar__group--end">
        <CommandButton id="run.train" text="Train" blocked={trainBlocked} />
        <button
          type="button"
          className="tool-button"
          onClick={() => runCommand('view.theme')}
          title={theme === 'dark' ? 'Switch to the light theme' : 'Switch to the dark theme'}
          data-testid="cmd-view.theme"
        >
          {theme === 'dark' ? '☀' : '☾'}
        </button>
        <button
          type="button"
          className="tool-button"
          onClick={() => runCommand('view.commandPalette')}
          title={`Command palette (${formatBinding(commandById('view.commandPalette').keys?.[0] ?? '', isMac)})`}
          data-testid="cmd-view.commandPalette"
        >
          ⌘ Commands
        </button>
      </div>
    </header>
  );
}

export { appCommands };
