// A modal frame: dims the app, closes on Escape or a click outside, keeps focus inside.
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
    const first = el?.querySelector<HTMLElement>('[data-autofocus], input, select, textarea, button');
    first?.focus();
  }, []);
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
        data-testid={testId}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.stopPropagation();
            close();
          }
        }}
      >
        {title && <h2 className="modal__title">{title}</h2>}
        {children}
      </div>
    </div>
  );
}
