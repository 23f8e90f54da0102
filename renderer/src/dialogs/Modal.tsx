// A modal frame: dims the app, takes focus (its first field, or itself while its content
// loads), closes on Escape, on its × button or on a click outside.
import { type ReactNode, useEffect, useRef } from 'react';
import { useAppStore } from '../store';

export function Modal({
  title,
  children,
  width = 460,
  testId,
  onClose,
}: {
  title?: string;
  children: ReactNode;
  width?: number;
  testId: string;
  onClose?: () => void;
}) {
  const close = onClose ?? (() => useAppStore.getState().openDialog(null));
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    const first = el?.querySelector<HTMLElement>('[data-autofocus], input, select, textarea, .modal__body button');
    (first ?? el)?.focus();
  }, []);
  // Escape closes it even when focus has left it (a click on its text, content that loaded late).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !e.defaultPrevented) {
        e.preventDefault();
        close();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [close]);
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: a pointer-only surface; the keyboard has commands for the same.
    <div
      className="modal-backdrop"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget) close();
      }}
    >
      <div
        className="modal"
        role="dialog"
        aria-modal="true"
        aria-label={title}
        style={{ width }}
        ref={ref}
        tabIndex={-1}
        data-testid={testId}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.stopPropagation();
            e.preventDefault();
            close();
          }
        }}
      >
        {title && (
          <div className="modal__head">
            <h2 className="modal__title">{title}</h2>
            <button
              type="button"
              className="modal__close"
              onClick={close}
              aria-label="Close"
              title="Close (Esc)"
              data-testid="dialog-close"
            >
              ×
            </button>
          </div>
        )}
        <div className="modal__body">{children}</div>
      </div>
    </div>
  );
}
