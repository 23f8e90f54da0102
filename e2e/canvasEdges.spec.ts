// Edges never hide each other: in every shipped example, a click on the visible middle of an
// edge selects that edge (not a signal drawn across it, not a loop over its start).
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

/** The screen point halfway along an edge's drawn path, and which edge the topmost element there belongs to. */
function middleOf(page: Page, id: string) {
  return page.evaluate((edgeId) => {
    const group = document.querySelector(`[data-testid="rf__edge-${edgeId}"]`);
    const path = group?.querySelector<SVGPathElement>('path.react-flow__edge-path');
    if (!path) return null;
    const p = path.getPointAtLength(path.getTotalLength() / 2);
    const m = path.getScreenCTM();
    if (!m) return null;
    const x = p.x * m.a + p.y * m.c + m.e;
    const y = p.x * m.b + p.y * m.d + m.f;
    const top = document.elementFromPoint(x, y);
    const owner = top?.closest('.react-flow__edge')?.getAttribute('data-testid')?.replace('rf__edge-', '') ?? null;
    return { x, y, owner };
  }, id);
}

for (const example of ['randman', 'fashion-mnist', 'shd']) {
  test(`every edge of the ${example} example is selected by a click on its visible middle`, async ({ app }) => {
    await app.getByTestId('cmd-file.examples').click();
    await app.getByTestId(`example-${example}`).click();
    await expect(app.getByTestId('examples-dialog')).toBeHidden();
    await app.getByTestId('cmd-view.fit').click();
    await app.waitForTimeout(400);
    const edges = await app.evaluate(() => window.__spikewright?.store.getState().graph.edges.map((e) => e.id) ?? []);
    expect(edges.length).toBeGreaterThan(1);
    for (const id of edges) {
      const at = await middleOf(app, id);
      expect(at, `${id} is drawn`).not.toBeNull();
      if (!at) continue;
      expect(at.owner, `the middle of ${id} is not covered by another edge`).toBe(id);
      await app.mouse.click(at.x, at.y);
      await expect
        .poll(() => app.evaluate(() => window.__spikewright?.store.getState().selectedEdgeIds ?? []))
        .toEqual([id]);
    }
  });
}
