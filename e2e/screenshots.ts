// Screenshots of the app's screens at the sizes and themes we check by eye (and the README's
// picture). Runs web mode against the built renderer: `npm run build:renderer && npx tsx
// e2e/screenshots.ts [outDir] [--screens=editor,training,...] [--readme]`.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { startAppServer, stopAppServer } from './fixtures';

const sizes = [
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
];
const themes = ['light', 'dark'] as const;

type Screen = (page: Page) => Promise<void>;

const store = (page: Page, code: string) => page.evaluate(code);

const screens: Record<string, Screen> = {
  editor: async () => {},
  empty: async (page) => {
    await page.getByTestId('cmd-file.new').click();
  },
  examples: async (page) => {
    await page.getByTestId('cmd-file.examples').click();
    await page.getByTestId('examples-dialog').waitFor();
  },
  help: async (page) => {
    await page.keyboard.press('F1');
    await page.getByTestId('help-dialog').waitFor();
  },
  invalid: async (page) => {
    await store(
      page,
      `(() => { const s = window.__spikewright.store.getState(); const loss = s.graph.nodes.find(n => n.kind === 'loss'); s.setSelection([loss.id], []); s.deleteSelection(); })()`,
    );
    await page.getByTestId('train').hover();
    await page.waitForTimeout(900);
  },
  training: async (page) => {
    await page.getByTestId('train').click();
    await page.waitForFunction(() => (window.__spikewright?.store.getState().training.batchX.length ?? 0) >= 12, null, {
      timeout: 120_000,
    });
  },
  trainingMax: async (page) => {
    await page.getByTestId('train').click();
    await page.waitForFunction(() => (window.__spikewright?.store.getState().training.batchX.length ?? 0) >= 12, null, {
      timeout: 120_000,
    });
    await page.getByTestId('maximize-bottom').click();
    await page.waitForTimeout(500);
  },
};

async function main() {
  const args = process.argv.slice(2);
  const outDir = args.find((a) => !a.startsWith('--')) ?? 'test-results/screenshots';
  const only = args
    .find((a) => a.startsWith('--screens='))
    ?.slice(10)
    .split(',');
  const readme = args.includes('--readme');
  mkdirSync(outDir, { recursive: true });
  const server = await startAppServer();
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  try {
    for (const [name, screen] of Object.entries(screens)) {
      if (only && !only.includes(name)) continue;
      for (const theme of themes)
        for (const size of sizes) {
          const context = await browser.newContext({ viewport: size, colorScheme: theme });
          const page = await context.newPage();
          await page.addInitScript((t) => localStorage.setItem('spikewright.theme', t), theme);
          await page.goto(server.url);
          await page.locator('.react-flow__node').first().waitFor();
          await page.waitForTimeout(400);
          await screen(page);
          await page.waitForTimeout(300);
          const file = join(outDir, `${name}-${size.width}x${size.height}-${theme}.png`);
          await page.screenshot({ path: file });
          console.log(file);
          if (name === 'training' && readme && theme === 'light' && size.width === 1920)
            await page.screenshot({ path: 'docs/screenshot.png' });
          await page
            .getByTestId('stop')
            .click()
            .catch(() => {});
          await context.close();
        }
    }
  } finally {
    await browser.close();
    await stopAppServer(server);
  }
}

void main();
