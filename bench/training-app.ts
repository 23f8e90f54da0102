// Live training in the app versus the CLI, in one run on the same graph (the Fashion-MNIST
// example): samples per second over the same window of batches, with the app's live plots
// drawing in Chromium. Also the spike raster's draw time for 100,000 spikes in the browser.
//   npx tsx bench/training-app.ts [--batches N] [--runs R]
// Needs a built renderer (npm run build:renderer) and /usr/bin/chromium.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chromium } from '@playwright/test';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const WARMUP = 3;
const BATCHES = flag('batches', 20);
const RUNS = flag('runs', 3);
const EXAMPLE = 'examples/fashion-mnist.snn.json';
const BATCH_SIZE = 256;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** CLI: wall time between the WARMUP-th and the (WARMUP+BATCHES)-th batch line. */
async function cliSamplesPerSecond(): Promise<number> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'main/cli/index.ts',
      'train',
      EXAMPLE,
      '--json',
      '--epochs',
      '1',
      '--max-batches',
      String(WARMUP + BATCHES),
      '--max-eval-batches',
      '1',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const times: number[] = [];
  let buffer = '';
  child.stdout.on('data', (chunk) => {
    buffer += chunk;
    let nl = buffer.indexOf('\n');
    while (nl >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (line.includes('"batch"')) times.push(performance.now());
      nl = buffer.indexOf('\n');
    }
  });
  await new Promise((resolve) => child.on('exit', resolve));
  const a = times[WARMUP - 1];
  const b = times[WARMUP + BATCHES - 1];
  if (a === undefined || b === undefined) throw new Error(`the CLI printed ${times.length} batch lines`);
  return (BATCHES * BATCH_SIZE * 1000) / (b - a);
}

async function startServer(): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'main/server/cli.ts'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d) => {
      const m = /Open (\S+)/.exec(String(d));
      if (m?.[1]) resolve(m[1]);
    });
    child.on('exit', () => reject(new Error('web mode exited')));
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

async function main() {
  const server = await startServer();
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
  const page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
  await page.goto(server.url);
  await page.waitForSelector('.react-flow__node');
  const text = readFileSync(EXAMPLE, 'utf8');

  const app: number[] = [];
  const cli: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    cli.push(await cliSamplesPerSecond());
    await page.evaluate(
      (t) => window.__spikewright?.store.getState().openText(t, null, 'fashion-mnist.snn.json'),
      text,
    );
    await page.evaluate(() => window.__spikewright?.store.getState().startTraining());
    const batches = () => page.evaluate(() => window.__spikewright?.store.getState().training.batchX.length ?? 0);
    while ((await batches()) < WARMUP) await page.waitForTimeout(20);
    const t0 = performance.now();
    const n0 = await batches();
    while ((await batches()) < n0 + BATCHES) await page.waitForTimeout(20);
    const t1 = performance.now();
    const n1 = await batches();
    app.push(((n1 - n0) * BATCH_SIZE * 1000) / (t1 - t0));
    await page.evaluate(() => window.__spikewright?.store.getState().stopTraining());
    await page.waitForFunction(() => window.__spikewright?.store.getState().training.status !== 'running', null, {
      timeout: 120_000,
    });
    console.log(`run ${run + 1}: CLI ${cli[run]?.toFixed(0)} samples/s, app ${app[run]?.toFixed(0)} samples/s`);
  }

  // The raster in the page: 100,000 spikes drawn into the panel's canvas size.
  const raster = await page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('[data-testid=plot-raster]');
    const w = canvas?.width || 400;
    const h = canvas?.height || 200;
    const ctx = (canvas ?? document.createElement('canvas')).getContext('2d');
    if (!ctx) return null;
    const events = new Int32Array(300_000);
    for (let i = 0; i < 100_000; i++) {
      events[i * 3] = i % 4;
      events[i * 3 + 1] = (i * 13) % 100;
      events[i * 3 + 2] = (i * 7) % 100;
    }
    const times: number[] = [];
    for (let r = 0; r < 15; r++) {
      const t0 = performance.now();
      const image = ctx.createImageData(w, h);
      const pixels = new Uint32Array(image.data.buffer);
      pixels.fill(0xffffffff);
      // Same loop as renderer/src/training/raster.ts (not importable from the built bundle).
      const panel = (w - 6) / 4;
      const xs = panel / 100;
      const ys = h / 100;
      for (let k = 0; k < events.length; k += 3) {
        const x = Math.floor((events[k] as number) * (panel + 2) + (events[k + 1] as number) * xs);
        const y = Math.floor(h - ((events[k + 2] as number) + 1) * ys);
        if (x >= 0 && x < w && y >= 0 && y < h) pixels[y * w + x] = 0xffca3843;
      }
      ctx.putImageData(image, 0, 0);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    return { ms: times[7], width: w, height: h };
  });

  await browser.close();
  server.stop();
  const cliMedian = median(cli);
  const appMedian = median(app);
  console.log(
    JSON.stringify({
      batches: BATCHES,
      runs: RUNS,
      cli_samples_per_s: Math.round(cliMedian),
      app_samples_per_s: Math.round(appMedian),
      app_over_cli: Number((appMedian / cliMedian).toFixed(3)),
      raster_100k_ms: raster?.ms,
      raster_size: raster ? `${raster.width}x${raster.height}` : null,
    }),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
