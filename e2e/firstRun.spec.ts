// First run and help: F1 opens a guide, an empty canvas says how to start, paste lands at the pointer.
import { expect, test } from './fixtures';
import { EditorPage } from './pages/EditorPage';

test('F1 opens the guide (shortcuts, node kinds, plots) and Esc closes it', async ({ app }) => {
  await app.keyboard.press('F1');
  const help = app.getByTestId('help-dialog');
  await expect(help).toBeVisible();
  await expect(help).toContainText('Spike raster');
  await expect(help).toContainText('LIF population');
  await expect(help.getByTestId('help-shortcuts')).toContainText('Undo');
  await app.keyboard.press('Escape');
  await expect(help).toBeHidden();
});

test('an empty canvas offers the examples and says how to add nodes', async ({ app }) => {
  const editor = new EditorPage(app);
  await editor.newDocument();
  const empty = app.getByTestId('empty-canvas');
  await expect(empty).toContainText('Drag a node from the palette');
  await empty.getByTestId('empty-example-fashion-mnist').click();
  await expect(editor.fileName()).toHaveText('fashion-mnist.snn.json');
  await expect(empty).toBeHidden();
});

test('paste puts the copied nodes at the pointer', async ({ app }) => {
  const editor = new EditorPage(app);
  await editor.canvas.node('hidden').click();
  await app.keyboard.press('ControlOrMeta+KeyC');
  const box = await editor.canvas.root.boundingBox();
  if (!box) throw new Error('no canvas');
  const at = { x: box.x + box.width * 0.7, y: box.y + box.height * 0.8 };
  await app.mouse.move(at.x, at.y, { steps: 4 });
  await app.keyboard.press('ControlOrMeta+KeyV');
  await expect(editor.canvas.nodes()).toHaveCount(7);
  const id = await editor.state<string>('selectedNodeIds.0');
  const pasted = await editor.canvas.node(id).boundingBox();
  if (!pasted) throw new Error('pasted node not visible');
  // Its top-left corner is where the pointer was (within the 20 px snap grid, at the canvas's zoom).
  expect(Math.abs(pasted.x - at.x)).toBeLessThan(30);
  expect(Math.abs(pasted.y - at.y)).toBeLessThan(30);
});
