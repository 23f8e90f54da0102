import { request as httpRequest } from 'node:http';
import WebSocket from 'ws';
import { expect, test, webOnly } from './fixtures';

test('opens with the Randman example drawn on the canvas', async ({ app }) => {
  await expect(app.locator('.react-flow__node')).toHaveCount(6);
  await expect(app.locator('.react-flow__node', { hasText: 'hidden' })).toContainText('128 LIF neurons');
  await expect(app.getByTestId('file-name')).toHaveText('randman.snn.json');
  const nodeCount = await app.evaluate(() => window.__spikewright?.store.getState().graph.nodes.length);
  expect(nodeCount).toBe(6);
});

function tryWebSocket(url: string, headers: Record<string, string>): Promise<'open' | string> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => {
      ws.close();
      resolve('open');
    });
    ws.on('unexpected-response', (_req, res) => resolve(`refused ${res.statusCode}`));
    ws.on('error', (e) => resolve(`error ${e.message}`));
  });
}

test('the API refuses connections without the token or from a foreign origin', async ({ server }) => {
  webOnly();
  const wsBase = server.origin.replace('http', 'ws');
  const good = `${wsBase}/api?token=${server.token}`;
  expect(await tryWebSocket(good, { Origin: server.origin })).toBe('open');
  expect(await tryWebSocket(`${wsBase}/api`, { Origin: server.origin })).toBe('refused 403');
  expect(await tryWebSocket(`${wsBase}/api?token=wrong${server.token}`, { Origin: server.origin })).toBe('refused 403');
  expect(await tryWebSocket(good, { Origin: 'http://evil.example' })).toBe('refused 403');
  expect(await tryWebSocket(good, {})).toBe('refused 403');
  expect(server.output()).toContain('foreign Origin');
});

test('the page itself needs the token and the right Host', async ({ server, page }) => {
  webOnly();
  const response = await page.goto(server.origin);
  expect(response?.status()).toBe(401);
  await expect(page.locator('body')).toContainText('session token');
  const port = new URL(server.origin).port;
  const status = await new Promise<number | undefined>((resolve) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, path: `/?token=${server.token}`, headers: { Host: `attacker.example:${port}` } },
      (res) => resolve(res.statusCode),
    );
    req.on('error', () => resolve(undefined));
    req.end();
  });
  expect(status).toBe(403);
});

test('a page from another origin cannot drive the API', async ({ server, page, browser }) => {
  webOnly();
  // A second server stands in for a web page the user has open in the same browser.
  const other = await browser.newPage();
  await other.goto('about:blank');
  const result = await other.evaluate(
    (url) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(url);
        ws.onopen = () => resolve('open');
        ws.onerror = () => resolve('refused');
      }),
    `${server.origin.replace('http', 'ws')}/api?token=${server.token}`,
  );
  expect(result).toBe('refused');
  await other.close();
  await page.close();
});
