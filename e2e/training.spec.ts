import { execFileSync } from 'node:child_process';
import type { Page } from '@playwright/test';
import { expect, test, webOnly } from './fixtures';

const run = (page: Page) => page.evaluate(() => window.__spikewright?.store.getState().training);
const batches = async (page: Page) => (await run(page))?.batchX.length ?? 0;
const panel = (page: Page) => page.getByTestId('training-panel');

/** The training worker process, found among the web-mode server's children. */
function workerPid(serverPid: number): number | null {
  const out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(serverPid)], { encoding: 'utf8' });
  const line = out.split('\n').find((l) => l.includes('trainingWorker'));
  return line ? Number(line.trim().split(/\s+/)[0]) : null;
}

test('trains Randman live: the loss falls, spikes appear, pause, resume and stop work', async ({ app }) => {
  await app.getByTestId('train').click();
  await expect(panel(app)).toHaveAttribute('data-status', 'running');
  await expect.poll(() => batches(app), { timeout: 90_000 }).toBeGreaterThanOrEqual(16);
  const state = await run(app);
  const losses = state?.batchLoss ?? [];
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  expect(mean(losses.slice(-4))).toBeLessThan(mean(losses.slice(0, 4)));
  expect(state?.backend).toBeTruthy();
  await expect
    .poll(async () => Number(await app.getByTestId('plot-raster').getAttribute('data-points')))
    .toBeGreaterThan(0);

  await app.getByTestId('pause').click();
  await expect(panel(app)).toHaveAttribute('data-status', 'paused');
  // Let the last coalesced batch events land, then nothing more may arrive while paused.
  await app.waitForTimeout(400);
  const atPause = await batches(app);
  await app.waitForTimeout(1500);
  expect(await batches(app)).toBe(atPause);

  await app.getByTestId('resume').click();
  await expect(panel(app)).toHaveAttribute('data-status', 'running');
  await expect.poll(() => batches(app)).toBeGreaterThan(atPause);

  await app.getByTestId('stop').click();
  await expect(panel(app)).toHaveAttribute('data-status', 'stopped');
  const weights = await app.evaluate(() => Object.keys(window.__spikewright?.store.getState().weights ?? {}).sort());
  expect(weights).toEqual(['w_in', 'w_out']);
  await expect(app.getByTestId('train')).toBeVisible();
});

test('when the worker dies mid-run the app says so, keeps the document and can train again', async ({
  app,
  server,
}) => {
  webOnly();
  const before = await app.evaluate(() => JSON.stringify(window.__spikewright?.store.getState().graph));
  await app.getByTestId('train').click();
  await expect.poll(() => batches(app), { timeout: 90_000 }).toBeGreaterThanOrEqual(3);
  const pid = workerPid(server.process.pid as number);
  expect(pid).not.toBeNull();
  process.kill(pid as number, 'SIGKILL');

  await expect(app.getByTestId('training-error')).toContainText('killed');
  await expect(panel(app)).toHaveAttribute('data-status', 'failed');
  expect(await app.evaluate(() => JSON.stringify(window.__spikewright?.store.getState().graph))).toBe(before);

  await app.getByTestId('train').click();
  await expect(panel(app)).toHaveAttribute('data-status', 'running');
  await expect.poll(() => batches(app), { timeout: 90_000 }).toBeGreaterThanOrEqual(1);
  await app.getByTestId('stop').click();
  await expect(panel(app)).toHaveAttribute('data-status', 'stopped');
});
