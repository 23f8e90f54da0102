// Open (web mode): a recent file, a path on the server, or a file uploaded from this computer;
// or on to the examples. Electron's native dialog can replace it (files/fileActions).
import { useRef, useState } from 'react';
import { dirName, openLocalFile, openServerPath } from '../../files/fileActions';
import { useAppStore } from '../../store';
import { Modal } from '../Modal';
import { DialogFooter, ServerPathForm, useDialogAction, useRecentFiles, useWorkspace, WorkspaceHelp } from './parts';

export function OpenDialog() {
  const [path, setPath] = useState(useAppStore.getState().filePath ?? '');
  const recent = useRecentFiles();
  const { busy, error, run } = useDialogAction();
  const fileInput = useRef<HTMLInputElement>(null);
  const workspace = useWorkspace();
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
                onClick={() => run(() => openServerPath(p))}
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
        onSubmit={(target) => run(() => openServerPath(target))}
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
            run(() => openLocalFile(file));
          }}
        />
      </div>
      <DialogFooter
        error={error}
        errorTestId="open-error"
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
