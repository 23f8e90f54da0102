// A web-mode server for tests that attack it: the real server and backend over a temporary
// workspace, state folder and static folder, in a process of its own so a crash shows as an
// exit. Prints `READY <port> <token>`; options come as environment variables.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHandlers } from '../services/backend';
import { workspaceAccess } from '../services/documentAccess';
import { createRunsService } from '../services/runs';
import { createTrainingService, forkWorker } from '../services/training';
import { startWebServer, type WebServer } from './webServer';

const root = fileURLToPath(new URL('../..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'spikewright-abuse-'));
const staticDir = join(scratch, 'static');
mkdirSync(staticDir);
writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>test</title>');
const workspace = process.env.TEST_WORKSPACE ?? join(scratch, 'workspace');
mkdirSync(workspace, { recursive: true });

let server: WebServer | null = null;
const training = createTrainingService({
  spawn: () => forkWorker(`${root}main/worker/trainingWorker.ts`),
  emit: (event) => server?.broadcast(event),
});
const access = await workspaceAccess(workspace);
const runs = createRunsService({
  access,
  stateDir: join(scratch, 'state'),
  taskEntry: `${root}main/experiments/taskMain.ts`,
  emit: (event) => server?.broadcast(event),
});
server = await startWebServer({
  handlers: createHandlers({
    examplesDir: `${root}examples`,
    appVersion: '0.0.0-test',
    transport: 'web',
    training,
    stateDir: join(scratch, 'state'),
    runs,
    access,
  }),
  staticDir,
  ...(process.env.TEST_MAX_MESSAGE_BYTES ? { maxMessageBytes: Number(process.env.TEST_MAX_MESSAGE_BYTES) } : {}),
  log: (m) => console.error(`server: ${m}`),
});
console.log(`READY ${server.port} ${server.token}`);
process.on('SIGTERM', () => {
  training.dispose();
  runs.dispose();
  void server?.close().then(() => process.exit(0));
});
