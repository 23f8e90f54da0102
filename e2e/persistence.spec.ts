// A researcher's document survives a reload: the open file comes back (with unsaved edits),
// recent files are listed in Open and in the File menu.
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
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

test("the last run's curves and test figures are saved with the document and shown when it is reopened", async ({
  app,
}) => {
  const editor = new EditorPage(app);
  const offered = app.getByTestId('recovery-banner');
  await offered.waitFor({ timeout: 2000 }).catch(() => {});
  if (await offered.count()) await app.getByTestId('recovery-discard').click();
  await app.getByTestId('cmd-file.examples').click();
  await app.getByTestId('example-randman').click();
  await expect(app.getByTestId('training-panel')).toHaveAttribute('data-showing', 'live');

  // A short run, stopped after a few batches.
  await app.getByTestId('train').click();
  await expect
    .poll(() => app.evaluate(() => window.__spikewright?.store.getState().training.batchX.length ?? 0), {
      timeout: 90_000,
    })
    .toBeGreaterThan(3);
  await app.getByTestId('stop').click();
  await expect(app.getByTestId('training-panel')).toHaveAttribute('data-status', 'stopped');
  const shown = await app.evaluate(() => {
    const t = window.__spikewright?.store.getState().training;
    return { batches: t?.batchX.length ?? 0, loss: t?.batchLoss ?? [] };
  });

  mkdirSync('test-results', { recursive: true });
  const path = join(mkdtempSync(join(resolve('test-results'), 'lastrun-')), 'trained.snn.json');
  await editor.saveAs(path);
  const onDisk = JSON.parse(readFileSync(path, 'utf8'));
  const lastRun = onDisk.metadata.lastRun;
  expect(lastRun.outcome).toBe('stopped');
  expect(lastRun.batchCurves.x).toHaveLength(shown.batches);
  expect(lastRun.batchCurves.loss[0]).toBeCloseTo(shown.loss[0] as number, 3);
  expect(Object.keys(onDisk.weights ?? {}).length).toBeGreaterThan(0);

  // Reopened (a reload opens the last document): the view shows the saved run, marked as such.
  await app.reload();
  await expect(editor.fileName()).toHaveText('trained.snn.json');
  const panel = app.getByTestId('training-panel');
  await expect(panel).toHaveAttribute('data-showing', 'saved-run');
  await expect(panel).toHaveAttribute('data-status', 'idle');
  await expect(app.getByTestId('saved-run')).toBeVisible();
  await expect(app.getByTestId('training-status')).toContainText(/Saved run .*stopped after/);
  await expect(app.getByTestId('figure-loss')).toHaveAttribute('data-has-data', 'true');
  await expect(app.getByTestId('plot-loss')).toHaveAttribute('data-points', String(shown.batches));
  await expect(app.getByTestId('figure-loss')).toContainText('saved run');
  await expect(app.getByTestId('figure-accuracy')).toHaveAttribute('data-has-data', 'true');
  // Reopening changed nothing: the document is clean.
  await expect(editor.dirtyMarker()).toBeHidden();
  // The saved figures export, named after the file and saying they are the saved run.
  const download = app.waitForEvent('download');
  await app.getByTestId('export-loss-png').click();
  expect((await download).suggestedFilename()).toBe('trained-loss-saved-run.png');

  // Another document has no saved run: the view is empty again.
  await app.getByTestId('cmd-file.examples').click();
  await app.getByTestId('example-randman').click();
  await expect(panel).toHaveAttribute('data-showing', 'live');
  await expect(app.getByTestId('figure-loss')).toHaveAttribute('data-has-data', 'false');
});
