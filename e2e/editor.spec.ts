// The editor end to end: draw the Fashion-MNIST network from an empty canvas with the mouse,
// set it up in the inspector, break and fix it, undo and redo, save, reopen, compare.
import { writeFileSync } from 'node:fs';
import { expect, target, test } from './fixtures';
import { EditorPage } from './pages/EditorPage';

test('builds, validates, undoes, saves and reopens the Fashion-MNIST network', async ({ app }) => {
  const editor = new EditorPage(app);
  const { canvas, palette, inspector, problems } = editor;
  await editor.newDocument();
  await expect(editor.fileName()).toHaveText('Untitled.snn.json');
  await expect(editor.dirtyMarker()).toBeHidden();

  // Nodes, dragged from the palette; each new node is selected and shown in the inspector.
  const data = await canvas.dropFromPalette(palette, 'dataset', 110, 330);
  await inspector.choose('dataset', 'fashion-mnist');
  await inspector.type('name', 'fashion-mnist');
  const hidden = await canvas.dropFromPalette(palette, 'lif', 330, 330);
  await inspector.type('size', '100');
  await inspector.type('tauMem', '10');
  await inspector.type('tauSyn', '5');
  const readout = await canvas.dropFromPalette(palette, 'readout', 550, 330);
  const loss = await canvas.dropFromPalette(palette, 'loss', 770, 330);
  await inspector.choose('loss', 'max-over-time');
  const training = await canvas.dropFromPalette(palette, 'training', 110, 130);
  await inspector.type('learningRate', '2e-4');
  await inspector.type('batchSize', '256');
  await inspector.type('epochs', '30');
  await inspector.choose('validationSplit', 'test');
  await expect(editor.dirtyMarker()).toBeVisible();
  await expect(problems.item(/receives no input/).first()).toBeVisible();

  // Edges, dragged between handles; their kind follows from the target.
  await canvas.connect(data, hidden);
  await canvas.connect(hidden, readout);
  await canvas.connect(readout, loss);
  await canvas.connect(data, loss);
  await expect(canvas.edges()).toHaveCount(4);
  const edges = await editor.state<{ kind: string; source: string; target: string }[]>('graph.edges');
  expect(edges.map((e) => `${e.kind}:${e.source}->${e.target}`)).toEqual([
    `connection:${data}->${hidden}`,
    `connection:${hidden}->${readout}`,
    `signal:${readout}->${loss}`,
    `signal:${data}->${loss}`,
  ]);
  await expect(canvas.root.locator('.snn-edge-label', { hasText: '78.4k w' })).toBeVisible();
  await expect(problems.root).toContainText('No problems');

  // A validation error: 5 outputs for 10 classes, shown on the node, in the list and inline.
  await canvas.node(readout).click();
  await inspector.type('size', '5');
  const sizeProblem = problems.item('has 5 outputs but the dataset has 10 classes');
  await expect(sizeProblem).toBeVisible();
  await expect(canvas.node(readout).getByTestId('node-problem-badge')).toBeVisible();
  await expect(inspector.root).toContainText('has 5 outputs but the dataset has 10 classes');
  await canvas.clickEmpty();
  await sizeProblem.click();
  expect(await editor.state<string[]>('selectedNodeIds')).toEqual([readout]);
  await inspector.type('size', '10');
  await expect(problems.root).toContainText('No problems');
  await expect(canvas.node(readout).getByTestId('node-problem-badge')).toBeHidden();

  // Undo and redo: typing "10" in one field, then leaving it, was one entry.
  await canvas.clickEmpty();
  const readoutSize = 'graph.nodes.at(2).params.size';
  await app.keyboard.press('ControlOrMeta+KeyZ');
  expect(await editor.state<number>(readoutSize)).toBe(5);
  await expect(sizeProblem).toBeVisible();
  await app.keyboard.press('ControlOrMeta+Shift+KeyZ');
  expect(await editor.state<number>(readoutSize)).toBe(10);
  await app.keyboard.press('ControlOrMeta+KeyZ');
  await app.keyboard.press('Control+KeyY');
  expect(await editor.state<number>(readoutSize)).toBe(10);
  await expect(problems.root).toContainText('No problems');

  // Bounds errors show inline and in the problems list; text that is no number shows an
  // error in place and leaves the document with the last number typed.
  await canvas.node(hidden).click();
  await inspector.type('tauMem', '0');
  await expect(inspector.root).toContainText('Membrane time constant must be greater than 0 ms');
  await expect(problems.item(/Membrane time constant must be greater than 0/)).toBeVisible();
  await inspector.type('tauMem', '1x');
  await expect(inspector.root).toContainText('must be a number');
  await expect(inspector.field('tauMem')).toHaveValue('1x');
  expect(await editor.state<number>('graph.nodes.at(1).params.tauMem')).toBe(1);
  await inspector.type('tauMem', '10');
  await expect(problems.root).toContainText('No problems');
  await canvas.clickEmpty();

  // A drag is one history entry, however far it goes.
  await editor.command('view.fit').click();
  await app.waitForTimeout(400); // the fit animates
  const entries = await editor.state<number>('history.past.length');
  const box = await canvas.node(training).boundingBox();
  if (!box) throw new Error('training node not visible');
  await app.mouse.move(box.x + 60, box.y + 20);
  await app.mouse.down();
  await app.mouse.move(box.x + 120, box.y + 40, { steps: 10 });
  await app.mouse.move(box.x + 200, box.y + 10, { steps: 10 });
  await app.mouse.up();
  expect(await editor.state<number>('history.past.length')).toBe(entries + 1);
  await app.keyboard.press('ControlOrMeta+KeyZ');
  expect(await editor.state<number>('history.past.length')).toBe(entries);

  // Save (no path yet, so Save asks for one), then reopen and compare.
  const path = test.info().outputPath('fashion-mnist.snn.json');
  await app.keyboard.press('ControlOrMeta+KeyS');
  const dialog = app.getByTestId('save-as-dialog');
  await dialog.getByTestId('save-path').fill(path);
  await dialog.getByTestId('save-submit').click();
  await expect(editor.fileName()).toHaveText('fashion-mnist.snn.json');
  await expect(editor.dirtyMarker()).toBeHidden();
  const saved = await editor.document();

  await editor.newDocument();
  await editor.openPath(path);
  await expect(canvas.nodes()).toHaveCount(5);
  await expect(editor.fileName()).toHaveText('fashion-mnist.snn.json');
  expect(await editor.document()).toEqual(saved);
  await expect(editor.dirtyMarker()).toBeHidden();
});

test('an invalid connection is refused and the reason shown at the pointer', async ({ app }) => {
  const editor = new EditorPage(app);
  const { canvas, palette } = editor;
  await editor.newDocument();
  const hidden = await canvas.dropFromPalette(palette, 'lif', 200, 300);
  const readout = await canvas.dropFromPalette(palette, 'readout', 500, 300);
  await canvas.dragBetween(canvas.outputHandle(readout), canvas.inputHandle(hidden), { release: false });
  await expect(app.getByTestId('connection-reason')).toContainText('analog');
  await app.mouse.up();
  await expect(editor.toast()).toContainText('readout emits analog membrane potentials');
  expect(await editor.state<number>('graph.edges.length')).toBe(0);
  // The valid direction works, and a second identical edge is refused.
  await canvas.connect(hidden, readout);
  expect(await editor.state<number>('graph.edges.length')).toBe(1);
  await canvas.connect(hidden, readout);
  await expect(editor.toast().last()).toContainText('already connected');
  expect(await editor.state<number>('graph.edges.length')).toBe(1);
});

test('shortcuts do not fire while typing in a field', async ({ app }) => {
  const editor = new EditorPage(app);
  const { canvas, inspector } = editor;
  await expect(canvas.nodes()).toHaveCount(6);
  await canvas.node('hidden').click();
  const name = inspector.field('name');
  await name.click();
  await name.press('End');
  await name.press('Backspace');
  await name.press('Delete');
  await name.press('ControlOrMeta+KeyA');
  await name.press('ControlOrMeta+KeyD');
  await expect(canvas.nodes()).toHaveCount(6);
  expect(await editor.state<string[]>('selectedNodeIds')).toEqual(['hidden']);
  expect(await editor.state<string>('graph.nodes.at(1).name')).toBe('hidde');
  // Out of the field, the same keys are commands again.
  await canvas.node('hidden').click();
  await app.keyboard.press('Delete');
  await expect(canvas.nodes()).toHaveCount(5);
  await app.keyboard.press('ControlOrMeta+KeyZ');
  await expect(canvas.nodes()).toHaveCount(6);
  await app.keyboard.press('ControlOrMeta+KeyZ');
  expect(await editor.state<string>('graph.nodes.at(1).name')).toBe('hidden');
  await expect(editor.dirtyMarker()).toBeHidden();
});

test('copy, paste, duplicate, select all and nudge', async ({ app }) => {
  const editor = new EditorPage(app);
  const { canvas } = editor;
  await expect(canvas.nodes()).toHaveCount(6);
  await canvas.node('hidden').click();
  const before = await editor.state<{ x: number; y: number }>('layout.positions.hidden');
  await app.keyboard.press('ArrowRight');
  await app.keyboard.press('Shift+ArrowDown');
  expect(await editor.state<{ x: number; y: number }>('layout.positions.hidden')).toEqual({
    x: before.x + 10,
    y: before.y + 50,
  });
  await app.keyboard.press('ControlOrMeta+KeyC');
  await app.keyboard.press('ControlOrMeta+KeyV');
  await expect(canvas.nodes()).toHaveCount(7);
  await app.keyboard.press('ControlOrMeta+KeyD');
  await expect(canvas.nodes()).toHaveCount(8);
  const names = await editor.state<string[]>('selectedNodeIds');
  expect(names).toHaveLength(1);
  await app.keyboard.press('ControlOrMeta+KeyA');
  expect(await editor.state<string[]>('selectedNodeIds')).toHaveLength(8);
});

test('commands: palette, context menu, train hook and file errors', async ({ app }) => {
  const editor = new EditorPage(app);
  const { canvas } = editor;
  await expect(canvas.nodes()).toHaveCount(6);
  // run.train calls whatever the training panel registered; without one it says so.
  await app.evaluate(() => {
    const w = window as unknown as { __trainCalls: number };
    w.__trainCalls = 0;
    window.__spikewright?.store.setState({
      trainingActions: {
        train: () => {
          w.__trainCalls++;
        },
      },
    });
  });
  await app.keyboard.press('ControlOrMeta+Shift+KeyP'); // F1 is the guide (firstRun.spec.ts)
  const palette = app.getByTestId('command-palette');
  await expect(palette).toBeVisible();
  await app.getByTestId('command-palette-input').fill('run train');
  await app.keyboard.press('Enter');
  await expect(palette).toBeHidden();
  await app.keyboard.press('ControlOrMeta+Enter');
  expect(await app.evaluate(() => (window as unknown as { __trainCalls: number }).__trainCalls)).toBe(2);
  await app.evaluate(() => window.__spikewright?.store.setState({ trainingActions: null }));
  await app.keyboard.press('ControlOrMeta+Enter');
  await expect(editor.toast()).toContainText('Training is not connected');

  await canvas.node('hidden').click({ button: 'right' });
  const menu = app.getByTestId('context-menu');
  await expect(menu).toBeVisible();
  await menu.locator('[data-command="edit.addRecurrence"]').click();
  await expect(canvas.root.locator('.snn-edge--loop')).toHaveCount(1);

  // Opening over unsaved changes asks first. A file that is not a Spikewright document gives
  // a readable message and the document stays, whether from the server or uploaded.
  const bad = test.info().outputPath('not-a-network.snn.json');
  writeFileSync(bad, '{"hello": 1}');
  await canvas.clickEmpty();
  await app.keyboard.press('ControlOrMeta+KeyO');
  await app.getByTestId('confirm-dialog').getByTestId('confirm-ok').click();
  const dialog = app.getByTestId('open-dialog');
  await dialog.getByTestId('open-path').fill(bad);
  await dialog.getByTestId('open-submit').click();
  await expect(dialog.getByTestId('open-error')).toContainText('is not a Spikewright document');
  // Web mode opens documents only inside its workspace folder, and only Spikewright's files.
  if (target === 'web') {
    await expect(dialog.getByTestId('workspace-help')).toContainText('test-results');
    await dialog.getByTestId('open-path').fill('/etc/passwd');
    await dialog.getByTestId('open-submit').click();
    await expect(dialog.getByTestId('open-error')).toContainText('/etc/passwd is outside the workspace folder');
  }
  await dialog.getByTestId('open-file-input').setInputFiles(bad);
  await expect(dialog.getByTestId('open-error')).toContainText('not-a-network.snn.json is not a Spikewright document');
  await expect(canvas.nodes()).toHaveCount(6);
  await expect(editor.fileName()).toHaveText('randman.snn.json');
  await expect(editor.dirtyMarker()).toBeVisible();
  // Uploading a good file opens it (it has no server path, so Save will ask for one).
  await dialog.getByTestId('open-file-input').setInputFiles('examples/fashion-mnist.snn.json');
  await expect(dialog).toBeHidden();
  await expect(editor.fileName()).toHaveText('fashion-mnist.snn.json');
  await expect(canvas.nodes()).toHaveCount(5);
  expect(await editor.state<string | null>('filePath')).toBeNull();
});

test('quick add, theme toggle remembered, auto-layout as one undoable step', async ({ app }) => {
  const editor = new EditorPage(app);
  const { canvas } = editor;
  await expect(canvas.nodes()).toHaveCount(6);
  // Double-click empty canvas, search, Enter: the node lands where the user clicked.
  const box = await canvas.root.boundingBox();
  if (!box) throw new Error('canvas not visible');
  await app.mouse.dblclick(box.x + 60, box.y + box.height - 60);
  await app.getByTestId('quick-add-input').fill('regul');
  await app.keyboard.press('Enter');
  await expect(canvas.nodes()).toHaveCount(7);
  expect(await editor.state<string>('graph.nodes.at(-1).kind')).toBe('regularizer');

  const entries = await editor.state<number>('history.past.length');
  await editor.command('view.autoLayout').click();
  await expect.poll(() => editor.state<number>('history.past.length')).toBe(entries + 1);

  const before = await app.evaluate(() => document.documentElement.dataset.theme);
  await editor.command('view.theme').click();
  const after = before === 'dark' ? 'light' : 'dark';
  await expect(app.locator('html')).toHaveAttribute('data-theme', after);
  await app.reload();
  // The document comes back with its edits (persistence.spec.ts checks that); here, the theme.
  await expect(canvas.nodes().first()).toBeVisible();
  await expect(app.locator('html')).toHaveAttribute('data-theme', after);
});
