import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

async function runCommand(page: Page, label: string) {
  await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('ControlOrMeta+Shift+KeyP'); // the command palette (F1 is the guide)
  await page.getByTestId('command-palette-input').fill(label);
  await page.keyboard.press('Enter');
}

/** Gives every connection small deterministic weights, as a trained document would have. */
async function giveWeights(page: Page) {
  await page.evaluate(() => {
    const store = window.__spikewright?.store;
    if (!store) return;
    const { graph } = store.getState();
    const size = (id: string) => {
      const node = graph.nodes.find((n) => n.id === id);
      if (!node) return 0;
      if (node.kind === 'dataset') return node.params.inputs;
      return node.kind === 'lif' || node.kind === 'readout' ? node.params.size : 0;
    };
    const weights: Record<string, { shape: number[]; dtype: 'float32'; data: string }> = {};
    for (const edge of graph.edges) {
      if (edge.kind !== 'connection') continue;
      const shape = [size(edge.source), size(edge.target)];
      const values = new Float32Array((shape[0] ?? 0) * (shape[1] ?? 0)).map((_, i) => ((i % 7) - 3) / 10);
      const bytes = new Uint8Array(values.buffer);
      let binary = '';
      for (const b of bytes) binary += String.fromCharCode(b);
      weights[edge.id] = { shape, dtype: 'float32', data: btoa(binary) };
    }
    store.setState({ weights });
  });
}

test('NIR export names what is missing, exports a trained network, and imports it back', async ({ app }) => {
  await runCommand(app, 'Export NIR');
  await expect(app.getByTestId('toast').last()).toContainText(/weights/i);

  await giveWeights(app);
  const downloading = app.waitForEvent('download');
  await runCommand(app, 'Export NIR');
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/\.nir$/);
  const path = await download.path();
  const bytes = readFileSync(path);
  expect(bytes.subarray(0, 8).toString('latin1')).toBe('\x89HDF\r\n\x1a\n');

  await app.evaluate(() => window.__spikewright?.store.getState().markSaved(null, 'randman.snn.json'));
  const choosing = app.waitForEvent('filechooser');
  await runCommand(app, 'Import NIR');
  await (await choosing).setFiles(path);
  await expect(app.getByTestId('file-name')).toContainText('randman');
  const imported = await app.evaluate(() => {
    const s = window.__spikewright?.store.getState();
    return {
      kinds: s?.graph.nodes.map((n) => n.kind).sort(),
      weights: Object.keys(s?.weights ?? {}).sort(),
    };
  });
  expect(imported.kinds).toEqual(expect.arrayContaining(['dataset', 'lif', 'readout', 'loss', 'training']));
  expect(imported.weights).toEqual(['w_in', 'w_out']);
});

test('the canvas exports as SVG and PNG', async ({ app }) => {
  const svgDownload = app.waitForEvent('download');
  await runCommand(app, 'Export canvas as SVG');
  const svg = readFileSync(await (await svgDownload).path(), 'utf8');
  expect(svg).toContain('<svg');
  expect(svg).toContain('hidden');
  expect(svg).toContain('2,560 weights');

  const pngDownload = app.waitForEvent('download');
  await runCommand(app, 'Export canvas as PNG');
  const png = readFileSync(await (await pngDownload).path());
  expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  expect(png.length).toBeGreaterThan(10_000);
});
