// The Electron main process: one sandboxed window showing the renderer from the app://
// scheme, the typed API over IPC (sender checked, payload validated by the shared
// dispatcher), and training in a utilityProcess so the UI never waits on it.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  app,
  BrowserWindow,
  ipcMain,
  MessageChannelMain,
  type MessagePortMain,
  net,
  protocol,
  session,
  shell,
  utilityProcess,
} from 'electron';
import { type AppEvent, createApiDispatcher, type TrainingEvent } from '../../shared/api/contract';
import { API_METHOD_NAMES, IPC_EVENT_CHANNEL, IPC_INVOKE_PREFIX, IPC_PORT_CHANNEL } from '../../shared/api/methods';
import { CATALOG } from '../data/catalog';
import { createRunHistory } from '../experiments/appRuns';
import type { SpawnTask } from '../experiments/sweep';
import { createHandlers } from '../services/backend';
import { CSP } from '../services/csp';
import { grantedAccess } from '../services/documentAccess';
import { createRecentFiles } from '../services/recovery';
import { createRunsService } from '../services/runs';
import { adoptPrivateTempFolder } from '../services/tempFolder';
import { createTrainingService, type WorkerHandle } from '../services/training';
import { applyMachineMemoryLimitAtStart } from '../util/memoryLimit';
import type { WorkerCommand, WorkerMessage } from '../worker/protocol';
import { APP_ORIGIN, isAllowedExternalUrl, isTrustedSenderUrl, rendererFilePath } from './ipcGuard';
import { createDesktopShell, documentPathFromArgs } from './shell';

applyMachineMemoryLimitAtStart();

protocol.registerSchemesAsPrivileged([
  { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

// NIR import and export pass files through os.tmpdir(): ours, removed when the app exits.
adoptPrivateTempFolder();
const appRoot = app.getAppPath();
const rendererDir = join(appRoot, 'dist', 'renderer');
let mainWindow: BrowserWindow | null = null;
let trainingPort: MessagePortMain | null = null;

/** A fresh channel for each page load; the page keeps one end, the main process the other. */
function connectTrainingPort(window: BrowserWindow) {
  trainingPort?.close();
  const { port1, port2 } = new MessageChannelMain();
  port1.start();
  trainingPort = port1;
  window.webContents.postMessage(IPC_PORT_CHANNEL, null, [port2]);
}

function forkUtilityWorker(): WorkerHandle {
  const child = utilityProcess.fork(join(appRoot, 'dist', 'main', 'trainingWorker.cjs'), [], {
    serviceName: 'Spikewright training',
    stdio: 'inherit',
  });
  return {
    send: (command: WorkerCommand) => child.postMessage(command),
    onMessage: (listener) => child.on('message', (m) => listener(m as WorkerMessage)),
    onExit: (listener) => child.on('exit', (code) => listener(code, null)),
    kill: (signal = 'SIGKILL') => killUtility(child, signal),
    ...(child.pid !== undefined ? { pid: child.pid } : {}),
  };
}

/**
 * Ends a utilityProcess. Its own kill() sends SIGTERM; SIGKILL (which also ends a stopped
 * process) goes by pid, falling back to kill() where the process is gone or there are no signals.
 */
function killUtility(child: Electron.UtilityProcess, signal: NodeJS.Signals | undefined) {
  if (signal === 'SIGKILL' && child.pid !== undefined) {
    try {
      process.kill(child.pid, 'SIGKILL');
      return;
    } catch {
      // Already gone, or a platform without signals: Electron's own kill below.
    }
  }
  child.kill();
}

/** The pages a link may open in the user's browser; nothing else leaves the app. */
const EXTERNAL_PAGES = [...new Set(Object.values(CATALOG).map((entry) => entry.homepage))];
// The renderer may open or save only the paths the user chose: dialogs, recent files, and
// documents opened from outside (granted here, before the page hears of them).
const access = grantedAccess();
const sendAppEvent = (event: AppEvent) => {
  if (event.type === 'open-file') access.grant(event.path);
  mainWindow?.webContents.send(IPC_EVENT_CHANNEL, event);
};
const desktop = createDesktopShell(() => mainWindow, sendAppEvent);
// A document to open once the page is ready: from the command line or the OS (macOS open-file).
let pendingOpen: string | null = documentPathFromArgs(process.argv);

const stateDir = process.env.SPIKEWRIGHT_STATE_DIR ?? app.getPath('userData');
const runHistory = createRunHistory(stateDir);
const training = createTrainingService({
  spawn: forkUtilityWorker,
  // Metrics go over a dedicated MessagePort (structured clone keeps typed arrays as such).
  emit: (event: TrainingEvent) => {
    runHistory.onEvent(event);
    if (trainingPort) trainingPort.postMessage(event);
    else mainWindow?.webContents.send(IPC_EVENT_CHANNEL, event);
  },
});

/** A sweep task as a utilityProcess: the app's fuses forbid running Electron as Node, so no fork(). */
const spawnUtilityTask: SpawnTask = (entry, args, env) => {
  const child = utilityProcess.fork(entry, args, { serviceName: 'Spikewright sweep task', stdio: 'pipe', env });
  return {
    onMessage: (listener) => child.on('message', listener),
    onStderr: (listener) => child.stderr?.on('data', (d: Buffer) => listener(d.toString())),
    onExit: (listener) => child.on('exit', (code) => listener(code, null)),
    kill: (signal) => killUtility(child, signal),
  };
};

// Sweeps run on a pool of task processes (main/experiments/sweep.ts), the bundled taskMain.cjs.
const runs = createRunsService({
  access,
  stateDir,
  taskEntry: join(appRoot, 'dist', 'main', 'taskMain.cjs'),
  spawnTask: spawnUtilityTask,
  emit: (event) => mainWindow?.webContents.send(IPC_EVENT_CHANNEL, event),
});

const dispatch = createApiDispatcher(
  createHandlers({
    examplesDir: join(appRoot, 'examples'),
    appVersion: app.getVersion(),
    transport: 'electron',
    training,
    stateDir,
    runHistory,
    runs,
    access,
    shell: desktop,
  }),
  (error) => console.error('spikewright: internal error', error),
);

function registerIpc() {
  for (const method of API_METHOD_NAMES) {
    ipcMain.handle(`${IPC_INVOKE_PREFIX}${method}`, (event, params: unknown) => {
      if (event.sender !== mainWindow?.webContents || !isTrustedSenderUrl(event.senderFrame?.url))
        return { ok: false, error: 'Refused: the request did not come from the Spikewright window.' };
      return dispatch(method, params);
    });
  }
}

function createWindow() {
  mainWindow = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'Spikewright',
    show: false,
    webPreferences: {
      preload: join(appRoot, 'dist', 'main', 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  mainWindow.once('ready-to-show', () => mainWindow?.show());
  mainWindow.webContents.on('did-finish-load', () => {
    if (mainWindow) connectTrainingPort(mainWindow);
    if (pendingOpen) sendAppEvent({ type: 'open-file', path: pendingOpen });
    pendingOpen = null;
  });
  mainWindow.on('close', (event) => {
    if (!desktop.confirmClose()) event.preventDefault();
  });
  mainWindow.on('closed', () => {
    mainWindow = null;
  });
  void mainWindow.loadURL(`${APP_ORIGIN}/index.html`);
}

app.on('web-contents-created', (_event, contents) => {
  // The app never navigates away or opens windows; links to the web open in the browser.
  contents.on('will-navigate', (event, url) => {
    if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternalUrl(url, EXTERNAL_PAGES)) void shell.openExternal(url);
    else console.error(`spikewright: refused to open ${url} outside the app (not on the allow-list)`);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
});

// One instance: a second launch (double-clicking a .snn.json file) opens it in this one.
if (!app.requestSingleInstanceLock()) app.quit();
app.on('second-instance', (_event, argv) => {
  const path = documentPathFromArgs(argv);
  if (mainWindow) {
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
    if (path) sendAppEvent({ type: 'open-file', path });
  }
});
app.on('open-file', (event, path) => {
  event.preventDefault();
  if (mainWindow) sendAppEvent({ type: 'open-file', path });
  else pendingOpen = path;
});

app.whenReady().then(async () => {
  desktop.recentChanged?.(await createRecentFiles(process.env.SPIKEWRIGHT_STATE_DIR ?? app.getPath('userData')).list());
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  protocol.handle('app', async (request) => {
    const file = rendererFilePath(rendererDir, request.url, join);
    if (!file) return new Response('Not found', { status: 404 });
    const response = await net.fetch(pathToFileURL(file).toString());
    const headers = new Headers(response.headers);
    headers.set('Content-Security-Policy', CSP);
    headers.set('X-Content-Type-Options', 'nosniff');
    return new Response(response.body, { status: response.status, headers });
  });
  registerIpc();
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  training.dispose();
  runs.dispose();
  if (process.platform !== 'darwin') app.quit();
});
