import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, freshStateDir, startAppServer, stopAppServer, test, waitForDocument, webOnly } from './fixtures';

test('unsaved work survives the server being killed mid-edit and is offered back', async ({ page }) => {
  webOnly();
  const stateDir = freshStateDir();
  const first = await startAppServer({ SPIKEWRIGHT_STATE_DIR: stateDir });
  await page.goto(first.url);
  await waitForDocument(page);
  await expect(page).toHaveTitle('randman.snn.json — Spikewright');

  // An edit through the store, as the inspector makes it: rename the hidden population.
  await page.evaluate(() => {
    const store = window.__spikewright?.store;
    const state = store?.getState();
    if (!store || !state) return;
    store.setState({
      graph: {
        ...state.graph,
        nodes: state.graph.nodes.map((n) => (n.id === 'hidden' ? { ...n, name: 'cortex' } : n)),
      },
    });
  });
  await expect(page).toHaveTitle('• randman.snn.json — Spikewright');
  await expect.poll(() => existsSync(join(stateDir, 'recovery.json'))).toBe(true);

  first.process.kill('SIGKILL');
  await new Promise((resolve) => first.process.once('exit', resolve));

  const second = await startAppServer({ SPIKEWRIGHT_STATE_DIR: stateDir });
  try {
    await page.goto(second.url);
    await waitForDocument(page);
    await expect(page.getByTestId('recovery-banner')).toContainText('randman.snn.json');
    await page.getByTestId('recovery-restore').click();
    await expect(page.getByTestId('recovery-banner')).toHaveCount(0);
    const restored = await page.evaluate(
      () => window.__spikewright?.store.getState().graph.nodes.find((n) => n.id === 'hidden')?.name,
    );
    expect(restored).toBe('cortex');
    // Restored work is still unsaved.
    await expect(page).toHaveTitle('• randman.snn.json — Spikewright');

    // Discarding removes the recovery file; the next start offers nothing.
    await page.reload();
    await waitForDocument(page);
    await page.getByTestId('recovery-discard').click();
    await expect.poll(() => existsSync(join(stateDir, 'recovery.json'))).toBe(false);
  } finally {
    await stopAppServer(second);
  }
});
