// The API's method names as plain data, for code that must not load the schemas (the
// sandboxed Electron preload). contract.ts checks at compile time that the two lists agree.
export const API_METHOD_NAMES = [
  'appInfo',
  'listExamples',
  'openExample',
  'openDocument',
  'saveDocument',
  'validate',
  'startTraining',
  'pauseTraining',
  'resumeTraining',
  'stopTraining',
  'listRuns',
  'showRun',
  'deleteRuns',
  'openRunWeights',
  'startSweep',
  'stopSweep',
  'resumeSweep',
  'sweepStatus',
  'deleteSweep',
  'exportDocument',
  'importDocument',
  'readRecovery',
  'writeRecovery',
  'clearRecovery',
  'showOpenDialog',
  'showSaveDialog',
  'recentFiles',
  'previewDataset',
  'setWindowState',
] as const;

export const IPC_INVOKE_PREFIX = 'spikewright:';
export const IPC_EVENT_CHANNEL = 'spikewright:event';
/** Carries the MessagePort over which training metrics stream to the page (Electron). */
export const IPC_PORT_CHANNEL = 'spikewright:training-port';

/** The preload's subscription functions, besides the one-per-method API. */
export const BRIDGE_SUBSCRIPTIONS = ['onTrainingEvent', 'onAppEvent', 'onSweepEvent'] as const;
