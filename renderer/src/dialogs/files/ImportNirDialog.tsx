// Import NIR: the file, and the time step it was made for (found from the file, or given).
import { useState } from 'react';
import { importNirBytes } from '../../files/exchange';
import { Modal } from '../Modal';
import { DialogFooter, useDialogAction } from './parts';

export function ImportNirDialog() {
  const [file, setFile] = useState<File | null>(null);
  const [mode, setMode] = useState<'file' | 'given'>('file');
  const [dt, setDt] = useState('1e-4');
  const { busy, error, run } = useDialogAction();
  const dtValue = Number(dt);
  const dtOk = mode === 'file' || (Number.isFinite(dtValue) && dtValue > 0 && dtValue <= 10);
  return (
    <Modal title="Import NIR" testId="import-nir-dialog" width={560}>
      <form
        className="dialog-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!file || !dtOk) return;
          run(async () =>
            importNirBytes(
              new Uint8Array(await file.arrayBuffer()),
              file.name,
              mode === 'given' ? { dtSeconds: dtValue } : {},
            ),
          );
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
        <DialogFooter error={error} errorTestId="import-error">
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
