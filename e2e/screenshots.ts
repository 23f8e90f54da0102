// Screenshots of every screen of the app at the sizes and themes we check by eye (and the
// README's picture). Runs web mode against the built renderer: `npm run build:renderer && npx
// tsx e2e/screenshots.ts [outDir] [--screens=editor,training,...] [--sizes=1280x800]
// [--themes=dark] [--readme]`. Each screen gets its own server and state folder, so no screen
// sees another's recovery file or recent files.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { E2E_WORKSPACE, freshStateDir, startAppServer, stopAppServer } from './fixtures';

const allSizes = [
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
];
const allThemes = ['light', 'dark'] as const;

interface Screen {
  /** Runs before the page opens (files in the state folder). */
  prepare?: (stateDir: string) => void;
  show: (page: Page) => Promise<void>;
}

const store = (page: Page, code: string) => page.evaluate(code);

async function openExample(page: Page, id: string) {
  await page.getByTestId('cmd-file.examples').click();
  await page.getByTestId(`example-${id}`).click();
  await page.getByTestId('examples-dialog').waitFor({ state: 'hidden' });
  await page.waitForTimeout(600);
}

async function trainUntil(page: Page, batches: number) {
  await page.getByTestId('train').click();
  await page.waitForFunction(
    (n) => (window.__spikewright?.store.getState().training.batchX.length ?? 0) >= n,
    batches,
    { timeout: 180_000 },
  );
  // The next activity snapshot and the plots' redraw.
  await page.waitForFunction(() => (window.__spikewright?.store.getState().training.activityFrames ?? 0) > 0, null, {
    timeout: 60_000,
  });
}

/**
 * The open example as an issue-13 network: 'hidden' an adLIF population that learns its
 * membrane time constants, thresholds and adaptation from a gamma spread, 'w_in' learnable delays; a small
 * dataset and one epoch, trained to the end so the inspector has trained values to draw.
 */
async function trainAdaptive(page: Page) {
  await store(
    page,
    `(() => { const s = window.__spikewright.store.getState();
    for (const [k, v] of Object.entries({ neuron: 'adlif', learnTauMem: true, learnThreshold: true, learnAdaptation: true, tauInit: 'gamma' })) s.setNodeParam('hidden', k, v);
    s.setNodeParam('data', 'samplesPerClass', 40);
    s.setNodeParam('train', 'epochs', 1);
    s.setNodeParam('train', 'batchSize', 64);
    s.setEdgeParam('w_in', 'delay', 'learnable'); s.setEdgeParam('w_in', 'maxDelay', 10); })()`,
  );
  await page.getByTestId('train').click();
  await page
    .waitForFunction(
      () => ['done', 'failed'].includes(window.__spikewright?.store.getState().training.status ?? ''),
      null,
      {
        timeout: 120_000,
      },
    )
    .catch(() => {});
}

const screens: Record<string, Screen> = {
  editor: { show: async () => {} },
  empty: {
    show: async (page) => {
      await page.getByTestId('cmd-file.new').click();
    },
  },
  'example-randman': { show: (page) => openExample(page, 'randman') },
  'example-fashion-mnist': { show: (page) => openExample(page, 'fashion-mnist') },
  'example-shd': { show: (page) => openExample(page, 'shd') },
  inspector: {
    show: async (page) => {
      await page.locator('.react-flow__node[data-id="hidden"]').click();
      await page.waitForTimeout(300);
    },
  },
  // The SHD example's training settings with the sparse backward on (its help and window).
  sparseBackward: {
    show: async (page) => {
      await openExample(page, 'shd');
      await page.locator('.react-flow__node[data-id="train"]').click();
      const box = page.getByTestId('field-sparseBackward');
      await box.scrollIntoViewIfNeeded();
      await box.check();
      await page.getByTestId('field-sparseWindow').scrollIntoViewIfNeeded();
      await page.waitForTimeout(300);
    },
  },
  // Issue 13: an adLIF population after training (groups, per-neuron histograms), and its
  // delayed input connection (the delay label on the canvas, the delays' histogram).
  adlif: {
    show: async (page) => {
      await trainAdaptive(page);
      await store(page, `window.__spikewright.store.getState().setSelection(['hidden'], [])`);
      await page.waitForTimeout(300);
    },
  },
  adlifTrained: {
    show: async (page) => {
      await trainAdaptive(page);
      await store(page, `window.__spikewright.store.getState().setSelection(['hidden'], [])`);
      await page
        .getByTestId('trained-neuronParams')
        .scrollIntoViewIfNeeded()
        .catch(() => {});
      await page.waitForTimeout(300);
    },
  },
  delays: {
    show: async (page) => {
      await trainAdaptive(page);
      await store(page, `window.__spikewright.store.getState().setSelection([], ['w_in'])`);
      await page
        .getByTestId('trained-delays')
        .scrollIntoViewIfNeeded()
        .catch(() => {});
      await page.waitForTimeout(300);
    },
  },
  canvasMenu: {
    show: async (page) => {
      await page.locator('.react-flow__pane').click({ button: 'right', position: { x: 420, y: 120 } });
      await page.getByTestId('context-menu').waitFor();
    },
  },
  quickAdd: {
    show: async (page) => {
      await page.locator('.react-flow__pane').dblclick({ position: { x: 420, y: 120 } });
      await page.getByTestId('quick-add-input').fill('lif');
      await page.waitForTimeout(200);
    },
  },
  examples: {
    show: async (page) => {
      await page.getByTestId('cmd-file.examples').click();
      await page.getByTestId('examples-dialog').waitFor();
    },
  },
  open: {
    show: async (page) => {
      await page.keyboard.press('ControlOrMeta+KeyO');
      await page.getByTestId('open-dialog').waitFor();
    },
  },
  save: {
    show: async (page) => {
      await page.keyboard.press('ControlOrMeta+Shift+KeyS');
      await page.getByTestId('save-as-dialog').waitFor();
    },
  },
  exportNir: {
    show: async (page) => {
      await store(
        page,
        `(() => { const st = window.__spikewright.store; const { graph } = st.getState();
        const size = (id) => { const n = graph.nodes.find((x) => x.id === id); return !n ? 0 : n.kind === 'dataset' ? n.params.inputs : n.params.size ?? 0; };
        const weights = {};
        for (const e of graph.edges) { if (e.kind !== 'connection') continue; const shape = [size(e.source), size(e.target)];
          const v = new Float32Array(shape[0] * shape[1]).map((_, i) => ((i % 7) - 3) / 10); let b = ''; for (const x of new Uint8Array(v.buffer)) b += String.fromCharCode(x);
          weights[e.id] = { shape, dtype: 'float32', data: btoa(b) }; }
        st.setState({ weights }); st.getState().openDialog({ kind: 'exportNir' }); })()`,
      );
      await page.getByTestId('export-agreement').waitFor({ timeout: 60_000 });
    },
  },
  importNir: {
    show: async (page) => {
      await store(page, `window.__spikewright.store.getState().openDialog({ kind: 'importNir' })`);
      await page.getByTestId('import-dt-given').click();
    },
  },
  help: {
    show: async (page) => {
      await page.keyboard.press('F1');
      await page.getByTestId('help-dialog').waitFor();
    },
  },
  palette: {
    show: async (page) => {
      await page.keyboard.press('ControlOrMeta+Shift+KeyP');
      await page.getByTestId('command-palette').waitFor();
    },
  },
  fileMenu: {
    show: async (page) => {
      await page.getByTestId('file-menu').click();
      await page.getByTestId('file-menu-list').waitFor();
    },
  },
  recovery: {
    // A crash left unsaved edits of another document behind: the next start offers them.
    prepare: (stateDir) =>
      writeFileSync(
        join(stateDir, 'recovery.json'),
        JSON.stringify({
          name: 'my-network.snn.json',
          path: join(E2E_WORKSPACE, 'my-network.snn.json'),
          text: '{}',
        }),
      ),
    show: async (page) => {
      await page.getByTestId('recovery-banner').waitFor();
    },
  },
  invalid: {
    show: async (page) => {
      await store(
        page,
        `(() => { const s = window.__spikewright.store.getState(); const loss = s.graph.nodes.find(n => n.kind === 'loss'); s.setSelection([loss.id], []); s.deleteSelection(); })()`,
      );
      await page.getByTestId('train-tooltip').hover();
      await page.waitForTimeout(1200);
    },
  },
  training: { show: (page) => trainUntil(page, 12) },
  trainingMax: {
    show: async (page) => {
      await trainUntil(page, 12);
      await page.getByTestId('maximize-bottom').click();
      await page.waitForTimeout(500);
    },
  },
  savedRun: {
    // A document saved after a run, reopened: the view shows the saved run's curves.
    show: async (page) => {
      await trainUntil(page, 6);
      await page.getByTestId('stop').click();
      await page.waitForFunction(() => window.__spikewright?.store.getState().training.status === 'stopped', null, {
        timeout: 60_000,
      });
      const dir = mkdtempSync(join(resolve(E2E_WORKSPACE), 'shots-'));
      await page.keyboard.press('ControlOrMeta+Shift+KeyS');
      await page.getByTestId('save-path').fill(join(dir, 'trained.snn.json'));
      await page.getByTestId('save-submit').click();
      await page.getByTestId('save-as-dialog').waitFor({ state: 'hidden' });
      await page.reload();
      await page.getByTestId('saved-run').waitFor();
      await page.waitForTimeout(600);
    },
  },
};

async function main() {
  const args = process.argv.slice(2);
  const outDir = args.find((a) => !a.startsWith('--')) ?? 'test-results/screenshots';
  const list = (flag: string) =>
    args
      .find((a) => a.startsWith(`--${flag}=`))
      ?.slice(flag.length + 3)
      .split(',');
  const only = list('screens');
  const sizeNames = list('sizes');
  const themeNames = list('themes');
  const sizes = allSizes.filter((s) => !sizeNames || sizeNames.includes(`${s.width}x${s.height}`));
  const themes = allThemes.filter((t) => !themeNames || themeNames.includes(t));
  const readme = args.includes('--readme');
  mkdirSync(outDir, { recursive: true });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  try {
    for (const [name, screen] of Object.entries(screens)) {
      if (only && !only.includes(name)) continue;
      for (const theme of themes)
        for (const size of sizes) {
          const stateDir = freshStateDir();
          screen.prepare?.(stateDir);
          const server = await startAppServer({ SPIKEWRIGHT_STATE_DIR: stateDir });
          const context = await browser.newContext({ viewport: size, colorScheme: theme });
          try {
            const page = await context.newPage();
            await page.addInitScript((t) => localStorage.setItem('spikewright.theme', t), theme);
            await page.goto(server.url);
            await page.locator('.react-flow__node').first().waitFor();
            await page.waitForTimeout(400);
            await screen.show(page);
            await page.waitForTimeout(300);
            const file = join(outDir, `${name}-${size.width}x${size.height}-${theme}.png`);
            await page.screenshot({ path: file });
            console.log(file);
            if (name === 'training' && readme && theme === 'light' && size.width === 1920)
              await page.screenshot({ path: 'docs/screenshot.png' });
            await page
              .getByTestId('stop')
              .click({ timeout: 1000 })
              .catch(() => {});
          } catch (error) {
            console.error(`${name} ${size.width}x${size.height} ${theme}: ${(error as Error).message}`);
          } finally {
            await context.close();
            await stopAppServer(server);
          }
        }
    }
  } finally {
    await browser.close();
  }
}

void main();
