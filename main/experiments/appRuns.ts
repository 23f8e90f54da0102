// Records the app's training runs (the training worker's events) into run folders: beside the
// document when it has been saved, in the app's data folder otherwise. The training service
// stays as it is; this wraps its start() and taps the events it emits.
import os from 'node:os';
import path from 'node:path';
import type { TrainingEvent } from '../../shared/api/contract';
import type { RunInfo } from '../../shared/api/runs';
import { loadSnnFile } from '../../shared/file/snnFile';
import { nodesOfKind } from '../../shared/graph/document';
import { newRunId, RunRecorder, runsFolderFor } from './runStore';

export interface RunHistory {
  /** Where the runs of a document go: beside it, or the app's data folder for unsaved ones. */
  folderFor(documentPath: string | null | undefined): string;
  /** Call when a run has been started (before its events arrive). */
  begin(
    runId: string,
    request: {
      document: string;
      engine: string;
      documentPath?: string | null;
      /** The runs folder to record into, when the caller has resolved it (overrides documentPath). */
      folder?: string;
      settings?: RunInfo['settings'];
    },
  ): void;
  /** Every event the training service emits. */
  onEvent(event: TrainingEvent): void;
}

export function createRunHistory(stateDir: string): RunHistory {
  const active = new Map<string, RunRecorder>();
  const folderFor = (documentPath: string | null | undefined) =>
    documentPath ? runsFolderFor(documentPath) : path.join(stateDir, 'runs');
  return {
    folderFor,
    begin(runId, { document, engine, documentPath, folder, settings }) {
      const loaded = loadSnnFile(document);
      const training = loaded.ok ? nodesOfKind(loaded.file.graph, 'training')[0] : undefined;
      const name = loaded.ok ? loaded.file.metadata.name || 'untitled' : 'untitled';
      try {
        active.set(
          runId,
          new RunRecorder(path.join(folder ?? folderFor(documentPath), newRunId()), {
            name,
            source: 'app',
            engine,
            threads: os.availableParallelism(),
            seed: training?.params.seed ?? 0,
            settings: settings ?? {},
            document,
          }),
        );
      } catch (error) {
        // An unwritable folder must not stop the training itself.
        process.stderr.write(`spikewright: cannot record run ${runId}: ${(error as Error).message}\n`);
      }
    },
    onEvent(event) {
      const rec = active.get(event.runId);
      if (!rec) return;
      switch (event.type) {
        case 'started':
          rec.started(event);
          break;
        case 'batch':
          rec.batch(event);
          break;
        case 'epoch':
          rec.epoch(event);
          break;
        case 'done':
          rec.finish(event.stopped ? 'stopped' : 'done', {
            seconds: event.seconds,
            final: {
              epochs: event.epochs,
              ...(event.testLoss !== undefined ? { testLoss: event.testLoss } : {}),
              ...(event.testAcc !== undefined ? { testAcc: event.testAcc } : {}),
              ...(event.trainAcc !== undefined ? { trainAcc: event.trainAcc } : {}),
            },
            ...(event.document !== undefined ? { weights: event.document } : {}),
            ...(event.confusion ? { confusion: event.confusion } : {}),
          });
          active.delete(event.runId);
          break;
        case 'failed':
          rec.finish('failed', { error: event.message });
          active.delete(event.runId);
          break;
      }
    },
  };
}
