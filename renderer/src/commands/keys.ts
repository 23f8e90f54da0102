// Key bindings written as 'Mod+Shift+KeyZ': modifiers, then a physical key code
// (KeyboardEvent.code), so shortcuts stay on the same keys on any keyboard layout.
// 'Mod' is Cmd on macOS and Ctrl elsewhere; 'Ctrl' is always Ctrl.

export interface KeyChord {
  ctrl: boolean;
  meta: boolean;
  shift: boolean;
  alt: boolean;
  code: string;
}

export interface KeyEventLike {
  code: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

export function parseBinding(binding: string, isMac: boolean): KeyChord {
  const parts = binding.split('+');
  const code = parts.pop() ?? '';
  const chord: KeyChord = { ctrl: false, meta: false, shift: false, alt: false, code };
  for (const part of parts) {
    if (part === 'Mod') {
      if (isMac) chord.meta = true;
      else chord.ctrl = true;
    } else if (part === 'Ctrl') chord.ctrl = true;
    else if (part === 'Meta') chord.meta = true;
    else if (part === 'Shift') chord.shift = true;
    else if (part === 'Alt') chord.alt = true;
    else throw new Error(`Unknown modifier '${part}' in key binding '${binding}'`);
  }
  return chord;
}

/** Whether an event is exactly the binding: same key, same modifiers, no extra ones. */
export function matchesBinding(binding: string, event: KeyEventLike, isMac: boolean): boolean {
  const chord = parseBinding(binding, isMac);
  return (
    chord.code === event.code &&
    chord.ctrl === event.ctrlKey &&
    chord.meta === event.metaKey &&
    chord.shift === event.shiftKey &&
    chord.alt === event.altKey
  );
}

const KEY_NAMES: Record<string, string> = {
  Delete: 'Del',
  Backspace: 'Backspace',
  Enter: 'Enter',
  Escape: 'Esc',
  ArrowLeft: '←',
  ArrowRight: '→',
  ArrowUp: '↑',
  ArrowDown: '↓',
  Slash: '/',
  Equal: '=',
  Minus: '-',
  Digit0: '0',
  Digit1: '1',
};

/** How a binding is shown in menus: 'Ctrl+Shift+Z' or '⌘⇧Z'. */
export function formatBinding(binding: string, isMac: boolean): string {
  const chord = parseBinding(binding, isMac);
  const key = KEY_NAMES[chord.code] ?? chord.code.replace(/^Key|^Digit/, '');
  if (isMac)
    return `${chord.ctrl ? '⌃' : ''}${chord.alt ? '⌥' : ''}${chord.shift ? '⇧' : ''}${chord.meta ? '⌘' : ''}${key}`;
  return [chord.ctrl && 'Ctrl', chord.meta && 'Meta', chord.alt && 'Alt', chord.shift && 'Shift', key]
    .filter(Boolean)
    .join('+');
}

interface TargetLike {
  tagName?: string;
  isContentEditable?: boolean;
  type?: string;
}

const NON_TEXT_INPUTS = new Set(['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file']);

/** Whether the user is typing into a field, where editor shortcuts must not fire. */
export function isTypingTarget(target: TargetLike | null | undefined): boolean {
  if (!target) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName?.toUpperCase();
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') return !NON_TEXT_INPUTS.has((target.type ?? 'text').toLowerCase());
  return false;
}

export function detectMac(): boolean {
  const nav = globalThis.navigator as (Navigator & { userAgentData?: { platform?: string } }) | undefined;
  const platform = nav?.userAgentData?.platform ?? nav?.platform ?? '';
  return /mac|iphone|ipad/i.test(platform);
}
