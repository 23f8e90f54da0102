// Save as (web mode): a path on the server, proposed in the document's folder (else the
// workspace, else the last folder used), or a downloaded copy.
import { useEffect, useState } from 'react';
import { api } from '../../api';
import { dirName, downloadDocument, recentFiles, saveTo } from '../../files/fileActions';
import { useAppStore } from '../../store';
import { Modal } from '../Modal';
import { DialogFooter, ServerPathForm, useDialogAction, useWorkspace, WorkspaceHelp } from './parts';

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
  const { busy, error, run } = useDialogAction();
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
        onSubmit={(target) => run(() => saveTo(target))}
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
        before={
          <button type="button" className="button" onClick={() => void downloadDocument()} data-testid="save-download">
            Download a copy
          </button>
        }
      />
    </Modal>
  );
}
