// The workspace's panels: resizable, collapsible, and a training view that can take the window.
import { expect, test } from './fixtures';

test('the training view takes the window and gives it back; side panels collapse and come back', async ({ app }) => {
  const viewport = app.viewportSize();
  if (!viewport) throw new Error('no viewport');
  const bottom = app.getByTestId('bottom-panel');
  const canvas = app.getByTestId('canvas');
  const before = await bottom.boundingBox();
  await app.getByTestId('maximize-bottom').click();
  await expect(app.getByTestId('maximize-bottom')).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(async () => (await bottom.boundingBox())?.width ?? 0).toBeGreaterThan(viewport.width - 4);
  await expect.poll(async () => (await canvas.boundingBox())?.height ?? 0).toBeLessThan(2);
  await app.getByTestId('maximize-bottom').click();
  await expect.poll(async () => (await canvas.boundingBox())?.height ?? 0).toBeGreaterThan(200);
  expect(Math.abs(((await bottom.boundingBox())?.height ?? 0) - (before?.height ?? 0))).toBeLessThan(4);

  const inspector = app.getByTestId('inspector');
  await expect(inspector).toBeVisible();
  await app.evaluate(() => window.__spikewright?.store.getState().openDialog({ kind: 'palette' }));
  await app.getByTestId('command-palette-input').fill('hide the inspector');
  await app.keyboard.press('Enter');
  await expect.poll(async () => (await inspector.boundingBox())?.width ?? 0).toBeLessThan(2);

  // The separator between canvas and bottom panel resizes with the keyboard too.
  const separator = app.getByRole('separator', { name: 'Resize the bottom panel' });
  const height = (await bottom.boundingBox())?.height ?? 0;
  await separator.focus();
  await app.keyboard.press('ArrowUp');
  await app.keyboard.press('ArrowUp');
  await expect.poll(async () => (await bottom.boundingBox())?.height ?? 0).toBeGreaterThan(height + 10);
});

test('the command palette opens the Runs and Sweeps tabs, bringing back a collapsed bottom panel', async ({ app }) => {
  const bottom = app.getByTestId('bottom-panel');
  await app.evaluate(() => window.__spikewright?.store.getState().openDialog({ kind: 'palette' }));
  await app.getByTestId('command-palette-input').fill('show or hide the training panel');
  await app.keyboard.press('Enter');
  await expect.poll(async () => (await bottom.boundingBox())?.height ?? 0).toBeLessThan(40);

  for (const [query, tab] of [
    ['show the runs', 'tab-runs'],
    ['show the parameter sweeps', 'tab-sweeps'],
  ] as const) {
    await app.evaluate(() => window.__spikewright?.store.getState().openDialog({ kind: 'palette' }));
    await app.getByTestId('command-palette-input').fill(query);
    await app.keyboard.press('Enter');
    await expect(app.getByTestId(tab)).toHaveAttribute('aria-selected', 'true');
    await expect.poll(async () => (await bottom.boundingBox())?.height ?? 0).toBeGreaterThan(150);
  }
});
