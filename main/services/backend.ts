// The services behind the API, shared by the Electron main process and the web-mode server.
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ApiHandlers, ApiParams, TrainingEvent } from '../../shared/api/contract';
import { ApiError } from '../../shared/api/contract';
import { withDocumentExtension } from '../../shared/api/documentPaths';
import { parseGraphDocument, restoreParams } from '../../shared/graph/document';
import { validateGraph } from '../../shared/graph/validate';
import type { SpikeDataset } from '../data/types';
import type { RunHistory } from '../experiments/appRuns';
import { exportNirDocument, importNirDocument, NirExportError, NirImportError } from '../nir/index';
import type { DocumentAccess } from './documentAccess';
import { readBytes, writeFileAtomic } from './documents';
import { listExamples, readExample } from './examples';
import { createRecentFiles, createRecoveryStore } from './recovery';
import { createRunsService, type RunsService } from './runs';
import type { TrainingService } from './training';

export interface BackendOptions {
  examplesDir: string;
  appVersion: string;
  transport: 'electron' | 'web';
  training: TrainingService;
  /** Records every training run in its document's runs folder (the app's data folder when unsaved). */
  runHistory?: RunHistory;
  /**
   * Run history and sweeps (services/runs.ts); by default one over `access` and `stateDir` whose
   * sweep progress goes nowhere (tests that do not sweep).
   */
  runs?: RunsService;
  /** Folder for the recovery file and recent files. */
  stateDir: string;
  /** Which paths openDocument and saveDocument accept (documentAccess.ts). */
  access: DocumentAccess;
  /** The desktop shell's native parts; web mode has none and the UI uses its own. */
  shell?: DesktopShell;
}

export interface DesktopShell {
  showOpenDialog(purpose: 'document' | 'nir'): Promise<string | null>;
  showSaveDialog(defaultName: string, purpose: 'document' | 'nir'): Promise<string | null>;
  setWindowState(state: ApiParams<'setWindowState'>): void;
  /** Recent files changed (Electron adds them to the OS's recent documents and the menu). */
  recentChanged?(paths: string[]): void;
}

export function createHandlers(options: BackendOptions): ApiHandlers {
  const { access } = options;
  const runs =
    options.runs ??
    createRunsService({
      access,
      stateDir: options.stateDir,
      taskEntry: fileURLToPath(new URL('../experiments/taskMain.ts', import.meta.url)),
      emit: () => {},
    });
  const recovery = createRecoveryStore(options.stateDir);
  const recent = createRecentFiles(options.stateDir);
  // Recorded in every mode (web mode lists them in its Open dialog and File menu); Electron
  // also hands the list to the OS's recent documents and the native menu.
  const remember = async (path: string) => {
    const list = await recent.add(path);
    options.shell?.recentChanged?.(list);
  };
  // The recent list is the user's own choice of files: they may be opened again (Electron).
  const recentGranted = recent.list().then((paths) => {
    for (const p of paths) access.grant(p);
  });
  const importNir = async (bytes: Uint8Array, fileName: string, dtSeconds?: number) => {
    try {
      const name = fileName.replace(/\.(nir|h5|hdf5)$/i, '');
      const result = await importNirDocument(bytes, {
        appVersion: options.appVersion,
        name,
        ...(dtSeconds !== undefined ? { dtSeconds } : {}),
      });
      return {
        text: result.text,
        unmapped: [...result.unmapped, ...result.problems],
        notes: result.notes,
        dtSeconds: result.dtSeconds,
      };
    } catch (error) {
      if (error instanceof NirImportError) throw new ApiError(`${fileName}: ${error.message}`);
      throw error;
    }
  };
  return {
    listExamples: () => listExamples(options.examplesDir),
    openExample: ({ id }) => readExample(options.examplesDir, id),
    appInfo: async () => ({
      name: 'Spikewright',
      version: options.appVersion,
      transport: options.transport,
      platform: process.platform,
      ...(access.workspace ? { workspace: access.workspace } : {}),
    }),
    openDocument: async ({ path }) => {
      await recentGranted;
      const allowed = await access.forRead(path);
      const bytes = await readBytes(allowed.path);
      const name = basename(allowed.path);
      await remember(allowed.path);
      if (allowed.kind === 'document') return { text: bytes.toString('utf8'), path: allowed.path, name };
      // A NIR file opens as a new, unsaved document (it has no .snn.json path yet).
      const imported = await importNir(bytes, name);
      return { text: imported.text, path: null, name: `${name.replace(/\.nir$/i, '')}.snn.json` };
    },
    saveDocument: async ({ path, text }) => {
      await recentGranted;
      const saved = await writeFileAtomic(await access.forWrite(path), text);
      await remember(saved);
      return { path: saved };
    },
    validate: async ({ graph }) => {
      const parsed = parseGraphDocument(graph);
      if (!parsed.ok) return parsed.errors.map((message) => ({ severity: 'error' as const, message }));
      return validateGraph(parsed.graph);
    },
    startTraining: async ({ document, engine, resumeWeights, documentPath }) => {
      // The run is recorded beside the document; a path the page may not use (it never should
      // have one) is said on the console and the run goes to the app's data folder instead:
      // recording must never stop the training itself.
      let folder: string | undefined;
      if (options.runHistory) {
        folder = await runs.folderFor(documentPath ?? null).catch((error: Error) => {
          process.stderr.write(`spikewright: recording this run in the app's data folder: ${error.message}\n`);
          return runs.folderFor(null);
        });
      }
      const started = await options.training.start({
        document,
        engine: engine ?? 'fast',
        resumeWeights: resumeWeights ?? false,
      });
      // Every app run is kept (main/experiments/appRuns.ts); its events are recorded as they come.
      options.runHistory?.begin(started.runId, {
        document,
        engine: engine ?? 'fast',
        ...(folder ? { folder } : {}),
        settings: { resumeWeights: resumeWeights ?? false },
      });
      return started;
    },
    ...runs.handlers,
    pauseTraining: async ({ runId }) => {
      options.training.pause(runId);
      return {};
    },
    resumeTraining: async ({ runId }) => {
      options.training.resume(runId);
      return {};
    },
    stopTraining: ({ runId }) => options.training.stop(runId),
    exportDocument: async ({ document, target, samples }) => {
      try {
        const out = await exportNirDocument(document, {
          appVersion: options.appVersion,
          ...(target ? { target } : {}),
          agreementSamples: samples ?? 256,
        });
        return {
          data: Buffer.from(out.data).toString('base64'),
          fileName: out.fileName,
          ...(out.agreement ? { agreement: out.agreement } : {}),
        };
      } catch (error) {
        if (error instanceof NirExportError) throw new ApiError(error.message);
        throw error;
      }
    },
    importDocument: ({ data, fileName, dtSeconds }) => importNir(Buffer.from(data, 'base64'), fileName, dtSeconds),
    readRecovery: () => recovery.read(),
    writeRecovery: async ({ text, name, path }) => {
      await recovery.write(text, name, path);
      return {};
    },
    clearRecovery: async () => {
      await recovery.clear();
      return {};
    },
    // A path the user picks in a native dialog is one the UI may then open or save.
    showOpenDialog: async ({ purpose }) => {
      if (!options.shell) return { available: false, path: null };
      const path = await options.shell.showOpenDialog(purpose ?? 'document');
      if (path) access.grant(path);
      return { available: true, path };
    },
    showSaveDialog: async ({ defaultName, purpose }) => {
      if (!options.shell) return { available: false, path: null };
      const chosen = await options.shell.showSaveDialog(defaultName, purpose ?? 'document');
      // The UI saves documents under the name with the extension; that is the path granted.
      const path = chosen && (purpose ?? 'document') === 'document' ? withDocumentExtension(chosen) : chosen;
      if (path) access.grant(path);
      return { available: true, path };
    },
    recentFiles: () => recent.list(),
    previewDataset: async ({ params, samples }) => {
      const { DatasetError, datasetPreview, defaultCacheDir, openDataset } = await import('../data/index');
      try {
        const dataset = await openDataset(restoreParams('dataset', params), { cacheDir: defaultCacheDir() });
        const preview = datasetPreview(dataset, { samples: 1 });
        return {
          name: preview.name,
          inputUnits: preview.inputUnits,
          classes: preview.classes,
          timeSteps: preview.timeSteps,
          ...(preview.classNames ? { classNames: [...preview.classNames] } : {}),
          splits: preview.splits,
          samples: distinctClassSamples(dataset, samples ?? 4),
        };
      } catch (error) {
        if (error instanceof DatasetError) throw new ApiError(error.message);
        throw error;
      }
    },
    setWindowState: async (state) => {
      options.shell?.setWindowState(state);
      return {};
    },
  };
}

export type EventSink = (event: TrainingEvent) => void;

/** Up to `count` training samples of different classes (from a shuffled batch), as [step, unit] pairs. */
function distinctClassSamples(dataset: SpikeDataset, count: number): { label: number; events: number[] }[] {
  const split = dataset.size('train') > 0 ? 'train' : 'test';
  const out: { label: number; events: number[] }[] = [];
  const seen = new Set<number>();
  for (const batch of dataset.batches(split, { batchSize: Math.min(256, dataset.size(split)), shuffleSeed: 1 })) {
    const T = batch.timeSteps;
    for (let b = 0; b < batch.batchSize && out.length < count; b++) {
      const label = batch.labels[b] as number;
      if (seen.has(label)) continue;
      seen.add(label);
      const events: number[] = [];
      for (let t = 0; t < T; t++)
        for (let e = batch.offsets[b * T + t] as number; e < (batch.offsets[b * T + t + 1] as number); e++)
          events.push(t, batch.units[e] as number);
      out.push({ label, events });
    }
    break;
  }
  return out;
}
