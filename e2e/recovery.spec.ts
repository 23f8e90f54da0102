import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import {
  type AppServer,
  expect,
  freshStateDir,
  startAppServer,
  stopAppServer,
  test,
  waitForDocument,
  webOnly,
} from './fixtures';

test('unsaved work survives the server being killed mid-edit and is offered back', async ({ page }) => {
  const { stateDir, first } = await openOnFreshState(page);
  await expect(page).toHaveTitle('randman.snn.json — Spikewright');

  // An edit through the store, as the inspector makes it: rename the hidden population.
  await renameHidden(page, 'cortex');
  await expect(page).toHaveTitle('• randman.snn.json — Spikewright');
  await expect.poll(() => existsSync(join(stateDir, 'recovery.json'))).toBe(true);

  const second = await killAndRestart(page, first, stateDir);
  try {
    await expect(page.getByTestId('recovery-banner')).toContainText('randman.snn.json');
    await page.getByTestId('recovery-restore').click();
    await expect(page.getByTestId('recovery-banner')).toHaveCount(0);
    const restored = await hiddenName(page);
    expect(restored).toBe('cortex');
    // Restored work is still unsaved.
    await expect(page).toHaveTitle('• randman.snn.json — Spikewright');

    // A reload of this window reopens the restored edits by itself, with nothing left to offer.
    await page.reload();
    await waitForDocument(page);
    await expect.poll(() => hiddenName(page)).toBe('cortex');
    await expect(page.getByTestId('recovery-banner')).toHaveCount(0);

    // Another window (a fresh browser profile) is offered the work; discarding removes the file.
    const other = await page.context().browser()!.newContext();
    try {
      const otherPage = await other.newPage();
      await otherPage.goto(second.url);
      await waitForDocument(otherPage);
      await otherPage.getByTestId('recovery-discard').click();
      await expect.poll(() => existsSync(join(stateDir, 'recovery.json'))).toBe(false);
    } finally {
      await other.close();
    }
  } finally {
    await stopAppServer(second);
  }
});

test('continuous editing every 250 ms for 10 s, then kill -9: at most 2 s of edits are lost', async ({ page }) => {
  const { stateDir, first } = await openOnFreshState(page);

  // 40 edits, one every 250 ms, as a user typing into the inspector would make them: each
  // renames the hidden population to `edit-<n>`.
  let edits = 0;
  for (; edits < 40; edits++) {
    await page.waitForTimeout(250);
    await renameHidden(page, `edit-${edits}`);
  }
  expect(edits).toBe(40);
  // The server dies right after the last edit.
  const second = await killAndRestart(page, first, stateDir);
  try {
    await page.getByTestId('recovery-restore').click();
    const restored = (await hiddenName(page)) ?? '';
    const kept = Number(/^edit-(\d+)$/.exec(restored)?.[1] ?? -1);
    const lost = edits - 1 - kept;
    console.log(
      `autosave under continuous editing: kept edit ${kept} of 0..${edits - 1}; lost ${lost} (${lost * 250} ms)`,
    );
    // At most 2 s of edits (8 at 250 ms) may be lost.
    expect(kept).toBeGreaterThanOrEqual(edits - 1 - 8);
  } finally {
    await stopAppServer(second);
  }
});

test('an unwritable state folder shows a warning, which goes away once recovery can be written', async ({ page }) => {
  webOnly();
  // A file where the state folder should be: no folder can be made there, whoever runs this.
  const base = freshStateDir();
  const stateDir = join(base, 'state');
  writeFileSync(stateDir, 'not a folder');
  const server = await startAppServer({ SPIKEWRIGHT_STATE_DIR: stateDir });
  try {
    await page.goto(server.url);
    await waitForDocument(page);
    await expect(page.getByTestId('recovery-warning')).toHaveCount(0);
    await renameHidden(page, 'cortex');
    const warning = page.getByTestId('recovery-warning');
    await expect(warning).toBeVisible();
    await expect(warning).toContainText('Unsaved changes are not being kept for recovery');
    await expect(warning).toContainText('recovery.json');
    await screenshots(page, 'recovery-warning');

    // The folder becomes writable: the next retry writes the file and the warning goes.
    rmSync(stateDir);
    mkdirSync(stateDir);
    await expect(warning).toHaveCount(0, { timeout: 10_000 });
    expect(existsSync(join(stateDir, 'recovery.json'))).toBe(true);
  } finally {
    await stopAppServer(server);
  }
});

/** A server on a new, empty state folder, and the page opened on it. */
async function openOnFreshState(page: Page): Promise<{ stateDir: string; first: AppServer }> {
  webOnly();
  const stateDir = freshStateDir();
  const first = await startAppServer({ SPIKEWRIGHT_STATE_DIR: stateDir });
  await page.goto(first.url);
  await waitForDocument(page);
  return { stateDir, first };
}

/** kill -9 of the server, a new one on the same state folder, and the page reloaded from it. */
async function killAndRestart(page: Page, server: AppServer, stateDir: string): Promise<AppServer> {
  server.process.kill('SIGKILL');
  await new Promise((resolve) => server.process.once('exit', resolve));
  const next = await startAppServer({ SPIKEWRIGHT_STATE_DIR: stateDir });
  await page.goto(next.url);
  await waitForDocument(page);
  return next;
}

function hiddenName(page: Page): Promise<string | undefined> {
  return page.evaluate(() => window.__spikewright?.store.getState().graph.nodes.find((n) => n.id === 'hidden')?.name);
}

async function renameHidden(page: Page, name: string) {
  await page.evaluate((newName) => {
    const store = window.__spikewright?.store;
    const state = store?.getState();
    if (!store || !state) return;
    store.setState({
      graph: {
        ...state.graph,
        nodes: state.graph.nodes.map((n) => (n.id === 'hidden' ? { ...n, name: newName } : n)),
      },
    });
  }, name);
}

/** The page at 1280x800 and 1920x1080 in both themes, into the test's output folder. */
async function screenshots(page: Page, name: string) {
  const original = page.viewportSize();
  for (const theme of ['light', 'dark'] as const) {
    await page.evaluate((t) => window.__spikewright?.store.setState({ theme: t }), theme);
    for (const [width, height] of [
      [1280, 800],
      [1920, 1080],
    ] as const) {
      await page.setViewportSize({ width, height });
      await page.screenshot({ path: test.info().outputPath(`${name}-${theme}-${width}x${height}.png`) });
    }
  }
  await page.evaluate(() => window.__spikewright?.store.setState({ theme: 'light' }));
  if (original) await page.setViewportSize(original);
}
