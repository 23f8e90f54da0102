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
import { createHandlers } from '../services/backend';
import { CSP } from '../services/csp';
import { createRecentFiles } from '../services/recovery';
import { createTrainingService, type WorkerHandle } from '../services/training';
import type { WorkerCommand, WorkerMessage } from '../worker/protocol';
import { APP_ORIGIN, isTrustedSenderUrl, rendererFilePath } from './ipcGuard';
import { createDesktopShell, documentPathFromArgs } from './shell';

protocol.registerSchemesAsPrivileged([
  { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

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
    kill: () => void child.kill(),
    ...(child.pid !== undefined ? { pid: child.pid } : {}),
  };
}

const sendAppEvent = (event: AppEvent) => mainWindow?.webContents.send(IPC_EVENT_CHANNEL, event);
const desktop = createDesktopShell(() => mainWindow, sendAppEvent);
// A document to open once the page is ready: from the command line or the OS (macOS open-file).
let pendingOpen: string | null = documentPathFromArgs(process.argv);

const training = createTrainingService({
  spawn: forkUtilityWorker,
  // Metrics go over a dedicated MessagePort (structured clone keeps typed arrays as such).
  emit: (event: TrainingEvent) =>
    trainingPort ? trainingPort.postMessage(event) : mainWindow?.webContents.send(IPC_EVENT_CHANNEL, event),
});

const dispatch = createApiDispatcher(
  createHandlers({
    examplesDir: join(appRoot, 'examples'),
    appVersion: app.getVersion(),
    transport: 'electron',
    training,
    stateDir: process.env.SPIKEWRIGHT_STATE_DIR ?? app.getPath('userData'),
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
    if (url.startsWith('https://')) void shell.openExternal(url);
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
  if (process.platform !== 'darwin') app.quit();
});
