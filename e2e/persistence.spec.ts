// A researcher's document survives a reload: the open file comes back (with unsaved edits),
// recent files are listed in Open and in the File menu.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, test } from './fixtures';
import { EditorPage } from './pages/EditorPage';

const docName = (page: import('@playwright/test').Page) =>
  page.evaluate(() => window.__spikewright?.store.getState().metadata.name);

test('a reload reopens the open document, its unsaved edits included, and lists it as recent', async ({ app }) => {
  const editor = new EditorPage(app);
  // Specs share one server: an earlier spec's unsaved edits may be on offer for recovery, and
  // while an offer waits for an answer autosave leaves that file alone. Decline it.
  const offered = app.getByTestId('recovery-banner');
  await offered.waitFor({ timeout: 2000 }).catch(() => {});
  if (await offered.count()) await app.getByTestId('recovery-discard').click();
  await app.getByTestId('cmd-file.examples').click();
  await app.getByTestId('example-fashion-mnist').click();
  await expect(editor.fileName()).toHaveText('fashion-mnist.snn.json');
  // Inside test-results: web mode keeps documents inside its workspace folder.
  mkdirSync('test-results', { recursive: true });
  const path = join(mkdtempSync(join(resolve('test-results'), 'persist-')), 'my-net.snn.json');
  await editor.saveAs(path);
  await expect(editor.fileName()).toHaveText('my-net.snn.json');

  // Saved and clean: a reload opens the same file.
  await app.reload();
  await expect(editor.fileName()).toHaveText('my-net.snn.json');
  await expect.poll(() => docName(app)).toBe('Fashion-MNIST');
  await expect(editor.dirtyMarker()).toBeHidden();

  // An unsaved edit: the reload brings it back, still unsaved.
  await app.evaluate(() => window.__spikewright?.store.getState().setMetadata({ name: 'Edited net' }));
  const edited = await docName(app);
  await app.waitForTimeout(2500); // autosave writes the recovery file
  await app.reload();
  await expect(editor.fileName()).toHaveText('my-net.snn.json');
  await expect.poll(() => docName(app)).toBe(edited);
  await expect(editor.dirtyMarker()).toBeVisible();

  // Recent files: in the Open dialog and in the File menu.
  await app.keyboard.press('ControlOrMeta+KeyO');
  await app.getByTestId('confirm-ok').click(); // the edit is unsaved: Open asks first
  const dialog = app.getByTestId('open-dialog');
  await expect(dialog.getByTestId('recent-file').first()).toHaveAttribute('title', path);
  await app.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await app.getByTestId('file-menu').click();
  await expect(app.getByTestId('file-menu-list').getByTestId('recent-file').first()).toHaveAttribute('title', path);
  await expect(app.getByTestId('file-menu-file.exportNir')).toBeVisible();
  await expect(app.getByTestId('file-menu-file.exportSvg')).toBeVisible();
  await expect(app.getByTestId('file-menu-file.exportPng')).toBeVisible();
});

test('Save as proposes a folder and says where the file goes; Examples closes on Esc', async ({ app }) => {
  await app.getByTestId('cmd-file.examples').click();
  const examples = app.getByTestId('examples-dialog');
  await expect(examples).toBeVisible();
  await expect(examples.getByTestId('dialog-close')).toBeVisible();
  await app.keyboard.press('Escape');
  await expect(examples).toBeHidden();
  await app.keyboard.press('ControlOrMeta+Shift+KeyS');
  await expect(app.getByTestId('save-folder')).toContainText('Saves into');
});
