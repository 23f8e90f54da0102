// One fixture for every spec: the app in web mode, started as a user would start it
// (`tsx main/server/cli.ts`, after the renderer is built), and a page opened at its URL.
// Where an Electron binary exists the same specs are meant to run against Electron instead.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { _electron, test as base, expect, type Page } from '@playwright/test';

export interface AppServer {
  url: string;
  origin: string;
  token: string;
  process: ChildProcess;
  output: () => string;
}

/** A fresh state folder (recovery file, recent files) so no spec sees another's leftovers. */
export function freshStateDir(): string {
  return mkdtempSync(join(tmpdir(), 'spikewright-state-'));
}

/**
 * The folder web mode's documents are confined to in the specs: Playwright's output folder,
 * where `test.info().outputPath()` puts the files specs save and open.
 */
export const E2E_WORKSPACE = resolve('test-results');

export async function startAppServer(
  extraEnv: Record<string, string> = {},
  workspace = E2E_WORKSPACE,
): Promise<AppServer> {
  mkdirSync(workspace, { recursive: true });
  const args = ['--import', 'tsx', 'main/server/cli.ts', '--port', '0', '--workspace', workspace];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, SPIKEWRIGHT_STATE_DIR: freshStateDir(), ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr?.on('data', (d) => {
    output += d.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`web mode did not start:\n${output}`)), 30_000);
    child.stdout?.on('data', (d) => {
      output += d.toString();
      const match = /Open (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`web mode exited with ${code}:\n${output}`)));
  });
  const parsed = new URL(url);
  return {
    url,
    origin: parsed.origin,
    token: parsed.searchParams.get('token') ?? '',
    process: child,
    output: () => output,
  };
}

export async function stopAppServer(server: AppServer) {
  if (server.process.exitCode !== null || server.process.signalCode !== null) return;
  const exited = new Promise((resolve) => server.process.once('exit', resolve));
  server.process.kill('SIGTERM');
  await exited;
}

/** Waits until the app has opened a document and drawn it. */
export async function waitForDocument(page: Page) {
  await expect(page.locator('.react-flow__node').first()).toBeVisible();
}

/** Electron's binary, when this install has one (an online install downloads it). */
function electronBinary(): string | null {
  try {
    const dir = join('node_modules', 'electron');
    const binary = join(dir, 'dist', readFileSync(join(dir, 'path.txt'), 'utf8').trim());
    return existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

/**
 * Which app the specs drive: the desktop app where Electron's binary exists, else web mode in
 * Chromium. SPIKEWRIGHT_E2E_TARGET=web|electron forces one. Specs that need web mode's server
 * (tokens, killing the server) declare it with `webOnly`.
 */
export const target: 'electron' | 'web' =
  process.env.SPIKEWRIGHT_E2E_TARGET === 'web' || process.env.SPIKEWRIGHT_E2E_TARGET === 'electron'
    ? process.env.SPIKEWRIGHT_E2E_TARGET
    : electronBinary()
      ? 'electron'
      : 'web';

export function webOnly() {
  test.skip(target !== 'web', 'This spec drives web mode (its server, tokens and process).');
}

export const test = base.extend<{ app: Page }, { server: AppServer }>({
  server: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright fixtures take their dependencies by destructuring.
    async ({}, use) => {
      const server = await startAppServer();
      await use(server);
      await stopAppServer(server);
    },
    { scope: 'worker' },
  ],
  app: async ({ page, server }, use) => {
    if (target === 'electron') {
      // The built app (npm run build), launched as a user would, with a fresh state folder.
      const electron = await _electron.launch({
        args: ['.'],
        env: { ...process.env, SPIKEWRIGHT_STATE_DIR: freshStateDir() },
      });
      const window = await electron.firstWindow();
      await waitForDocument(window);
      await use(window);
      await electron.close();
      return;
    }
    await page.goto(server.url);
    await waitForDocument(page);
    await use(page);
  },
});

export { expect };
