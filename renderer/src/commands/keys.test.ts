import { describe, expect, it } from 'vitest';
import { appCommands } from './appCommands';
import { formatBinding, isTypingTarget, matchesBinding } from './keys';
import { type Command, commandForKey, defineCommands } from './registry';

const key = (code: string, mods: Partial<{ ctrl: boolean; meta: boolean; shift: boolean; alt: boolean }> = {}) => ({
  code,
  ctrlKey: !!mods.ctrl,
  metaKey: !!mods.meta,
  shiftKey: !!mods.shift,
  altKey: !!mods.alt,
});

describe('key bindings', () => {
  it('match physical keys with exactly the modifiers asked for', () => {
    expect(matchesBinding('Mod+KeyZ', key('KeyZ', { ctrl: true }), false)).toBe(true);
    expect(matchesBinding('Mod+KeyZ', key('KeyZ', { meta: true }), true)).toBe(true);
    expect(matchesBinding('Mod+KeyZ', key('KeyZ', { meta: true }), false)).toBe(false);
    expect(matchesBinding('Mod+KeyZ', key('KeyZ', { ctrl: true, shift: true }), false)).toBe(false);
    expect(matchesBinding('Mod+Shift+KeyZ', key('KeyZ', { ctrl: true, shift: true }), false)).toBe(true);
    expect(matchesBinding('Ctrl+KeyY', key('KeyY', { ctrl: true }), true)).toBe(true);
    // A Cyrillic layout types 'я' on the Z key; event.code is still KeyZ.
    expect(
      matchesBinding('Mod+KeyZ', { ...key('KeyZ', { ctrl: true }), key: 'я' } as ReturnType<typeof key>, false),
    ).toBe(true);
  });

  it('formats for menus per platform', () => {
    expect(formatBinding('Mod+Shift+KeyS', false)).toBe('Ctrl+Shift+S');
    expect(formatBinding('Mod+Shift+KeyS', true)).toBe('⇧⌘S');
    expect(formatBinding('Delete', false)).toBe('Del');
  });

  it('knows text fields from other targets', () => {
    expect(isTypingTarget({ tagName: 'INPUT', type: 'text' })).toBe(true);
    expect(isTypingTarget({ tagName: 'INPUT', type: 'checkbox' })).toBe(false);
    expect(isTypingTarget({ tagName: 'TEXTAREA' })).toBe(true);
    expect(isTypingTarget({ tagName: 'SELECT' })).toBe(true);
    expect(isTypingTarget({ tagName: 'DIV', isContentEditable: true })).toBe(true);
    expect(isTypingTarget({ tagName: 'DIV' })).toBe(false);
  });
});

describe('command registry', () => {
  type Ctx = { selected: number; log: string[] };
  const commands: readonly Command<Ctx>[] = defineCommands<Ctx>([
    { id: 'delete', label: 'Delete', category: 'Edit', keys: ['Delete'], when: (c) => c.selected > 0, run: () => {} },
    { id: 'palette', label: 'Palette', category: 'View', keys: ['F1'], run: () => {} },
    { id: 'close', label: 'Close', category: 'View', keys: ['Escape'], whileTyping: true, run: () => {} },
  ]);
  const input = { tagName: 'INPUT', type: 'text' } as unknown as EventTarget;

  it('finds the command for a key, only when it applies', () => {
    const ctx = { selected: 1, log: [] };
    expect(commandForKey(commands, { ...key('Delete'), target: null }, ctx, false)?.id).toBe('delete');
    expect(commandForKey(commands, { ...key('Delete'), target: null }, { ...ctx, selected: 0 }, false)).toBeNull();
  });

  it('never fires while typing in a field, unless declared to', () => {
    const ctx = { selected: 1, log: [] };
    expect(commandForKey(commands, { ...key('Delete'), target: input }, ctx, false)).toBeNull();
    expect(commandForKey(commands, { ...key('F1'), target: input }, ctx, false)).toBeNull();
    expect(commandForKey(commands, { ...key('Escape'), target: input }, ctx, false)?.id).toBe('close');
  });

  it('refuses two commands with one id', () => {
    expect(() =>
      defineCommands([
        { id: 'a', label: 'A', category: 'Edit', run: () => {} },
        { id: 'a', label: 'A again', category: 'Edit', run: () => {} },
      ]),
    ).toThrow(/declared twice/);
  });

  it('the app binds each key chord to one command at most and has the required keys', () => {
    const seen = new Map<string, string>();
    for (const c of appCommands)
      for (const k of c.keys ?? []) {
        expect(seen.get(k), `${k} is bound to ${seen.get(k)} and ${c.id}`).toBeUndefined();
        seen.set(k, c.id);
      }
    const required: Record<string, string> = {
      Delete: 'edit.delete',
      Backspace: 'edit.delete',
      'Mod+KeyZ': 'edit.undo',
      'Ctrl+KeyY': 'edit.redo',
      'Mod+Shift+KeyZ': 'edit.redo',
      'Mod+KeyC': 'edit.copy',
      'Mod+KeyX': 'edit.cut',
      'Mod+KeyV': 'edit.paste',
      'Mod+KeyD': 'edit.duplicate',
      'Mod+KeyA': 'selection.all',
      'Mod+KeyS': 'file.save',
      'Mod+Shift+KeyS': 'file.saveAs',
      'Mod+KeyO': 'file.open',
      'Mod+KeyN': 'file.new',
      'Mod+Enter': 'run.train',
      'Mod+Shift+KeyP': 'view.commandPalette',
      F1: 'help.guide',
    };
    for (const [k, id] of Object.entries(required)) expect(seen.get(k), k).toBe(id);
  });
});
