// Frame time of the app while it trains the Fashion-MNIST example with the full training view
// open (maximized, every plot live), in Chromium with software rendering (--disable-gpu).
// Measured as the deltas between successive requestAnimationFrame callbacks in the page over
// a window of training, after the first batches (compiling excluded); the reference is the
// same page, same view, while no run is going (what the browser gives an idle page here).
// Target (issue 15): p95 <= 20 ms.
//   npx tsx bench/training-view-frames.ts [--seconds S] [--runs R]
// Needs a built renderer (npm run build:renderer) and /usr/bin/chromium.
import { readFileSync } from 'node:fs';
import { chromium, type Page } from '@playwright/test';
import { startAppServer, stopAppServer } from '../e2e/fixtures';
import { arg, median } from './common';

const SECONDS = Number(arg('seconds', '12'));
const RUNS = Number(arg('runs', '3'));
const EXAMPLE = 'examples/fashion-mnist.snn.json';

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? NaN;

/** rAF deltas (ms) over `seconds`. */
async function frameDeltas(page: Page, seconds: number): Promise<number[]> {
  // A string, not a function: tsx's name-keeping helper does not exist in the page.
  return page.evaluate(`new Promise((resolve) => {
    const deltas = [];
    let last = 0;
    const end = performance.now() + ${seconds * 1000};
    const tick = (now) => {
      deltas.push(now - last);
      last = now;
      if (now < end) requestAnimationFrame(tick);
      else resolve(deltas);
    };
    requestAnimationFrame((now) => {
      last = now;
      requestAnimationFrame(tick);
    });
  })`) as Promise<number[]>;
}

async function main() {
  const server = await startAppServer();
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  await page.goto(server.url);
  await page.waitForSelector('.react-flow__node');
  const text = readFileSync(EXAMPLE, 'utf8');
  await page.evaluate((t) => window.__spikewright?.store.getState().openText(t, null, 'fashion-mnist.snn.json'), text);
  await page.getByTestId('maximize-bottom').click();
  await page.waitForTimeout(500);

  const idle: number[] = [];
  const training: number[] = [];
  const rows: string[] = [];
  for (let run = 0; run < RUNS; run++) {
    const rest = await frameDeltas(page, 4);
    await page.evaluate(() => window.__spikewright?.store.getState().startTraining());
    // After compiling and the first live snapshot: every plot is drawing.
    await page.waitForFunction(
      () => {
        const t = window.__spikewright?.store.getState().training;
        return (t?.batchX.length ?? 0) >= 3 && (t?.activityFrames ?? 0) >= 1;
      },
      null,
      { timeout: 180_000 },
    );
    const live = await frameDeltas(page, SECONDS);
    const state = await page.evaluate(() => {
      const t = window.__spikewright?.store.getState().training;
      return { batches: t?.batchX.length ?? 0, frames: t?.activityFrames ?? 0 };
    });
    await page.evaluate(() => window.__spikewright?.store.getState().stopTraining());
    await page.waitForFunction(() => window.__spikewright?.store.getState().training.status !== 'running', null, {
      timeout: 120_000,
    });
    idle.push(pct(rest, 0.95));
    training.push(pct(live, 0.95));
    rows.push(
      `run ${run + 1}: training p50 ${pct(live, 0.5).toFixed(1)} ms, p95 ${pct(live, 0.95).toFixed(1)} ms, max ${Math.max(...live).toFixed(0)} ms over ${live.length} frames (${state.batches} batches, ${state.frames} snapshots); idle p95 ${pct(rest, 0.95).toFixed(1)} ms`,
    );
    console.log(rows[rows.length - 1]);
  }
  await browser.close();
  await stopAppServer(server);
  console.log(
    JSON.stringify({
      method: 'requestAnimationFrame deltas, Chromium --disable-gpu, 1920x1080, training view maximized',
      seconds: SECONDS,
      runs: RUNS,
      training_p95_ms: Number(median(training).toFixed(1)),
      idle_p95_ms: Number(median(idle).toFixed(1)),
      ratio: Number((median(training) / median(idle)).toFixed(2)),
      target_p95_ms: 20,
    }),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
