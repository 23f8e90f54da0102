// In-app file dialogs for web mode: open a path on the server or upload a local file, save
// to a server path or download, pick an example. Electron's native dialogs replace the first
// two later (behind the functions in files/fileActions).
import { useEffect, useRef, useState } from 'react';
import { api } from '../api';
import {
  dirName,
  downloadDocument,
  openExample,
  openLocalFile,
  openServerPath,
  recentFiles,
  saveTo,
} from '../files/fileActions';
import { useAppStore } from '../store';
import { Modal } from './Modal';

const close = () => useAppStore.getState().openDialog(null);

/** The server's workspace folder (web mode): the only place documents are opened from or saved to. */
function useWorkspace(): string | null {
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

function WorkspaceHelp({ workspace, extra }: { workspace: string | null; extra?: string }) {
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

function useRecentFiles(): string[] | null {
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

export function OpenDialog() {
  const [path, setPath] = useState(useAppStore.getState().filePath ?? '');
  const recent = useRecentFiles();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const workspace = useWorkspace();
  const finish = (result: string | null) => {
    setBusy(false);
    if (result) setError(result);
    else close();
  };
  return (
    <Modal title="Open a document" testId="open-dialog">
      {recent && recent.length > 0 && (
        <>
          <div className="field__label">Recent files</div>
          <div className="recent-list" data-testid="recent-files">
            {recent.map((p) => (
              <button
                key={p}
                type="button"
                className="recent-list__item"
                title={p}
                onClick={() => {
                  setBusy(true);
                  setError(null);
                  void openServerPath(p).then(finish);
                }}
                data-testid="recent-file"
              >
                <strong>{p.split(/[\\/]/).pop()}</strong>
                <span className="recent-list__dir">{dirName(p)}</span>
              </button>
            ))}
          </div>
        </>
      )}
      <form
        className="dialog-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!path.trim()) return;
          setBusy(true);
          setError(null);
          void openServerPath(path.trim()).then(finish);
        }}
      >
        <label className="field__label" htmlFor="open-path">
          <span>Path on the server</span>
        </label>
        <div className="input-row">
          <input
            id="open-path"
            value={path}
            onChange={(e) => setPath(e.target.value)}
            placeholder="networks/model.snn.json"
            data-testid="open-path"
            spellCheck={false}
          />
          <button
            type="submit"
            className="button button--primary"
            disabled={busy || !path.trim()}
            data-testid="open-submit"
          >
            Open
          </button>
        </div>
        <WorkspaceHelp workspace={workspace} extra="Opens .snn.json documents and .nir files." />
      </form>
      <div className="dialog-or">or</div>
      <div className="dialog-form">
        <button type="button" className="button" onClick={() => fileInput.current?.click()}>
          Upload a file from this computer…
        </button>
        <input
          ref={fileInput}
          type="file"
          accept=".json,.snn.json,application/json"
          hidden
          data-testid="open-file-input"
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (!file) return;
            setBusy(true);
            setError(null);
            void openLocalFile(file).then(finish);
          }}
        />
      </div>
      {error && (
        <div className="dialog-error" role="alert" data-testid="open-error">
          {error}
        </div>
      )}
      <div className="dialog-actions">
        <button
          type="button"
          className="button"
          onClick={() => useAppStore.getState().openDialog({ kind: 'examples' })}
        >
          Browse examples
        </button>
        <button type="button" className="button" onClick={close}>
          Cancel
        </button>
      </div>
    </Modal>
  );
}

/** Where Save as proposes to write: the document's own folder, else the workspace, else the last folder used. */
function useProposedFolder(): string | null {
  const filePath = useAppStore.getState().filePath;
  const [folder, setFolder] = useState<string | null>(filePath ? dirName(filePath) : null);
  useEffect(() => {
    if (filePath) return;
    let alive = true;
    void Promise.all([api.appInfo({}).catch(() => null), recentFiles()]).then(([info, recent]) => {
      const workspace = info?.workspace;
      const dir = workspace || (recent[0] ? dirName(recent[0]) : '');
      if (alive && dir) setFolder(dir);
    });
    return () => {
      alive = false;
    };
  }, [filePath]);
  return folder;
}

export function SaveAsDialog() {
  const { filePath, fileName } = useAppStore.getState();
  const folder = useProposedFolder();
  const [path, setPath] = useState(filePath ?? '');
  const [edited, setEdited] = useState(false);
  useEffect(() => {
    if (!edited && !filePath && folder) setPath(`${folder.replace(/[\\/]$/, '')}/${fileName}`);
    else if (!edited && !filePath) setPath(fileName);
  }, [folder, edited, filePath, fileName]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const workspace = useWorkspace();
  return (
    <Modal title="Save as" testId="save-as-dialog">
      <form
        className="dialog-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!path.trim()) return;
          setBusy(true);
          setError(null);
          void saveTo(path.trim()).then((result) => {
            setBusy(false);
            if (result) setError(result);
            else close();
          });
        }}
      >
        <label className="field__label" htmlFor="save-path">
          <span>Path on the server</span>
        </label>
        <div className="input-row">
          <input
            id="save-path"
            value={path}
            onChange={(e) => {
              setEdited(true);
              setPath(e.target.value);
            }}
            data-testid="save-path"
            spellCheck={false}
          />
          <button
            type="submit"
            className="button button--primary"
            disabled={busy || !path.trim()}
            data-testid="save-submit"
          >
            Save
          </button>
        </div>
        <div className="save-folder" data-testid="save-folder">
          {dirName(path) ? `Saves into ${dirName(path)}` : 'Saves into the folder Spikewright was started in'}
        </div>
        <WorkspaceHelp
          workspace={workspace}
          extra="The file is written on the machine running Spikewright; “.snn.json” is added if missing."
        />
      </form>
      {error && (
        <div className="dialog-error" role="alert" data-testid="save-error">
          {error}
        </div>
      )}
      <div className="dialog-actions">
        <button type="button" className="button" onClick={() => void downloadDocument()} data-testid="save-download">
          Download a copy
        </button>
        <button type="button" className="button" onClick={close}>
          Cancel
        </button>
      </div>
    </Modal>
  );
}

type Example = { id: string; name: string; description: string };

export function ExamplesDialog() {
  const [examples, setExamples] = useState<Example[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api
      .listExamples({})
      .then(setExamples)
      .catch((e: Error) => setError(e.message));
  }, []);
  return (
    <Modal title="Examples" testId="examples-dialog" width={620}>
      {error && <div className="dialog-error">{error}</div>}
      {!examples && !error && <div className="dialog-loading">Loading…</div>}
      <div className="example-grid">
        {examples?.map((ex) => (
          <button
            key={ex.id}
            type="button"
            className="example-card"
            data-testid={`example-${ex.id}`}
            onClick={() => {
              close();
              void openExample(ex.id);
            }}
          >
            <span className="example-card__name">{ex.name}</span>
            <span className="example-card__desc">{ex.description}</span>
          </button>
        ))}
      </div>
    </Modal>
  );
}

export function ConfirmDialog({
  title,
  message,
  confirmLabel,
  onConfirm,
}: {
  title: string;
  message: string;
  confirmLabel: string;
  onConfirm: () => void;
}) {
  return (
    <Modal title={title} testId="confirm-dialog" width={420}>
      <p className="dialog-text">{message}</p>
      <div className="dialog-actions">
        <button type="button" className="button" onClick={close} data-autofocus>
          Cancel
        </button>
        <button
          type="button"
          className="button button--danger"
          data-testid="confirm-ok"
          onClick={() => {
            close();
            onConfirm();
          }}
        >
          {confirmLabel}
        </button>
      </div>
    </Modal>
  );
}
