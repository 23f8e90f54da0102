// Editor canvas benchmark: a generated 500-node network, opened in web mode in Chromium.
// Measures the time from openText to every node drawn and measured, and the frame rate while
// Playwright pans (drag) and zooms (wheel) the canvas. Prints the median of several runs.
// Run: npx vite build && npx tsx bench/editor-canvas.ts [--runs 5] [--nodes 500] [--no-minimap]
import { chromium, type Page } from '@playwright/test';
import { startAppServer, stopAppServer } from '../e2e/fixtures';
import { newSnnFile, type Position, serializeSnnFile } from '../shared/file/snnFile';
import { type GraphEdge, type GraphNode, newConnection, newNode } from '../shared/graph/document';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** A layered network: a dataset, columns of LIF populations (every fifth recurrent), a readout, loss, training. */
export function generateNetwork(total: number): string {
  const lifs = total - 4;
  const rows = Math.ceil(Math.sqrt(lifs / 2));
  const cols = Math.ceil(lifs / rows);
  const nodes: GraphNode[] = [newNode('dataset', 'data', 'data', { dataset: 'fashion-mnist' }) as GraphNode];
  const edges: GraphEdge[] = [];
  const positions: Record<string, Position> = { data: { x: 0, y: (rows * 160) / 2 } };
  for (let i = 0; i < lifs; i++) {
    const c = Math.floor(i / rows);
    const r = i % rows;
    const id = `lif_${c}_${r}`;
    nodes.push(newNode('lif', id, id, { size: 32 + ((i * 7) % 97) }) as GraphNode);
    positions[id] = { x: 280 + c * 280, y: r * 160 };
    const source = c === 0 ? 'data' : `lif_${c - 1}_${r}`;
    edges.push(newConnection(`w_${id}`, source, id));
    if (i % 5 === 0) edges.push(newConnection(`rec_${id}`, id, id, { scale: 0.2 }));
  }
  const lastX = 280 + cols * 280;
  nodes.push(newNode('readout', 'out', 'out') as GraphNode);
  nodes.push(newNode('loss', 'loss', 'loss') as GraphNode);
  nodes.push(newNode('training', 'train', 'train') as GraphNode);
  positions.out = { x: lastX, y: (rows * 160) / 2 };
  positions.loss = { x: lastX + 280, y: (rows * 160) / 2 };
  positions.train = { x: 0, y: -200 };
  const lastCol = Math.floor((lifs - 1) / rows);
  for (let r = 0; r < rows; r++) {
    const id = `lif_${lastCol}_${r}`;
    if (nodes.some((n) => n.id === id)) edges.push(newConnection(`w_out_${r}`, id, 'out'));
  }
  edges.push({ id: 's_scores', kind: 'signal', source: 'out', target: 'loss' });
  edges.push({ id: 's_labels', kind: 'signal', source: 'data', target: 'loss' });
  const file = newSnnFile({ nodes, edges }, { positions }, { name: `Benchmark ${total}`, description: '' }, '0.1.0');
  return serializeSnnFile(file);
}

/** Milliseconds from openText until every node is in the DOM and measured (visible). */
async function timeOpen(page: Page, text: string, count: number): Promise<number> {
  return page.evaluate(
    ({ text, count }) =>
      new Promise<number>((resolve, reject) => {
        const store = window.__spikewright?.store;
        if (!store) return reject(new Error('no store hook'));
        const t0 = performance.now();
        const error = store.getState().openText(text, null, 'bench.snn.json');
        if (error) return reject(new Error(error));
        const check = () => {
          const els = document.querySelectorAll<HTMLElement>('.react-flow__node');
          let shown = 0;
          for (const el of els) if (el.style.visibility !== 'hidden') shown++;
          if (shown >= count) resolve(performance.now() - t0);
          else if (performance.now() - t0 > 30000) reject(new Error(`only ${shown} of ${count} nodes drawn`));
          else requestAnimationFrame(check);
        };
        requestAnimationFrame(check);
      }),
    { text, count },
  );
}

/** Frames per second while the mouse pans and zooms the canvas for about `ms`. */
async function measureFps(page: Page, ms: number): Promise<number> {
  await page.evaluate(() => {
    const w = window as unknown as { __frames: number; __counting: boolean };
    w.__frames = 0;
    w.__counting = true;
    const tick = () => {
      if (!w.__counting) return;
      w.__frames++;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  const box = await page.getByTestId('canvas').boundingBox();
  if (!box) throw new Error('no canvas');
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  const start = Date.now();
  let step = 0;
  while (Date.now() - start < ms) {
    // Zoom in and out around the centre, then drag the pane across and back.
    await page.mouse.move(cx, cy);
    for (let i = 0; i < 6; i++) {
      await page.mouse.wheel(0, step % 2 ? 120 : -120);
      await page.waitForTimeout(16);
    }
    await page.mouse.move(cx - 150, cy - 100);
    await page.mouse.down();
    await page.mouse.move(cx + 150, cy + 100, { steps: 20 });
    await page.mouse.move(cx - 150, cy - 100, { steps: 20 });
    await page.mouse.up();
    step++;
  }
  const frames = await page.evaluate(() => {
    const w = window as unknown as { __frames: number; __counting: boolean };
    w.__counting = false;
    return w.__frames;
  });
  return frames / ((Date.now() - start) / 1000);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

async function main() {
  const runs = arg('runs', 5);
  const total = arg('nodes', 500);
  const text = generateNetwork(total);
  const server = await startAppServer();
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  const opens: number[] = [];
  const fps: number[] = [];
  try {
    for (let run = 0; run < runs; run++) {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      // tsx names functions with an __name helper the page does not have.
      await page.addInitScript('window.__name = (f) => f');
      await page.goto(server.url);
      await page.locator('.react-flow__node').first().waitFor();
      await page.waitForTimeout(300);
      if (process.argv.includes('--no-minimap'))
        await page.evaluate(() => window.__spikewright?.store.getState().toggleMinimap());
      const open = await timeOpen(page, text, total);
      await page.waitForTimeout(500);
      const rate = await measureFps(page, 4000);
      opens.push(open);
      fps.push(rate);
      console.log(`run ${run + 1}: open ${open.toFixed(0)} ms, ${rate.toFixed(1)} fps while panning/zooming`);
      await page.close();
    }
  } finally {
    await browser.close();
    await stopAppServer(server);
  }
  console.log(
    `${total} nodes, median of ${runs}: open ${median(opens).toFixed(0)} ms (target < 1000), ${median(fps).toFixed(1)} fps (target >= 50)`,
  );
}

if (process.argv[1]?.endsWith('editor-canvas.ts')) await main();
