// What the file dialogs share: closing, the one action a dialog runs at a time (busy, its
// error), the server's workspace folder and the recent files (web mode), the "path on the
// server" form of Open and Save as, and the foot (error, Cancel, the primary action).
import { type ReactNode, useEffect, useState } from 'react';
import { api } from '../../api';
import { recentFiles } from '../../files/fileActions';
import { useAppStore } from '../../store';

export const closeDialog = () => useAppStore.getState().openDialog(null);

/**
 * A dialog's action (open, save, import): while it runs the dialog is busy; when it ends the
 * dialog closes, or shows the sentence the action returned saying what went wrong.
 */
export function useDialogAction() {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = (action: () => Promise<string | null>) => {
    setBusy(true);
    setError(null);
    void action().then((problem) => {
      setBusy(false);
      if (problem) setError(problem);
      else closeDialog();
    });
  };
  return { busy, error, run };
}

/** The server's workspace folder (web mode): the only place documents are opened from or saved to. */
export function useWorkspace(): string | null {
  const [workspace, setWorkspace] = useState<string | null>(null);
  useEffect(() => {
    let alive = true;
    api
      .appInfo({})
      .then((info) => alive && setWorkspace(info.workspace ?? null))
      .catch(() => {});
    return () => {
      alive = false;
    };
  }, []);
  return workspace;
}

export function WorkspaceHelp({ workspace, extra }: { workspace: string | null; extra?: string }) {
  if (!workspace && !extra) return null;
  return (
    <div className="field__help" data-testid="workspace-help">
      {workspace && (
        <>
          Paths are inside the workspace folder <code>{workspace}</code>; a relative path starts there.{' '}
        </>
      )}
      {extra}
    </div>
  );
}

export function useRecentFiles(): string[] | null {
  const [recent, setRecent] = useState<string[] | null>(null);
  useEffect(() => {
    let alive = true;
    void recentFiles().then((list) => alive && setRecent(list));
    return () => {
      alive = false;
    };
  }, []);
  return recent;
}

/**
 * The "path on the server" form of Open and Save as: submitting hands over the trimmed path
 * (nothing happens while it is blank); `children` go below the path row.
 */
export function ServerPathForm({
  id,
  path,
  onPathChange,
  onSubmit,
  busy,
  submitLabel,
  placeholder,
  children,
}: {
  id: 'open' | 'save';
  path: string;
  onPathChange: (path: string) => void;
  onSubmit: (path: string) => void;
  busy: boolean;
  submitLabel: string;
  placeholder?: string;
  children?: ReactNode;
}) {
  return (
    <form
      className="dialog-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (!path.trim()) return;
        onSubmit(path.trim());
      }}
    >
      <label className="field__label" htmlFor={`${id}-path`}>
        <span>Path on the server</span>
      </label>
      <div className="input-row">
        <input
          id={`${id}-path`}
          value={path}
          onChange={(e) => onPathChange(e.target.value)}
          placeholder={placeholder}
          data-testid={`${id}-path`}
          spellCheck={false}
        />
        <button
          type="submit"
          className="button button--primary"
          disabled={busy || !path.trim()}
          data-testid={`${id}-submit`}
        >
          {submitLabel}
        </button>
      </div>
      {children}
    </form>
  );
}

/**
 * A file dialog's foot: its error (an alert), then its buttons: `before` the Cancel button, and
 * the primary action (children) after it.
 */
export function DialogFooter({
  error,
  errorTestId,
  before,
  children,
}: {
  error: string | null;
  errorTestId: string;
  before?: ReactNode;
  children?: ReactNode;
}) {
  return (
    <>
      {error && (
        <div className="dialog-error" role="alert" data-testid={errorTestId}>
          {error}
        </div>
      )}
      <div className="dialog-actions">
        {before}
        <button type="button" className="button" onClick={closeDialog}>
          Cancel
        </button>
        {children}
      </div>
    </>
  );
}
