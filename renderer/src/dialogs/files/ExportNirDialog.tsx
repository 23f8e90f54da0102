// Export NIR: the tool the file is for (NIR's reference semantics, snnTorch, Norse), how the
// file will run there (measured before writing, AgreementReport), then save.
import { useEffect, useState } from 'react';
import { measureExport, saveExport } from '../../files/exchange';
import { Modal } from '../Modal';
import { AgreementReport, type ExportOutcome } from './AgreementReport';
import { closeDialog, DialogFooter } from './parts';

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
      <DialogFooter error={error} errorTestId="export-error">
        <button
          type="button"
          className="button button--primary"
          disabled={!outcome || busy}
          data-testid="export-save"
          onClick={() => {
            if (!outcome) return;
            saveExport(outcome, target);
            closeDialog();
          }}
        >
          {outcome?.agreement && !outcome.agreement.exact ? 'Save anyway' : 'Save'}
        </button>
      </DialogFooter>
    </Modal>
  );
}
