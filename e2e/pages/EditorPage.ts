// Page objects for the editor: the specs speak of palettes, handles and fields, not selectors.
import { expect, type Locator, type Page } from '@playwright/test';
import type { NodeKind } from '../../shared/graph/kinds';

/**
 * Reads the app's store through the test hook (window.__spikewright) at a path such as
 * 'graph.nodes.length' or 'graph.nodes.at(-1).id'.
 */
export async function storeState<T>(page: Page, path: string): Promise<T> {
  return page.evaluate((p) => {
    let value: unknown = window.__spikewright?.store.getState();
    for (const part of p.split('.')) {
      if (value === null || value === undefined) return value;
      const at = /^at\((-?\d+)\)$/.exec(part);
      value = at ? (value as unknown[]).at(Number(at[1])) : (value as Record<string, unknown>)[part];
    }
    return value;
  }, path) as Promise<T>;
}

export class Palette {
  constructor(private readonly page: Page) {}
  /** A node kind's entry, or a preset's ('adlif'). */
  item(entry: NodeKind | 'adlif'): Locator {
    return this.page.getByTestId(`palette-${entry}`);
  }
}

export class Canvas {
  readonly root: Locator;
  constructor(private readonly page: Page) {
    this.root = page.getByTestId('canvas');
  }
  pane(): Locator {
    return this.root.locator('.react-flow__pane');
  }
  node(id: string): Locator {
    return this.root.locator(`.react-flow__node[data-id="${id}"]`);
  }
  nodes(): Locator {
    return this.root.locator('.react-flow__node');
  }
  edges(): Locator {
    return this.root.locator('.react-flow__edge');
  }
  outputHandle(id: string): Locator {
    return this.node(id).locator('.react-flow__handle.source');
  }
  inputHandle(id: string): Locator {
    return this.node(id).locator('.react-flow__handle.target');
  }
  /** Drags a kind (or preset) from the palette onto the canvas at (x, y) within the canvas; returns the new node's id. */
  async dropFromPalette(palette: Palette, kind: NodeKind | 'adlif', x: number, y: number): Promise<string> {
    const before = await storeState<number>(this.page, 'graph.nodes.length');
    await palette.item(kind).dragTo(this.root, { targetPosition: { x, y } });
    await expect.poll(() => storeState<number>(this.page, 'graph.nodes.length')).toBe(before + 1);
    const id = await storeState<string>(this.page, 'graph.nodes.at(-1).id');
    await expect(this.node(id)).toBeVisible();
    return id;
  }
  /** Presses on one handle and releases on another, moving in steps as a hand would. */
  async dragBetween(from: Locator, to: Locator, { release = true } = {}) {
    const a = await from.boundingBox();
    const b = await to.boundingBox();
    if (!a || !b) throw new Error('handle not visible');
    await this.page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
    await this.page.mouse.down();
    await this.page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2 + 20, { steps: 8 });
    await this.page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 8 });
    if (release) await this.page.mouse.up();
  }
  async connect(sourceId: string, targetId: string) {
    await this.dragBetween(this.outputHandle(sourceId), this.inputHandle(targetId));
  }
  /** Clicks empty canvas: clears the selection and takes focus out of any field. */
  async clickEmpty() {
    await this.pane().click({ position: { x: 30, y: 30 } });
  }
}

export class Inspector {
  readonly root: Locator;
  constructor(page: Page) {
    this.root = page.getByTestId('inspector');
  }
  field(name: string): Locator {
    return this.root.getByTestId(`field-${name}`);
  }
  /** Types a value into a text or number field the way a user would (select all, type). */
  async type(name: string, value: string) {
    const field = this.field(name);
    await field.click();
    await field.press('ControlOrMeta+a');
    await field.pressSequentially(value);
  }
  async choose(name: string, value: string) {
    await this.field(name).selectOption(value);
  }
  errors(): Locator {
    return this.root.locator('.field__error');
  }
  /** A titled group of fields ('adaptation', 'delay', 'learnable'). */
  group(name: string): Locator {
    return this.root.getByTestId(`field-group-${name}`);
  }
  async check(name: string, on = true) {
    await this.field(name).setChecked(on);
  }
}

export class Problems {
  readonly root: Locator;
  constructor(page: Page) {
    this.root = page.getByTestId('problems');
  }
  items(): Locator {
    return this.root.getByTestId('problem');
  }
  item(text: string | RegExp): Locator {
    return this.items().filter({ hasText: text });
  }
}

export class EditorPage {
  readonly palette: Palette;
  readonly canvas: Canvas;
  readonly inspector: Inspector;
  readonly problems: Problems;
  constructor(readonly page: Page) {
    this.palette = new Palette(page);
    this.canvas = new Canvas(page);
    this.inspector = new Inspector(page);
    this.problems = new Problems(page);
  }
  command(id: string): Locator {
    return this.page.getByTestId(`cmd-${id}`);
  }
  fileName(): Locator {
    return this.page.getByTestId('file-name');
  }
  dirtyMarker(): Locator {
    return this.page.getByTestId('dirty-marker');
  }
  toast(): Locator {
    return this.page.getByTestId('toast');
  }
  state<T>(path: string): Promise<T> {
    return storeState<T>(this.page, path);
  }
  /** The document as the store holds it: graph, layout positions and metadata. */
  document(): Promise<unknown> {
    return this.page.evaluate(() => {
      const s = window.__spikewright?.store.getState();
      return s ? { graph: s.graph, positions: s.layout.positions, metadata: s.metadata } : null;
    });
  }
  async newDocument() {
    await this.command('file.new').click();
    await expect(this.canvas.nodes()).toHaveCount(0);
  }
  async saveAs(path: string) {
    await this.submitPathDialog('ControlOrMeta+Shift+KeyS', 'save-as-dialog', 'save', path);
  }
  async openPath(path: string) {
    await this.submitPathDialog('ControlOrMeta+KeyO', 'open-dialog', 'open', path);
  }
  /** Opens a file dialog by its shortcut, submits a server path and waits for it to close. */
  private async submitPathDialog(keys: string, dialogId: string, prefix: string, path: string) {
    await this.page.keyboard.press(keys);
    const dialog = this.page.getByTestId(dialogId);
    const field = dialog.getByTestId(`${prefix}-path`);
    // Save as proposes a path once the server answers; if that lands between fill's select-all
    // and its typing, the typed path is appended to the proposal. Fill again until it holds.
    await expect(async () => {
      await field.fill(path);
      await expect(field).toHaveValue(path, { timeout: 500 });
    }).toPass({ timeout: 10_000 });
    await dialog.getByTestId(`${prefix}-submit`).click();
    await expect(dialog).toBeHidden();
  }
}
