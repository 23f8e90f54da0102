// The newer model parts in the editor: draw an adaptive LIF network with a learnable delayed
// connection (fields shown by model and mode, labels, bounds), save and reopen it; train an
// adLIF network with learnable delays briefly and see the trained delays as a histogram, kept
// through save and reopen, with the per-neuron time constants and adaptation it trained.
import { readFileSync } from 'node:fs';
import { expect, test } from './fixtures';
import { EditorPage } from './pages/EditorPage';

/** Dataset (small Randman), a population from `entry`, readout, loss, training; the input connection with learnable delays. */
async function drawNetwork(editor: EditorPage, entry: 'lif' | 'adlif') {
  const { canvas, palette, inspector } = editor;
  await editor.newDocument();
  const data = await canvas.dropFromPalette(palette, 'dataset', 110, 330);
  await inspector.type('samplesPerClass', '40');
  await inspector.type('timeSteps', '40');
  const hidden = await canvas.dropFromPalette(palette, entry, 360, 330);
  expect(await editor.state<string>('graph.nodes.at(-1).kind')).toBe('lif');
  await inspector.type('size', '24');
  const readout = await canvas.dropFromPalette(palette, 'readout', 610, 330);
  const loss = await canvas.dropFromPalette(palette, 'loss', 840, 330);
  await canvas.dropFromPalette(palette, 'training', 110, 120);
  await inspector.type('epochs', '2');
  await inspector.type('batchSize', '32');
  await inspector.type('learningRate', '0.005');
  await canvas.connect(data, hidden);
  await canvas.connect(hidden, readout);
  await canvas.connect(readout, loss);
  await canvas.connect(data, loss);
  await expect(canvas.edges()).toHaveCount(4);

  // The input connection (20 x 24 = 480 weights) gets learnable delays; its label says so.
  const inputEdge = await editor.state<string>('graph.edges.at(0).id');
  const inputLabel = canvas.root.locator('.snn-edge-label', { hasText: '480 w' });
  await inputLabel.click();
  expect(await editor.state<string[]>('selectedEdgeIds')).toEqual([inputEdge]);
  await expect(inspector.group('delay')).toBeVisible();
  await expect(inspector.field('delaySteps')).toHaveCount(0);
  await inspector.choose('delay', 'learnable');
  await expect(inspector.field('maxDelay')).toBeVisible();
  await inspector.type('maxDelay', '6');
  await expect(canvas.root.locator('.snn-edge-label', { hasText: 'd≤6 learnable' })).toBeVisible();
  return { hidden, inputEdge, inputLabel };
}

async function saveAndReopen(editor: EditorPage, name: string) {
  const path = test.info().outputPath(name);
  await editor.saveAs(path);
  const saved = await editor.document();
  const parts = await editor.page.evaluate(() => JSON.stringify(window.__spikewright?.store.getState().trained));
  await editor.newDocument();
  await editor.openPath(path);
  expect(await editor.document()).toEqual(saved);
  expect(await editor.page.evaluate(() => JSON.stringify(window.__spikewright?.store.getState().trained))).toBe(parts);
  await expect(editor.dirtyMarker()).toBeHidden();
  return JSON.parse(readFileSync(path, 'utf8'));
}

test('draws an adLIF network with a learnable delayed connection; save and reopen keep its fields', async ({ app }) => {
  const editor = new EditorPage(app);
  const { canvas, inspector } = editor;
  const { hidden, inputEdge } = await drawNetwork(editor, 'adlif');

  // The Adaptive LIF entry: a LIF node with neuron 'adlif', its adaptation fields shown.
  await canvas.node(hidden).click();
  await expect(inspector.field('neuron')).toHaveValue('adlif');
  await expect(inspector.group('adaptation')).toContainText('Adaptation time constant');
  await inspector.check('learnTauMem');
  await inspector.check('learnAdaptation');
  await inspector.choose('tauInit', 'uniform');
  await expect(inspector.field('tauSpread')).toBeVisible();
  // A bound's message, inline and in the problems list.
  await inspector.type('adaptA', '3');
  await expect(inspector.root).toContainText('must be at most');
  await inspector.type('adaptA', '0.5');
  // Learnable and heterogeneous per-neuron parameters are trainable: no problem on their fields.
  await expect(inspector.errors()).toHaveCount(0);
  await expect(canvas.node(hidden)).toContainText('24 adLIF (SE) neurons');
  await expect(canvas.node(hidden)).toContainText('τ₀ uniform ±0.5');
  await expect(canvas.node(hidden).getByTestId('node-learning')).toContainText('learns τmem, adaptation');
  await inspector.choose('adaptation', 'forward-euler');
  await expect(canvas.node(hidden)).toContainText('24 adLIF (FE) neurons');
  // Back to LIF hides the adaptation group (and what it learns there); adLIF again shows it.
  await inspector.choose('neuron', 'lif');
  await expect(inspector.group('adaptation')).toHaveCount(0);
  await expect(canvas.node(hidden).getByTestId('node-learning')).toHaveText('learns τmem');
  await inspector.choose('neuron', 'adlif');
  await expect(inspector.group('adaptation')).toBeVisible();
  await expect(editor.problems.root).toContainText('No problems');

  const onDisk = await saveAndReopen(editor, 'adlif-delays.snn.json');
  const node = onDisk.graph.nodes.find((n: { id: string }) => n.id === hidden);
  expect(node.params).toMatchObject({
    neuron: 'adlif',
    adaptation: 'forward-euler',
    learnTauMem: true,
    learnAdaptation: true,
    tauInit: 'uniform',
  });
  const edge = onDisk.graph.edges.find((e: { id: string }) => e.id === inputEdge);
  expect(edge.params).toMatchObject({ delay: 'learnable', maxDelay: 6 });
  await expect(canvas.root.locator('.snn-edge-label', { hasText: 'd≤6 learnable' })).toBeVisible();
  await canvas.node(hidden).click();
  await expect(inspector.field('neuron')).toHaveValue('adlif');
  await expect(inspector.group('adaptation')).toBeVisible();

  // The canvas menu's "Add here" offers the Adaptive LIF entry as the palette does.
  const before = await canvas.nodes().count();
  await canvas.root.locator('.react-flow__pane').click({ button: 'right', position: { x: 700, y: 120 } });
  await editor.page.getByTestId('context-menu').locator('[data-entry="adlif"]').click();
  await expect(canvas.nodes()).toHaveCount(before + 1);
  expect(await editor.state<string>('graph.nodes.at(-1).params.neuron')).toBe('adlif');
});

test('trains an adLIF network with learnable delays and per-neuron time constants and adaptation briefly, shows their histograms and keeps them through save and reopen', async ({
  app,
}) => {
  const editor = new EditorPage(app);
  const { canvas, inspector } = editor;
  const { hidden, inputEdge, inputLabel } = await drawNetwork(editor, 'adlif');
  await canvas.node(hidden).click();
  await inspector.check('learnTauMem');
  await inspector.check('learnAdaptation');
  await inspector.choose('tauInit', 'gamma');
  await expect(editor.problems.root).toContainText('No problems');

  await app.getByTestId('train').click();
  await expect
    .poll(async () => (await editor.state<{ status: string }>('training')).status, { timeout: 110_000 })
    .toMatch(/done|failed/);
  const ended = await editor.state<{ status: string; error?: string }>('training');
  expect(ended.error ?? '').toBe('');
  expect(ended.status).toBe('done');
  expect(Object.keys((await editor.state<Record<string, unknown>>('trained.delays')) ?? {})).toEqual([inputEdge]);

  await inputLabel.click();
  await expect(inspector.root.getByTestId('trained-delays')).toBeVisible();
  await expect(inspector.root.getByTestId('histogram-delay')).toContainText('480 values');

  // The population's trained per-neuron values, one histogram per parameter.
  expect(
    Object.keys((await editor.state<Record<string, object>>('trained.neuronParams'))?.[hidden] ?? {}).sort(),
  ).toEqual(['adaptA', 'adaptB', 'tauAdapt', 'tauMem', 'tauSyn', 'threshold']);
  await canvas.node(hidden).click();
  await expect(inspector.root.getByTestId('trained-neuronParams')).toBeVisible();
  await expect(inspector.root.getByTestId('histogram-tauMem')).toContainText('24 values');

  const onDisk = await saveAndReopen(editor, 'delays.snn.json');
  expect(onDisk.delays[inputEdge].shape).toEqual([20, 24]);
  expect(onDisk.neuronParams[hidden].tauMem.shape).toEqual([24]);
  await inputLabel.click();
  await expect(inspector.root.getByTestId('histogram-delay')).toContainText('480 values');
  await canvas.node(hidden).click();
  await expect(inspector.root.getByTestId('histogram-tauAdapt')).toContainText('24 values');
});
