// `npm run web`: starts web mode and prints the URL (with its session token) to open.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pkg from '../../package.json' with { type: 'json' };
import { createRunHistory } from '../experiments/appRuns';
import { createHandlers } from '../services/backend';
import { workspaceAccess } from '../services/documentAccess';
import { defaultStateDir } from '../services/recovery';
import { createRunsService } from '../services/runs';
import { adoptPrivateTempFolder } from '../services/tempFolder';
import { createTrainingService, forkWorker } from '../services/training';
import { applyMachineMemoryLimitAtStart } from '../util/memoryLimit';
import { startWebServer, type WebServer } from './webServer';

// Budgets (shared/graph/budgets.ts) are judged against this machine's memory.
applyMachineMemoryLimitAtStart();

const root = fileURLToPath(new URL('../..', import.meta.url));

const USAGE = `Usage: npm run web -- [--port N] [--workspace DIR]

  --port N         the port to listen on (default: any free port; or $SPIKEWRIGHT_PORT)
  --workspace DIR  the folder documents are opened from and saved to (default: the folder
                   the command was started in; or $SPIKEWRIGHT_WORKSPACE). Paths outside it
                   are refused.`;

function fail(message: string): never {
  console.error(`spikewright: ${message}\n\n${USAGE}`);
  process.exit(2);
}

function parseOptions(argv: string[]): { port: number; workspace: string } {
  let values: { port?: string | undefined; workspace?: string | undefined; help?: boolean | undefined };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { port: { type: 'string' }, workspace: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }));
  } catch (error) {
    fail((error as Error).message);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const rawPort = values.port ?? process.env.SPIKEWRIGHT_PORT;
  const port = rawPort === undefined ? 0 : Number(rawPort);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    fail(`--port must be a whole number from 0 to 65535, not '${rawPort}'.`);
  // `npm run web` runs in the package's folder; INIT_CWD is where the user typed it.
  const here = process.env.INIT_CWD ?? process.cwd();
  return { port, workspace: resolve(here, values.workspace ?? process.env.SPIKEWRIGHT_WORKSPACE ?? '.') };
}

async function main() {
  const staticDir = `${root}dist/renderer`;
  if (!existsSync(`${staticDir}/index.html`)) {
    console.error('spikewright: the renderer is not built; run `npm run build:renderer` first (`npm run web` does).');
    process.exit(1);
  }
  const { port, workspace } = parseOptions(process.argv.slice(2));
  // NIR import and export pass files through os.tmpdir(): ours, removed when the server exits.
  adoptPrivateTempFolder();
  const access = await workspaceAccess(workspace).catch((error: Error) => fail(error.message));
  let server: WebServer | null = null;
  const stateDir = defaultStateDir();
  const runHistory = createRunHistory(stateDir);
  const training = createTrainingService({
    spawn: () => forkWorker(`${root}main/worker/trainingWorker.ts`),
    emit: (event) => {
      runHistory.onEvent(event);
      server?.broadcast(event);
    },
  });
  const runs = createRunsService({
    access,
    stateDir,
    taskEntry: `${root}main/experiments/taskMain.ts`,
    emit: (event) => server?.broadcast(event),
  });
  const handlers = createHandlers({
    examplesDir: `${root}examples`,
    appVersion: pkg.version,
    transport: 'web',
    training,
    stateDir,
    runHistory,
    runs,
    access,
  });
  server = await startWebServer({
    handlers,
    staticDir,
    port,
    log: (m) => console.error(`spikewright: ${m}`),
  });
  console.log(`Spikewright ${pkg.version} (web mode) is running.`);
  console.log(`Documents are opened from and saved to ${workspace}`);
  console.log(`Open ${server.url}`);
  console.log('Press Ctrl+C to stop.');
  const shutdown = () => {
    training.dispose();
    runs.dispose();
    void server?.close().then(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error) => {
  console.error(`spikewright: cannot start web mode: ${(error as Error).message}`);
  process.exit(1);
});
