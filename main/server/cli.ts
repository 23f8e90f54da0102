// `npm run web`: starts web mode and prints the URL (with its session token) to open.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pkg from '../../package.json' with { type: 'json' };
import { createHandlers } from '../services/backend';
import { defaultStateDir } from '../services/recovery';
import { createTrainingService, forkWorker } from '../services/training';
import { startWebServer, type WebServer } from './webServer';

const root = fileURLToPath(new URL('../..', import.meta.url));

function parsePort(argv: string[]): number {
  const i = argv.indexOf('--port');
  const raw = i >= 0 ? argv[i + 1] : process.env.SPIKEWRIGHT_PORT;
  if (raw === undefined) return 0;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`spikewright: --port must be a whole number from 0 to 65535, not '${raw}'.`);
    process.exit(2);
  }
  return port;
}

async function main() {
  const staticDir = `${root}dist/renderer`;
  if (!existsSync(`${staticDir}/index.html`)) {
    console.error('spikewright: the renderer is not built; run `npm run build:renderer` first (`npm run web` does).');
    process.exit(1);
  }
  let server: WebServer | null = null;
  const training = createTrainingService({
    spawn: () => forkWorker(`${root}main/worker/trainingWorker.ts`),
    emit: (event) => server?.broadcast(event),
  });
  const handlers = createHandlers({
    examplesDir: `${root}examples`,
    appVersion: pkg.version,
    transport: 'web',
    training,
    stateDir: defaultStateDir(),
  });
  server = await startWebServer({
    handlers,
    staticDir,
    port: parsePort(process.argv.slice(2)),
    log: (m) => console.error(`spikewright: ${m}`),
  });
  console.log(`Spikewright ${pkg.version} (web mode) is running.`);
  console.log(`Open ${server.url}`);
  console.log('Press Ctrl+C to stop.');
  const shutdown = () => {
    training.dispose();
    void server?.close().then(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error) => {
  console.error(`spikewright: cannot start web mode: ${(error as Error).message}`);
  process.exit(1);
});
