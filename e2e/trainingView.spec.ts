// The training view as a researcher uses it: Train refuses an invalid graph and says why, the
// bar fits a 1280x800 window, every plot has titled axes, pause answers at once.
import type { Locator, Page } from '@playwright/test';
import { expect, test, waitForDocument, webOnly } from './fixtures';

const run = (page: Page) => page.evaluate(() => window.__spikewright?.store.getState().training);

test('Train is disabled with the reason while the graph has errors, and comes back after undo', async ({ app }) => {
  const train = app.getByTestId('train');
  await expect(train).toBeEnabled();
  await app.evaluate(() => {
    const s = window.__spikewright?.store.getState();
    const loss = s?.graph.nodes.find((n) => n.kind === 'loss');
    if (!s || !loss) throw new Error('no loss node');
    s.setSelection([loss.id], []);
    s.deleteSelection();
  });
  await expect(train).toBeDisabled();
  await expect(app.getByTestId('train-tooltip')).toHaveAttribute('title', /loss/i);
  await expect(app.getByTestId('train-blocker')).toContainText(/loss/i);
  await expect(app.getByTestId('cmd-run.train')).toBeDisabled();
  // The keyboard shortcut does not start a doomed run either.
  await app.keyboard.press('ControlOrMeta+Enter');
  await expect(app.getByTestId('training-panel')).toHaveAttribute('data-status', 'idle');
  await app.getByTestId('cmd-edit.undo').click();
  await expect(train).toBeEnabled();
  await expect(app.getByTestId('train-blocker')).toHaveCount(0);
});

/** Every control of the bar lies inside the viewport and inside the bar (nothing cut off). */
async function expectBarFits(page: Page, bar: Locator) {
  const viewport = page.viewportSize();
  if (!viewport) throw new Error('no viewport');
  const barBox = await bar.boundingBox();
  if (!barBox) throw new Error('training bar not visible');
  const controls = bar.locator('button, select, input, label, .chip');
  const count = await controls.count();
  expect(count).toBeGreaterThan(4);
  for (let i = 0; i < count; i++) {
    const box = await controls.nth(i).boundingBox();
    if (!box) continue;
    const what = (await controls.nth(i).textContent())?.trim() || `control ${i}`;
    expect(box.x, `${what} starts inside the window`).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width, `${what} ends inside the window`).toBeLessThanOrEqual(viewport.width);
    expect(box.y + box.height, `${what} is above the window's bottom`).toBeLessThanOrEqual(viewport.height);
    expect(box.x + box.width, `${what} ends inside the bar`).toBeLessThanOrEqual(barBox.x + barBox.width + 0.5);
    expect(box.y + box.height, `${what} is inside the bar`).toBeLessThanOrEqual(barBox.y + barBox.height + 0.5);
  }
  await expectStatusShownInFull(bar);
}

/** The status sentence is shown whole: not ellipsized, not scrolled, its text inside the bar and the window. */
async function expectStatusShownInFull(bar: Locator) {
  const status = bar.getByTestId('training-status');
  const seen = await status.evaluate((el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    const text = range.getBoundingClientRect();
    const box = el.getBoundingClientRect();
    return {
      text: el.textContent ?? '',
      clippedX: el.scrollWidth > el.clientWidth + 1,
      clippedY: el.scrollHeight > el.clientHeight + 1,
      ellipsis: getComputedStyle(el).textOverflow === 'ellipsis' && getComputedStyle(el).overflow !== 'visible',
      textBox: { left: text.left, right: text.right, top: text.top, bottom: text.bottom },
      box: { left: box.left, right: box.right, top: box.top, bottom: box.bottom },
      window: { width: window.innerWidth, height: window.innerHeight },
      // It wraps between its "·" parts, never inside one ("6 min / 15 s left").
      brokenParts: [...el.querySelectorAll('.training-status__part')]
        .filter((part) => part.getClientRects().length > 1)
        .map((part) => part.textContent),
    };
  });
  const what = `status "${seen.text}"`;
  expect(seen.text.trim().length, 'the status says something').toBeGreaterThan(3);
  expect(seen.clippedX, `${what} is not cut off at the side`).toBe(false);
  expect(seen.clippedY, `${what} is not cut off below`).toBe(false);
  expect(seen.ellipsis, `${what} is not ellipsized`).toBe(false);
  expect(seen.brokenParts, `${what} wraps between its parts`).toEqual([]);
  expect(seen.textBox.left, `${what} starts inside its box`).toBeGreaterThanOrEqual(seen.box.left - 0.5);
  expect(seen.textBox.right, `${what} ends inside its box`).toBeLessThanOrEqual(seen.box.right + 0.5);
  expect(seen.textBox.bottom, `${what} ends inside its box`).toBeLessThanOrEqual(seen.box.bottom + 0.5);
  expect(seen.textBox.right, `${what} ends inside the window`).toBeLessThanOrEqual(seen.window.width);
  const barBox = await bar.boundingBox();
  if (barBox)
    expect(seen.textBox.bottom, `${what} is inside the bar`).toBeLessThanOrEqual(barBox.y + barBox.height + 0.5);
}

test('at 1280x800 the training bar fits, pause answers at once and every plot has titled axes', async ({ app }) => {
  await app.setViewportSize({ width: 1280, height: 800 });
  const bar = app.getByTestId('training-bar');
  await expectBarFits(app, bar);
  await app.getByTestId('train').click();
  await expect.poll(async () => (await run(app))?.activityFrames ?? 0, { timeout: 90_000 }).toBeGreaterThan(0);
  await expect.poll(async () => (await run(app))?.batchX.length ?? 0, { timeout: 90_000 }).toBeGreaterThan(2);
  await expect(app.getByTestId('engine-chip')).toContainText('CPU');
  await expectBarFits(app, bar);
  // The longest sentence the bar shows while training (progress, pace and time left) is whole.
  await expect(app.getByTestId('training-status')).toContainText(/samples\/s · (estimating time left|.* left)/, {
    timeout: 60_000,
  });
  await expectBarFits(app, bar);

  for (const id of ['loss', 'accuracy', 'raster', 'membrane', 'rates']) {
    const plot = app.getByTestId(`plot-${id}`);
    await plot.scrollIntoViewIfNeeded();
    await expect(plot, `${id} has an x-axis title`).toHaveAttribute('data-x-label', /\S/);
    await expect(plot, `${id} has a y-axis title`).toHaveAttribute('data-y-label', /\S/);
  }
  await expect(app.getByTestId('plot-raster')).toHaveAttribute('data-x-label', 'Time (ms)');
  await expect(app.getByTestId('plot-membrane')).toHaveAttribute('data-x-label', 'Time (ms)');
  await expect(app.getByTestId('plot-rates')).toHaveAttribute('data-x-label', 'Firing rate (Hz)');
  // Drawn, not blank: the raster canvas has pixels of more than one colour.
  const colours = await app.getByTestId('plot-raster').evaluate((c: HTMLCanvasElement) => {
    const data = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data;
    const seen = new Set<number>();
    for (let i = 0; data && i < data.length; i += 16)
      seen.add((data[i] as number) * 65536 + (data[i + 1] as number) * 256 + (data[i + 2] as number));
    return seen.size;
  });
  expect(colours).toBeGreaterThan(3);

  // The view takes the window and still fits.
  await app.getByTestId('maximize-bottom').click();
  await expectBarFits(app, bar);
  await app.getByTestId('maximize-bottom').click();

  await app.getByTestId('pause').click();
  // Within half a second the bar answers: "Pausing…" while the worker finishes its batch, or
  // already "Paused" when that batch was quick (a quiet machine).
  const panel = app.getByTestId('training-panel');
  await expect
    .poll(
      async () =>
        (await panel.getAttribute('data-pending')) === 'pausing' ||
        (await panel.getAttribute('data-status')) === 'paused',
      { timeout: 500, message: 'the panel is pausing or already paused' },
    )
    .toBe(true);
  await expect(app.getByTestId('training-status')).toContainText(/Pausing|Paused/, { timeout: 500 });
  await expect(app.getByTestId('training-panel')).toHaveAttribute('data-status', 'paused');
  await app.getByTestId('stop').click();
  await expect(app.getByTestId('training-panel')).toHaveAttribute('data-status', 'stopped');
});

test('a second Train while a run goes on is refused with the reason, and the first run keeps going', async ({
  app,
  server,
}) => {
  webOnly();
  await app.getByTestId('train').click();
  await expect.poll(async () => (await run(app))?.batchX.length ?? 0, { timeout: 90_000 }).toBeGreaterThan(1);
  const firstRunId = (await run(app))?.runId;

  // Another window of the same backend (a second tab) presses Train.
  const other = await app.context().newPage();
  try {
    await other.goto(server.url);
    await waitForDocument(other);
    await other.getByTestId('train').click();
    const refused = other.getByTestId('train-refused');
    await expect(refused).toContainText('Training did not start');
    await expect(refused).toContainText(/already in progress/);
    await expect(other.getByTestId('training-status')).not.toContainText('failed');
    await expect(other.getByTestId('training-panel')).toHaveAttribute('data-status', 'idle');
    await expect(other.getByTestId('training-error')).toHaveCount(0);
    await expect(other.getByTestId('train')).toBeEnabled();
    // The refusing window takes none of the first run's events.
    const before = (await run(app))?.batchX.length ?? 0;
    await expect.poll(async () => (await run(app))?.batchX.length ?? 0, { timeout: 60_000 }).toBeGreaterThan(before);
    expect((await run(other))?.batchX.length).toBe(0);
  } finally {
    await other.close();
  }

  // The first run went on undisturbed: same run, still training, its status untouched.
  const first = await run(app);
  expect(first?.runId).toBe(firstRunId);
  expect(first?.status).toBe('running');
  expect(first?.refused).toBeNull();
  await expect(app.getByTestId('training-status')).toContainText(/Training epoch/);
  await app.getByTestId('stop').click();
  await expect(app.getByTestId('training-panel')).toHaveAttribute('data-status', 'stopped');
});
