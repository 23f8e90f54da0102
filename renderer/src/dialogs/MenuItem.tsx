// One entry of a menu (the right-click menus, the File menu): a menuitem button that closes its
// menu and then does what it names.
import type { ButtonHTMLAttributes } from 'react';

interface MenuItemProps extends Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'type' | 'role' | 'onClick'> {
  /** Closes the menu; runs before `onPick`, so what the pick opens is not covered by the menu. */
  close: () => void;
  onPick: () => void;
}

export function MenuItem({ close, onPick, className, children, ...rest }: MenuItemProps) {
  return (
    <button
      type="button"
      role="menuitem"
      className={className ? `context-menu__item ${className}` : 'context-menu__item'}
      onClick={() => {
        close();
        onPick();
      }}
      {...rest}
    >
      {children}
    </button>
  );
}
