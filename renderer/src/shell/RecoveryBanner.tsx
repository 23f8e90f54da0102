// Offers back the unsaved work a crash left behind.
import { useRecovery } from './useRecovery';
import './shell.css';

export function RecoveryBanner() {
  const { offer, restore, discard } = useRecovery();
  if (!offer) return null;
  const when = new Date(offer.savedAt).toLocaleString();
  return (
    <div className="banner banner--warn recovery-banner" role="alert" data-testid="recovery-banner">
      <span>
        Spikewright stopped with unsaved changes to <strong>{offer.name}</strong> (last kept {when}).
      </span>
      <button type="button" onClick={restore} data-testid="recovery-restore">
        Restore
      </button>
      <button type="button" onClick={discard} data-testid="recovery-discard">
        Discard
      </button>
    </div>
  );
}
