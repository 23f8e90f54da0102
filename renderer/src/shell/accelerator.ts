// Converts the editor's key bindings ('Mod+Shift+KeyZ') into Electron menu accelerators
// ('CmdOrCtrl+Shift+Z'), so native menus show the same keys the shortcuts use.

const KEYS: Record<string, string> = {
  Enter: 'Return',
  Escape: 'Escape',
  Delete: 'Delete',
  Backspace: 'Backspace',
  Equal: '=',
  Minus: '-',
  Slash: '/',
  Space: 'Space',
  ArrowUp: 'Up',
  ArrowDown: 'Down',
  ArrowLeft: 'Left',
  ArrowRight: 'Right',
};

export function toAccelerator(binding: string): string | null {
  const parts = binding.split('+');
  const key = parts.pop();
  if (!key) return null;
  const modifiers = parts.map((m) => (m === 'Mod' ? 'CmdOrCtrl' : m === 'Ctrl' ? 'Control' : m));
  let name: string | undefined;
  if (/^Key[A-Z]$/.test(key)) name = key.slice(3);
  else if (/^Digit[0-9]$/.test(key)) name = key.slice(5);
  else if (/^F[0-9]{1,2}$/.test(key)) name = key;
  else name = KEYS[key];
  return name ? [...modifiers, name].join('+') : null;
}
