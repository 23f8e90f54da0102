// Run history and sweeps through the app: runs recorded beside the saved document appear in the
// Runs panel and overlay, and a 3x2 sweep on the local pool survives a stop and a resume and
// ends in its heatmap. Tiny Randman settings keep it light.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { EditorPage } from './pages/EditorPage';

/** Randman small enough to train in seconds: 200 samples, 50 steps, batches of 32. */
async function tinyRandman(page: Page, epochs = 2) {
  await page.evaluate((e) => {
    const s = window.__spikewright?.store.getState();
    if (!s) throw new Error('no store');
    s.setNodeParam('data', 'samplesPerClass', 20);
    s.setNodeParam('data', 'timeSteps', 50);
    s.setNodeParam('train', 'batchSize', 32);
    s.setNodeParam('train', 'epochs', e);
  }, epochs);
}

/** Saves the document under a fresh folder inside the workspace; its runs go to `<name>.runs/` there. */
async function saveFresh(page: Page, prefix: string): Promise<string> {
  mkdirSync('test-results', { recursive: true });
  const path = join(mkdtempSync(join(resolve('test-results'), `${prefix}-`)), 'tiny.snn.json');
  await new EditorPage(page).saveAs(path);
  return path;
}

const trainingStatus = (page: Page) => page.getByTestId('training-panel');

async function trainOnce(page: Page) {
  await page.getByTestId('tab-training').click();
  await page.getByTestId('train').click();
  await expect(trainingStatus(page)).toHaveAttribute('data-status', 'done', { timeout: 90_000 });
}

test('two Randman runs with different learning rates are listed, overlaid and compared', async ({ app }) => {
  await tinyRandman(app);
  const path = await saveFresh(app, 'runs');
  await trainOnce(app);
  await app.evaluate(() => window.__spikewright?.store.getState().setNodeParam('train', 'learningRate', 0.01));
  await trainOnce(app);

  await app.getByTestId('tab-runs').click();
  const rows = app.getByTestId('run-row');
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toHaveAttribute('data-status', 'done');
  await expect(rows.nth(1)).toHaveAttribute('data-status', 'done');
  await expect(rows.nth(0).getByTestId('run-test-acc')).toHaveText(/\d+\.\d%/);
  // Recorded beside the document, as plain files.
  const folder = path.replace(/\.snn\.json$/, '.runs');
  await expect(app.getByTestId('runs-folder')).toHaveText(folder);
  const runDirs = readdirSync(folder).filter((d) => existsSync(join(folder, d, 'run.json')));
  expect(runDirs).toHaveLength(2);
  for (const d of runDirs) {
    expect(
      readFileSync(join(folder, d, 'batches.jsonl'), 'utf8')
        .trim()
        .split('\n').length,
    ).toBeGreaterThan(4);
    expect(existsSync(join(folder, d, 'weights.snn.json'))).toBe(true);
  }

  // Both selected: their curves overlay, one series each (accuracy: train and validation each).
  await rows.nth(0).getByTestId('run-select').check();
  await rows.nth(1).getByTestId('run-select').check();
  await expect(app.getByTestId('runs-compare')).toHaveAttribute('data-count', '2');
  const loss = app.getByTestId('figure-runs-loss');
  await expect(loss).toHaveAttribute('data-has-data', 'true');
  await expect(loss.locator('.figure__legend-item')).toHaveCount(2);
  expect(Number(await app.getByTestId('plot-runs-loss').getAttribute('data-points'))).toBeGreaterThan(8);
  await expect(app.getByTestId('figure-runs-accuracy').locator('.figure__legend-item')).toHaveCount(4);
  // What differs: the learning rate (newest run first), and nothing about the network.
  const lr = app.locator('[data-testid="diff-row"][data-key="train.learningRate"]');
  await expect(lr).toContainText('0.01');
  await expect(lr).toContainText('0.002');
  await expect(app.locator('[data-testid="diff-row"][data-key="hidden.size"]')).toHaveCount(0);

  // The older run's weights into the document (it holds the newer run's now: asked first).
  await rows.nth(1).click();
  await expect(app.getByTestId('runs-compare')).toHaveAttribute('data-count', '1');
  await app.getByTestId('runs-open-weights').click();
  await app.getByTestId('confirm-ok').click();
  await expect(app.getByTestId('toast').last()).toContainText('Took the weights');
  const weights = await app.evaluate(() => Object.keys(window.__spikewright?.store.getState().weights ?? {}).sort());
  expect(weights).toEqual(['w_in', 'w_out']);

  // Deleting asks first; Cancel keeps the run.
  await app.getByTestId('runs-delete').click();
  await app.getByTestId('confirm-dialog').getByRole('button', { name: 'Cancel' }).click();
  await expect(rows).toHaveCount(2);
  await app.getByTestId('runs-delete').click();
  await app.getByTestId('confirm-ok').click();
  await expect(rows).toHaveCount(1);
  expect(readdirSync(folder).filter((d) => existsSync(join(folder, d, 'run.json')))).toHaveLength(1);
});

test('a 3x2 sweep runs on the pool, survives a stop and resume, and shows its heatmap', async ({ app }) => {
  await tinyRandman(app, 1);
  const path = await saveFresh(app, 'sweep');
  await app.getByTestId('tab-sweeps').click();
  const axes = app.getByTestId('sweep-axis');
  await axes.nth(0).getByTestId('sweep-axis-param').selectOption('train.surrogateScale');
  await axes.nth(0).getByTestId('sweep-axis-values').fill('1,10,100');
  await axes.nth(1).getByTestId('sweep-axis-param').selectOption('train.learningRate');
  await axes.nth(1).getByTestId('sweep-axis-values').fill('1e-3,5e-3');
  await app.getByTestId('sweep-epochs').fill('1');
  await app.getByTestId('sweep-max-batches').fill('3');
  await app.getByTestId('sweep-max-eval-batches').fill('1');
  await expect(app.getByTestId('sweep-form-summary')).toContainText('6 runs');
  await app.getByTestId('sweep-start').click();

  const status = app.getByTestId('sweep-status');
  await expect(status).toHaveAttribute('data-active', 'true');
  // Progress with a time estimate once a configuration has finished.
  await expect(status).toContainText(/[1-5]\/6 done.* about .+ left/, { timeout: 90_000 });
  await app.getByTestId('sweep-stop').click();
  await expect(status).toHaveAttribute('data-active', 'false');
  // The table's rows are the configurations in order.
  const runsState = () =>
    app
      .getByTestId('sweep-row')
      .evaluateAll((rows) => rows.map((r, index) => ({ index, status: r.getAttribute('data-status') })));
  const atStop = await runsState();
  const doneAtStop = atStop.filter((c) => c.status === 'done').map((c) => c.index);
  expect(doneAtStop.length).toBeGreaterThan(0);
  expect(doneAtStop.length).toBeLessThan(6);
  const sweepsDir = join(path.replace(/\.snn\.json$/, '.runs'), 'sweeps');
  const [sweepId] = readdirSync(sweepsDir);
  const startedAt = (i: number) =>
    JSON.parse(readFileSync(join(sweepsDir, sweepId as string, 'runs', String(i).padStart(3, '0'), 'run.json'), 'utf8'))
      .startedAt as string;
  const before = doneAtStop.map(startedAt);

  await app.getByTestId('sweep-resume').click();
  await expect(status).toContainText('6/6 done', { timeout: 120_000 });
  await expect(status).toHaveAttribute('data-active', 'false');
  // The configurations finished before the stop were not run again.
  expect(doneAtStop.map(startedAt)).toEqual(before);
  await expect(app.getByTestId('sweep-row')).toHaveCount(6);

  const heatmap = app.getByTestId('sweep-heatmap');
  await expect(heatmap).toHaveAttribute('data-cells', '6');
  await expect(heatmap.locator('svg > text', { hasText: 'train.surrogateScale' })).toHaveCount(1);
  await expect(heatmap.locator('svg > text', { hasText: 'train.learningRate' })).toHaveCount(1);
  const download = app.waitForEvent('download');
  await app.getByTestId('heatmap-export-csv').click();
  const csv = readFileSync(await (await download).path(), 'utf8')
    .trim()
    .split('\n');
  expect(csv[0]).toBe('train.surrogateScale,train.learningRate,testAcc,runs');
  expect(csv).toHaveLength(7);
  const svgDownload = app.waitForEvent('download');
  await app.getByTestId('heatmap-export-svg').click();
  expect(readFileSync(await (await svgDownload).path(), 'utf8')).toContain('<svg');
});
