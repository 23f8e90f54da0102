import { describe, expect, it } from 'vitest';
import { toAccelerator } from './accelerator';

describe('toAccelerator', () => {
  it.each([
    ['Mod+KeyS', 'CmdOrCtrl+S'],
    ['Mod+Shift+KeyZ', 'CmdOrCtrl+Shift+Z'],
    ['Ctrl+KeyY', 'Control+Y'],
    ['Mod+Enter', 'CmdOrCtrl+Return'],
    ['Delete', 'Delete'],
    ['Mod+Equal', 'CmdOrCtrl+='],
    ['F1', 'F1'],
    ['Mod+Digit0', 'CmdOrCtrl+0'],
  ])('%s → %s', (binding, accelerator) => {
    expect(toAccelerator(binding)).toBe(accelerator);
  });
  it('gives null for keys menus cannot show', () => {
    expect(toAccelerator('Mod+IntlBackslash')).toBeNull();
  });
});
