// Offers back the unsaved work a crash left behind, and warns while unsaved work cannot be
// kept for recovery (the state folder is unwritable, the disk is full).
import { useRecovery } from './useRecovery';
import './shell.css';

export function RecoveryBanner() {
  const { offer, restore, discard, writeError } = useRecovery();
  return (
    <>
      {writeError && (
        <div className="banner banner--error recovery-warning" role="alert" data-testid="recovery-warning">
          <span className="recovery-warning__icon" aria-hidden="true">
            !
          </span>
          <span>
            <strong>Unsaved changes are not being kept for recovery.</strong> If Spikewright stops now, they are lost;
            save the document to keep them. <span className="recovery-warning__reason">{writeError}</span>
          </span>
        </div>
      )}
      {offer && (
        <div className="banner banner--warn recovery-banner" role="alert" data-testid="recovery-banner">
          <span>
            Spikewright stopped with unsaved changes to <strong>{offer.name}</strong> (last kept{' '}
            {new Date(offer.savedAt).toLocaleString()}).
          </span>
          <button type="button" onClick={restore} data-testid="recovery-restore">
            Restore
          </button>
          <button type="button" onClick={discard} data-testid="recovery-discard">
            Discard
          </button>
        </div>
      )}
    </>
  );
}
