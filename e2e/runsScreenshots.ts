// Screenshots of the Runs and Sweeps panels at the sizes and themes we check by eye. Prepares
// once (two tiny Randman runs with different learning rates and a finished 3x2 sweep, beside a
// document saved in a scratch workspace), then opens that document in each size and theme.
// `npm run build:renderer && npx tsx e2e/runsScreenshots.ts [outDir]`.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { startAppServer, stopAppServer } from './fixtures';
import { EditorPage } from './pages/EditorPage';

const sizes = [
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
];
const themes = ['light', 'dark'] as const;

async function waitFor(page: Page, test: () => boolean, timeout = 180_000) {
  await page.waitForFunction(test, null, { timeout, polling: 250 });
}

async function prepare(page: Page, docPath: string) {
  await page.evaluate(() => {
    const s = window.__spikewright?.store.getState();
    if (!s) throw new Error('no store');
    s.setNodeParam('data', 'samplesPerClass', 20);
    s.setNodeParam('data', 'timeSteps', 50);
    s.setNodeParam('train', 'batchSize', 32);
    s.setNodeParam('train', 'epochs', 4);
  });
  await new EditorPage(page).saveAs(docPath);
  for (const lr of [0.002, 0.01]) {
    await page.evaluate((v) => window.__spikewright?.store.getState().setNodeParam('train', 'learningRate', v), lr);
    await page.getByTestId('train').click();
    await waitFor(page, () => window.__spikewright?.store.getState().training.status === 'done');
  }
  await page.getByTestId('tab-sweeps').click();
  const axes = page.getByTestId('sweep-axis');
  await axes.nth(0).getByTestId('sweep-axis-values').fill('0.1,1,10,100');
  await axes.nth(1).getByTestId('sweep-axis-values').fill('1e-3,1e-2,1e-1');
  await page.getByTestId('sweep-epochs').fill('4');
  await page.getByTestId('sweep-start').click();
  await page.getByTestId('sweep-status').filter({ hasText: '12/12 done' }).waitFor({ timeout: 400_000 });
  // Saved, so no recovery offer greets the screenshots.
  await page.getByTestId('cmd-file.save').click();
  await new EditorPage(page).dirtyMarker().waitFor({ state: 'hidden' });
  await page.waitForTimeout(1500);
}

async function main() {
  const outDir = process.argv[2] ?? '/tmp/shots/runs';
  mkdirSync(outDir, { recursive: true });
  const workspace = mkdtempSync(join(tmpdir(), 'spikewright-shots-'));
  const docPath = join(workspace, 'randman-tiny.snn.json');
  const server = await startAppServer({}, workspace);
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  try {
    {
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      const page = await context.newPage();
      await page.goto(server.url);
      await page.locator('.react-flow__node').first().waitFor();
      await prepare(page, docPath);
      await context.close();
    }
    for (const theme of themes)
      for (const size of sizes) {
        const context = await browser.newContext({ viewport: size, colorScheme: theme });
        const page = await context.newPage();
        await page.addInitScript((t) => localStorage.setItem('spikewright.theme', t), theme);
        await page.goto(server.url);
        await page.locator('.react-flow__node').first().waitFor();
        await new EditorPage(page).openPath(docPath);
        await page.getByTestId('tab-runs').click();
        const rows = page.getByTestId('run-row');
        await rows.nth(0).waitFor();
        const single = page.locator('[data-testid="run-row"]:not(:has-text("#"))');
        await single.nth(0).getByTestId('run-select').check();
        await single.nth(1).getByTestId('run-select').check();
        await page.getByTestId('runs-diff').waitFor();
        await page.waitForTimeout(600);
        const shot = async (name: string) => {
          const file = join(outDir, `${name}-${size.width}x${size.height}-${theme}.png`);
          await page.screenshot({ path: file });
          console.log(file);
        };
        await shot('runs');
        await page.getByTestId('maximize-bottom').click();
        await page.waitForTimeout(500);
        await shot('runs-max');
        await page.getByTestId('tab-sweeps').click();
        await page.getByTestId('sweep-heatmap').waitFor();
        await page.waitForTimeout(500);
        await shot('sweeps-max');
        await page.getByTestId('maximize-bottom').click();
        await page.waitForTimeout(500);
        await shot('sweeps');
        await context.close();
      }
  } finally {
    await browser.close();
    await stopAppServer(server);
  }
}

void main();
