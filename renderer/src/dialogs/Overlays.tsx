// Everything drawn above the workspace: the open dialog, the context menu and toasts.
import { useShallow } from 'zustand/react/shallow';
import { useAppStore } from '../store';
import { CommandPalette } from './CommandPalette';
import { ContextMenu } from './ContextMenu';
import { ConfirmDialog } from './files/ConfirmDialog';
import { ExamplesDialog } from './files/ExamplesDialog';
import { ExportNirDialog } from './files/ExportNirDialog';
import { ImportNirDialog } from './files/ImportNirDialog';
import { OpenDialog } from './files/OpenDialog';
import { SaveAsDialog } from './files/SaveAsDialog';
import { HelpDialog } from './HelpDialog';
import { QuickAdd } from './QuickAdd';

export function Overlays() {
  const dialog = useAppStore((s) => s.dialog);
  const menu = useAppStore((s) => s.contextMenu);
  return (
    <>
      {dialog?.kind === 'palette' && <CommandPalette />}
      {dialog?.kind === 'quickAdd' && <QuickAdd screen={dialog.screen} flow={dialog.flow} />}
      {dialog?.kind === 'open' && <OpenDialog />}
      {dialog?.kind === 'saveAs' && <SaveAsDialog />}
      {dialog?.kind === 'examples' && <ExamplesDialog />}
      {dialog?.kind === 'exportNir' && <ExportNirDialog />}
      {dialog?.kind === 'importNir' && <ImportNirDialog />}
      {dialog?.kind === 'help' && <HelpDialog />}
      {dialog?.kind === 'confirm' && (
        <ConfirmDialog
          title={dialog.title}
          message={dialog.message}
          confirmLabel={dialog.confirmLabel}
          onConfirm={dialog.onConfirm}
        />
      )}
      {menu && !dialog && <ContextMenu menu={menu} />}
      <Toasts />
    </>
  );
}

function Toasts() {
  const toasts = useAppStore(useShallow((s) => s.toasts));
  const dismiss = useAppStore((s) => s.dismissToast);
  const anchored = toasts.filter((t) => t.at);
  const docked = toasts.filter((t) => !t.at);
  return (
    <>
      {anchored.map((t) => (
        <div
          key={t.id}
          className={`toast toast--${t.kind} toast--anchored`}
          style={{ left: Math.min((t.at?.x ?? 0) + 14, window.innerWidth - 340), top: (t.at?.y ?? 0) + 14 }}
          role={t.kind === 'error' ? 'alert' : 'status'}
          data-testid="toast"
        >
          {t.text}
        </div>
      ))}
      <div className="toast-dock">
        {docked.map((t) => (
          <div
            key={t.id}
            className={`toast toast--${t.kind}`}
            role={t.kind === 'error' ? 'alert' : 'status'}
            data-testid="toast"
          >
            <span>{t.text}</span>
            <button type="button" className="toast__close" onClick={() => dismiss(t.id)} aria-label="Dismiss">
              ×
            </button>
          </div>
        ))}
      </div>
    </>
  );
}
