// Every dialog takes the keyboard focus when it opens, closes on Esc and gives focus back; the
// exports of a saved document are named after its file.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, test } from './fixtures';
import { EditorPage } from './pages/EditorPage';

const dialogs = [
  { name: 'Examples', open: 'button:cmd-file.examples', id: 'examples-dialog' },
  { name: 'Open', open: 'key:ControlOrMeta+KeyO', id: 'open-dialog' },
  { name: 'Save as', open: 'key:ControlOrMeta+Shift+KeyS', id: 'save-as-dialog' },
  { name: 'Help', open: 'key:F1', id: 'help-dialog' },
  { name: 'Command palette', open: 'key:ControlOrMeta+Shift+KeyP', id: 'command-palette' },
] as const;

test('every dialog takes the focus when it opens and closes on Esc', async ({ app }) => {
  for (const d of dialogs) {
    if (d.open.startsWith('button:')) await app.getByTestId(d.open.slice(7)).click();
    else await app.keyboard.press(d.open.slice(4));
    const dialog = app.getByTestId(d.id);
    await expect(dialog, `${d.name} opens`).toBeVisible();
    await expect
      .poll(() => dialog.evaluate((el) => el.contains(document.activeElement)), { message: `${d.name} has the focus` })
      .toBe(true);
    await app.keyboard.press('Escape');
    await expect(dialog, `${d.name} closes on Esc`).toBeHidden();
  }
});

test('exports of a saved document are named after its file', async ({ app }) => {
  const editor = new EditorPage(app);
  mkdirSync('test-results', { recursive: true });
  const path = join(mkdtempSync(join(resolve('test-results'), 'names-')), 'My Net v2.snn.json');
  await editor.saveAs(path);
  await expect(editor.fileName()).toHaveText('My Net v2.snn.json');
  const downloadOf = async (run: () => Promise<void>) => {
    const download = app.waitForEvent('download');
    await run();
    return (await download).suggestedFilename();
  };
  await app.getByTestId('file-menu').click();
  expect(await downloadOf(() => app.getByTestId('file-menu-file.exportSvg').click())).toBe('My Net v2.svg');
});
