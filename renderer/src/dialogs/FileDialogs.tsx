// In-app file dialogs for web mode: open a path on the server or upload a local file, save
// to a server path or download, pick an example. Electron's native dialogs replace the first
// two later (behind the functions in files/fileActions).
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { api } from '../api';
import { importNirBytes, measureExport, saveExport } from '../files/exchange';
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

/**
 * The "path on the server" form of Open and Save as: submitting hands over the trimmed path
 * (nothing happens while it is blank); `children` go below the path row.
 */
function ServerPathForm({
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
      <ServerPathForm
        id="open"
        path={path}
        onPathChange={setPath}
        onSubmit={(target) => {
          setBusy(true);
          setError(null);
          void openServerPath(target).then(finish);
        }}
        busy={busy}
        submitLabel="Open"
        placeholder="networks/model.snn.json"
      >
        <WorkspaceHelp workspace={workspace} extra="Opens .snn.json documents and .nir files." />
      </ServerPathForm>
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
      <DialogFooter
        error={error}
        errorTestId="open-error"
        onCancel={close}
        before={
          <button
            type="button"
            className="button"
            onClick={() => useAppStore.getState().openDialog({ kind: 'examples' })}
          >
            Browse examples
          </button>
        }
      />
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
      <ServerPathForm
        id="save"
        path={path}
        onPathChange={(value) => {
          setEdited(true);
          setPath(value);
        }}
        onSubmit={(target) => {
          setBusy(true);
          setError(null);
          void saveTo(target).then((result) => {
            setBusy(false);
            if (result) setError(result);
            else close();
          });
        }}
        busy={busy}
        submitLabel="Save"
      >
        <div className="save-folder" data-testid="save-folder">
          {dirName(path) ? `Saves into ${dirName(path)}` : 'Saves into the folder Spikewright was started in'}
        </div>
        <WorkspaceHelp
          workspace={workspace}
          extra="The file is written on the machine running Spikewright; “.snn.json” is added if missing."
        />
      </ServerPathForm>
      <DialogFooter
        error={error}
        errorTestId="save-error"
        onCancel={close}
        before={
          <button type="button" className="button" onClick={() => void downloadDocument()} data-testid="save-download">
            Download a copy
          </button>
        }
      />
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

type ExportTargetName = 'nir' | 'snntorch' | 'norse';

const EXPORT_TARGET_CHOICES: { id: ExportTargetName; label: string; help: string }[] = [
  {
    id: 'nir',
    label: 'NIR (reference semantics)',
    help: "NIR's reference forward-Euler loop at the graph's own time step (written in the file).",
  },
  {
    id: 'snntorch',
    label: 'snnTorch',
    help: 'For snntorch import_from_nir: its dt = 1e-4 s; readouts become CubaLIF that never fire.',
  },
  { id: 'norse', label: 'Norse', help: 'For norse.torch.from_nir: its dt = 1e-3 s, r = 1, w_in = 1.' },
];

type ExportOutcome = Awaited<ReturnType<typeof api.exportDocument>>;

const percent = (x: number) => (x === 1 ? '100%' : `${(100 * x).toFixed(2)}%`);

/** How the file written for a tool will run there, as measured before writing. */
function AgreementReport({ outcome }: { outcome: ExportOutcome }) {
  const a = outcome.agreement;
  if (!a) return null;
  return (
    <div className={`agreement ${a.exact ? 'agreement--exact' : 'agreement--differs'}`} data-testid="export-agreement">
      <div className="agreement__headline" data-testid="export-agreement-headline">
        {a.exact
          ? `Identical spikes and predictions in ${a.targetLabel}`
          : a.expressible
            ? `${a.targetLabel} computes something slightly different`
            : `${a.targetLabel} cannot express how this graph was trained`}
      </div>
      <table className="agreement__table">
        <thead>
          <tr>
            <th>Layer</th>
            <th>Spikes (there / here)</th>
            <th>Cells agreeing</th>
          </tr>
        </thead>
        <tbody>
          {a.layers.map((l) => (
            <tr key={l.nirName}>
              <td>{l.name}</td>
              <td>
                {l.targetSpikes.toLocaleString('en-US')} / {l.engineSpikes.toLocaleString('en-US')}
              </td>
              <td>
                {l.identical ? 'identical' : percent(l.cellAgreement)}
                {l.lagSteps ? ` (${l.lagSteps} step${l.lagSteps === 1 ? '' : 's'} earlier)` : ''}
              </td>
            </tr>
          ))}
          <tr>
            <td>Predictions</td>
            <td colSpan={2}>
              {Math.round(a.predictionAgreement * a.samples)} / {a.samples} identical
            </td>
          </tr>
        </tbody>
      </table>
      <p className="agreement__summary" data-testid="export-agreement-summary">
        {a.summary}
      </p>
    </div>
  );
}

/** Export NIR: choose the tool the file is for, see what it will compute there, then save. */
export function ExportNirDialog() {
  const [target, setTarget] = useState<ExportTargetName>('nir');
  const [outcome, setOutcome] = useState<ExportOutcome | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    let alive = true;
    setBusy(true);
    setError(null);
    setOutcome(null);
    void measureExport(target)
      .then((out) => alive && setOutcome(out))
      .catch((e: Error) => alive && setError(e.message))
      .finally(() => alive && setBusy(false));
    return () => {
      alive = false;
    };
  }, [target]);
  return (
    <Modal title="Export NIR" testId="export-nir-dialog" width={620}>
      <fieldset className="choice-list" disabled={busy}>
        <legend className="field__label">The file is for</legend>
        {EXPORT_TARGET_CHOICES.map((t) => (
          <label key={t.id} className="choice" data-testid={`export-target-${t.id}`}>
            <input
              type="radio"
              name="export-target"
              checked={target === t.id}
              onChange={() => setTarget(t.id)}
              value={t.id}
            />
            <span>
              <span className="choice__label">{t.label}</span>
              <span className="choice__help">{t.help}</span>
            </span>
          </label>
        ))}
      </fieldset>
      {busy && (
        <div className="dialog-text" data-testid="export-measuring">
          Running the file as {EXPORT_TARGET_CHOICES.find((t) => t.id === target)?.label} would, on test samples of the
          graph's data…
        </div>
      )}
      {outcome && <AgreementReport outcome={outcome} />}
      <DialogFooter error={error} errorTestId="export-error" onCancel={close}>
        <button
          type="button"
          className="button button--primary"
          disabled={!outcome || busy}
          data-testid="export-save"
          onClick={() => {
            if (!outcome) return;
            saveExport(outcome, target);
            close();
          }}
        >
          {outcome?.agreement && !outcome.agreement.exact ? 'Save anyway' : 'Save'}
        </button>
      </DialogFooter>
    </Modal>
  );
}

/** Import NIR: the file, and the time step it was made for (found from the file, or given). */
export function ImportNirDialog() {
  const [file, setFile] = useState<File | null>(null);
  const [mode, setMode] = useState<'file' | 'given'>('file');
  const [dt, setDt] = useState('1e-4');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const dtValue = Number(dt);
  const dtOk = mode === 'file' || (Number.isFinite(dtValue) && dtValue > 0 && dtValue <= 10);
  return (
    <Modal title="Import NIR" testId="import-nir-dialog" width={560}>
      <form
        className="dialog-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!file || !dtOk) return;
          setBusy(true);
          setError(null);
          void file
            .arrayBuffer()
            .then((buffer) =>
              importNirBytes(new Uint8Array(buffer), file.name, mode === 'given' ? { dtSeconds: dtValue } : {}),
            )
            .then((problem) => {
              setBusy(false);
              if (problem) setError(problem);
              else close();
            });
        }}
      >
        <label className="field__label" htmlFor="import-nir-file">
          <span>NIR file (.nir, .h5)</span>
        </label>
        <input
          id="import-nir-file"
          type="file"
          accept=".nir,.h5,.hdf5"
          data-testid="import-nir-file"
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
        />
        <fieldset className="choice-list">
          <legend className="field__label">Time step the file was made for</legend>
          <label className="choice">
            <input type="radio" name="import-dt" checked={mode === 'file'} onChange={() => setMode('file')} />
            <span>
              <span className="choice__label">From the file</span>
              <span className="choice__help">
                Its metadata (Spikewright), snnTorch's convention (r = tau_mem / dt, 1e-4 s), else Norse's 1e-3 s.
              </span>
            </span>
          </label>
          <label className="choice">
            <input
              type="radio"
              name="import-dt"
              checked={mode === 'given'}
              onChange={() => setMode('given')}
              data-testid="import-dt-given"
            />
            <span>
              <span className="choice__label">Given</span>
              <span className="choice__help">For files made at another step (the NIR paper's Norse LIF: 1e-4 s).</span>
            </span>
          </label>
          <div className="input-row">
            <input
              aria-label="Time step in seconds"
              value={dt}
              disabled={mode !== 'given'}
              onChange={(e) => setDt(e.target.value)}
              data-testid="import-dt"
              spellCheck={false}
            />
            <span className="dialog-text">seconds</span>
          </div>
          {!dtOk && <div className="field__error">The time step must be a positive number of seconds.</div>}
        </fieldset>
        <DialogFooter error={error} errorTestId="import-error" onCancel={close}>
          <button
            type="submit"
            className="button button--primary"
            disabled={!file || !dtOk || busy}
            data-testid="import-submit"
          >
            Import
          </button>
        </DialogFooter>
      </form>
    </Modal>
  );
}

/**
 * A file dialog's foot: its error (an alert), then its buttons: `before` the Cancel button, and
 * the primary action (children) after it.
 */
function DialogFooter({
  error,
  errorTestId,
  onCancel,
  before,
  children,
}: {
  error: string | null;
  errorTestId: string;
  onCancel: () => void;
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
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
        {children}
      </div>
    </>
  );
}
