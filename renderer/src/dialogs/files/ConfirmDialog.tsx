// A yes/no question before something that cannot be undone (deleting runs, replacing weights).
import { Modal } from '../Modal';
import { closeDialog } from './parts';

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
        <button type="button" className="button" onClick={closeDialog} data-autofocus>
          Cancel
        </button>
        <button
          type="button"
          className="button button--danger"
          data-testid="confirm-ok"
          onClick={() => {
            closeDialog();
            onConfirm();
          }}
        >
          {confirmLabel}
        </button>
      </div>
    </Modal>
  );
}
