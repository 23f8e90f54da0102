// The state of the current training run, fed by the backend's event stream. None of this is
// document history: only the trained weights, when a run ends, enter the document.
import type { StateCreator } from 'zustand';
import type { TrainingEvent } from '../../../shared/api/contract';
import { compactRun, type RunCurves, type SavedRun } from '../../../shared/file/savedRun';
import { loadSnnFile, serializeSnnFile } from '../../../shared/file/snnFile';
import { api } from '../api';
import type { AppState } from '../store';
import { trainedPartsFor, trainedPartsOf } from '../store/trainedParts';
import { trainBlocker } from './trainStatus';

export type ActivityEvent = Extract<TrainingEvent, { type: 'activity' }>;
export type RunStatus = 'idle' | 'starting' | 'running' | 'paused' | 'done' | 'stopped' | 'failed';

/** The live run: its status and progress, and its curves so far (RunCurves). */
export interface TrainingRun extends RunCurves {
  status: RunStatus;
  runId: string | null;
  engine: 'fast' | 'reference';
  backend: string | null;
  notes: string[];
  epochs: number;
  batchesPerEpoch: number;
  epoch: number;
  batch: number;
  samplesPerSecond: number;
  startedAt: number;
  activity: ActivityEvent | null;
  result: { testAcc?: number; trainAcc?: number; seconds: number; confusion?: number[][] } | null;
  error: string | null;
  dropped: number;
  /** Activity snapshots received (the raster, traces and rates redraw on each). */
  activityFrames: number;
  /** Pause or stop was asked for and the worker has not answered yet (it does after the current batch). */
  pending: 'pausing' | 'stopping' | null;
  /** When the first batch arrived and how many batches it brought: the time estimate starts there, after compiling. */
  firstBatchAt: number | null;
  /** Why the training process looks stuck (the backend's watchdog), or null while it answers. */
  stalled: string | null;
  /** The graph as it was when the run began, to tell the user it has changed since. */
  graphAtStart: string | null;
  /** The document the run trains (documentEpoch at start): its results go to that document only. */
  documentAtStart: number | null;
  /**
   * Why the last Train was refused (another run in progress, the backend said no), or null.
   * A refused start is not a run: the run shown before it (if any) stays as it was.
   */
  refused: string | null;
  resumeWeights: boolean;
}

export interface TrainingSlice {
  training: TrainingRun;
  startTraining(): Promise<void>;
  pauseTraining(): Promise<void>;
  resumeTraining(): Promise<void>;
  stopTraining(): Promise<void>;
  setTrainingOptions(options: Partial<Pick<TrainingRun, 'engine' | 'resumeWeights'>>): void;
  handleTrainingEvent(event: TrainingEvent): void;
  dismissTrainingError(): void;
}

export const idleRun: TrainingRun = {
  status: 'idle',
  runId: null,
  engine: 'fast',
  backend: null,
  notes: [],
  epochs: 0,
  batchesPerEpoch: 0,
  epoch: 0,
  batch: 0,
  samplesPerSecond: 0,
  startedAt: 0,
  batchX: [],
  batchLoss: [],
  batchAcc: [],
  epochX: [],
  epochTrainLoss: [],
  epochValLoss: [],
  epochTrainAcc: [],
  epochValAcc: [],
  activity: null,
  result: null,
  error: null,
  dropped: 0,
  activityFrames: 0,
  normX: [],
  norms: {},
  pending: null,
  firstBatchAt: null,
  stalled: null,
  graphAtStart: null,
  documentAtStart: null,
  refused: null,
  resumeWeights: false,
};

const BATCH_FLUSH_MS = 150;

export const isActive = (status: RunStatus) => status === 'starting' || status === 'running' || status === 'paused';

export const createTrainingSlice: StateCreator<AppState, [], [], TrainingSlice> = (set, get) => {
  const patch = (p: Partial<TrainingRun>) => set((s) => ({ training: { ...s.training, ...p } }));
  const fail = (error: unknown) => patch({ status: 'failed', error: (error as Error)?.message ?? String(error) });
  let pendingBatches: Extract<TrainingEvent, { type: 'batch' }>[] = [];
  let flushTimer: ReturnType<typeof setTimeout> | null = null;

  /** Applies the batch events received since the last flush in one store update. */
  function flushBatches() {
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = null;
    if (pendingBatches.length === 0) return;
    const events = pendingBatches;
    pendingBatches = [];
    const run = get().training;
    if (events[0] && events[0].runId !== run.runId) return;
    const last = events[events.length - 1] as (typeof events)[number];
    patch({
      epoch: last.epoch,
      batch: last.batch,
      batchesPerEpoch: last.batches,
      samplesPerSecond: last.samplesPerSecond,
      batchX: [...run.batchX, ...events.map((e) => (e.epoch - 1) * e.batches + e.batch)],
      batchLoss: [...run.batchLoss, ...events.map((e) => e.loss)],
      batchAcc: [...run.batchAcc, ...events.map((e) => e.acc)],
      dropped: run.dropped + events.reduce((n, e) => n + (e.dropped ?? 0), 0),
      firstBatchAt: run.firstBatchAt ?? Date.now(),
      ...appendNorms(
        run,
        events
          .filter((e) => e.norms && e.norms.length > 0)
          .map((e) => ({ x: (e.epoch - 1) * e.batches + e.batch, norms: e.norms ?? [] })),
      ),
    });
  }

  return {
    training: idleRun,
    async startTraining() {
      const { training, weights } = get();
      if (isActive(training.status)) return;
      const blocker = trainBlocker(get().graph);
      if (blocker) {
        get().showToast(blocker, 'error');
        return;
      }
      pendingBatches = [];
      const resume = training.resumeWeights && !!weights;
      const before = { ...training, refused: null };
      set({
        training: {
          ...idleRun,
          engine: training.engine,
          resumeWeights: training.resumeWeights,
          status: 'starting',
          startedAt: Date.now(),
          graphAtStart: JSON.stringify(get().graph),
          documentAtStart: get().documentEpoch,
        },
      });
      try {
        const { runId } = await api.startTraining({
          document: serializeSnnFile(get().toFile()),
          engine: training.engine,
          resumeWeights: resume,
          // Recorded in the document's runs folder (the Runs panel lists them).
          documentPath: get().filePath,
        });
        if (get().training.status === 'starting') patch({ runId, status: 'running' });
        else patch({ runId });
      } catch (error) {
        // Refused before it began (another run holds the training process, the backend
        // rejected the document): nothing ran, so nothing failed. Whatever was shown before
        // stays, with the reason beside it; a run going on elsewhere is not touched.
        const reason = (error as Error)?.message ?? String(error);
        set({ training: { ...before, refused: reason } });
      }
    },
    async pauseTraining() {
      const { runId, status } = get().training;
      if (!runId || status !== 'running') return;
      // The worker pauses after the batch it is computing; say so at once.
      patch({ pending: 'pausing' });
      await api.pauseTraining({ runId }).catch(fail);
    },
    async resumeTraining() {
      const { runId, status } = get().training;
      if (runId && status === 'paused') await api.resumeTraining({ runId }).catch(fail);
    },
    async stopTraining() {
      const { runId, status } = get().training;
      if (!runId || !isActive(status)) return;
      patch({ pending: 'stopping' });
      await api.stopTraining({ runId }).catch(fail);
    },
    setTrainingOptions(options) {
      patch(options);
    },
    dismissTrainingError() {
      patch({ error: null });
    },
    handleTrainingEvent(event) {
      const run = get().training;
      // Events of another run (a second window, an old run finishing) are not ours to show.
      if (run.runId !== null && event.runId !== run.runId) return;
      // Before the backend has answered with our run's id, only a run's start can be ours: the
      // events of a run another window started must not land here meanwhile.
      if (run.runId === null && (run.status !== 'starting' || event.type !== 'started')) return;
      // Any event but a stall report means the process is alive.
      if (event.type !== 'stalled' && run.stalled) patch({ stalled: null });
      switch (event.type) {
        case 'stalled':
          patch({ stalled: event.message });
          return;
        case 'responding':
          return;
        case 'started':
          patch({
            runId: event.runId,
            status: 'running',
            backend: event.backend,
            engine: event.engine === 'reference' ? 'reference' : 'fast',
            notes: event.notes,
            epochs: event.epochs,
            batchesPerEpoch: event.batchesPerEpoch,
          });
          return;
        case 'batch':
          // Batches arrive many times a second; the plots redraw a few times a second.
          pendingBatches.push(event);
          flushTimer ??= setTimeout(flushBatches, BATCH_FLUSH_MS);
          return;
        case 'epoch': {
          flushBatches();
          const x = event.epoch * get().training.batchesPerEpoch;
          patch({
            epochX: [...run.epochX, x],
            epochTrainLoss: [...run.epochTrainLoss, event.trainLoss],
            epochValLoss: [...run.epochValLoss, event.valLoss ?? null],
            epochTrainAcc: [...run.epochTrainAcc, event.trainAcc],
            epochValAcc: [...run.epochValAcc, event.valAcc ?? null],
          });
          return;
        }
        case 'activity':
          patch({ activity: event, activityFrames: run.activityFrames + 1 });
          return;
        case 'paused':
          patch({ status: 'paused', pending: run.pending === 'stopping' ? 'stopping' : null });
          return;
        case 'resumed':
          patch({ status: 'running' });
          return;
        case 'done': {
          flushBatches();
          const ours = sameDocument();
          if (event.document && ours) adoptWeights(event.document);
          patch({
            pending: null,
            status: event.stopped ? 'stopped' : 'done',
            result: {
              seconds: event.seconds,
              ...(event.testAcc !== undefined ? { testAcc: event.testAcc } : {}),
              ...(event.trainAcc !== undefined ? { trainAcc: event.trainAcc } : {}),
              ...(event.confusion ? { confusion: event.confusion } : {}),
            },
          });
          // The curves and test figures go into the document with the weights, to be saved with it.
          if (ours && get().training.batchX.length > 0) set({ lastRun: savedRunOf(get().training, new Date()) });
          if (!ours)
            get().showToast(
              'The run finished after its document was closed: its weights and curves were not put into this document.',
              'info',
            );
          return;
        }
        case 'failed':
          if (event.document && sameDocument()) adoptWeights(event.document);
          patch({ status: 'failed', pending: null, error: event.message });
          return;
      }
    },
  };

  /** True while the document the run began with is still the open one. */
  function sameDocument() {
    const { documentAtStart } = get().training;
    return documentAtStart === null || documentAtStart === get().documentEpoch;
  }

  /** Takes the trained weights (and biases, per-neuron parameters, delays) into the document; the graph itself is left as the user has it now. */
  function adoptWeights(text: string) {
    const loaded = loadSnnFile(text, 'the trained network');
    if (!loaded.ok || !loaded.file.weights) return;
    const current = get().graph;
    const weights = Object.fromEntries(
      Object.entries(loaded.file.weights).filter(([edgeId]) => current.edges.some((e) => e.id === edgeId)),
    );
    set({
      weights,
      optimizerState: loaded.file.optimizerState,
      trained: trainedPartsFor(trainedPartsOf(loaded.file), current),
      metadata: loaded.file.metadata.training
        ? { ...get().metadata, training: loaded.file.metadata.training }
        : get().metadata,
    });
  }
};

type Norms = { edgeId: string; weight: number; grad?: number | undefined }[];

/** The norm history with these snapshots appended (every connection keeps one value per snapshot). */
export function appendNorms(
  run: Pick<TrainingRun, 'normX' | 'norms'>,
  snapshots: { x: number; norms: Norms }[],
): Pick<TrainingRun, 'normX' | 'norms'> {
  if (snapshots.length === 0) return { normX: run.normX, norms: run.norms };
  const normX = [...run.normX];
  const norms: TrainingRun['norms'] = {};
  for (const [id, n] of Object.entries(run.norms)) norms[id] = { weight: [...n.weight], grad: [...n.grad] };
  for (const snap of snapshots) {
    const length = normX.length;
    const byEdge = new Map(snap.norms.map((n) => [n.edgeId, n]));
    for (const id of byEdge.keys())
      norms[id] ??= { weight: new Array(length).fill(null), grad: new Array(length).fill(null) };
    for (const [id, series] of Object.entries(norms)) {
      const n = byEdge.get(id);
      series.weight.push(n?.weight ?? null);
      series.grad.push(n?.grad ?? null);
    }
    normX.push(snap.x);
  }
  return { normX, norms };
}

/** True when the document's graph differs from the one the run is training. */
export function graphChangedSinceStart(state: AppState): boolean {
  const { graphAtStart, status } = state.training;
  return graphAtStart !== null && status !== 'idle' && JSON.stringify(state.graph) !== graphAtStart;
}

/** An ended run as the document keeps it (bounded: shared/file/savedRun.ts). */
export function savedRunOf(run: TrainingRun, finishedAt: Date): SavedRun {
  return compactRun({
    outcome: run.status === 'stopped' ? 'stopped' : 'finished',
    finishedAt,
    seconds: run.result?.seconds ?? (Date.now() - run.startedAt) / 1000,
    epochs: run.epochs,
    batchesPerEpoch: run.batchesPerEpoch,
    engine: run.engine,
    backend: run.backend,
    batchX: run.batchX,
    batchLoss: run.batchLoss,
    batchAcc: run.batchAcc,
    epochX: run.epochX,
    epochTrainLoss: run.epochTrainLoss,
    epochValLoss: run.epochValLoss,
    epochTrainAcc: run.epochTrainAcc,
    epochValAcc: run.epochValAcc,
    normX: run.normX,
    norms: run.norms,
    ...(run.result?.testAcc !== undefined ? { testAccuracy: run.result.testAcc } : {}),
    ...(run.result?.trainAcc !== undefined ? { trainAccuracy: run.result.trainAcc } : {}),
    ...(run.result?.confusion ? { confusion: run.result.confusion } : {}),
  });
}

/**
 * A saved run as the training view draws it: the figures read the same fields as a live run's.
 * Its status stays 'idle' (nothing is running); `saved` tells the view where it came from.
 */
export function runOfSaved(saved: SavedRun, engine: TrainingRun['engine']): TrainingRun {
  const b = saved.batchCurves;
  const e = saved.epochCurves;
  const norms: TrainingRun['norms'] = {};
  for (const [id, n] of Object.entries(saved.norms?.connections ?? {})) norms[id] = { weight: n.weight, grad: n.grad };
  return {
    ...idleRun,
    engine,
    epochs: saved.epochs,
    batchesPerEpoch: saved.batchesPerEpoch,
    batchX: b.x,
    batchLoss: b.loss,
    batchAcc: b.acc,
    epochX: e.x,
    epochTrainLoss: e.trainLoss,
    epochValLoss: e.valLoss,
    epochTrainAcc: e.trainAcc,
    epochValAcc: e.valAcc,
    normX: saved.norms?.x ?? [],
    norms,
    result: {
      seconds: saved.seconds,
      ...(saved.testAccuracy !== undefined ? { testAcc: saved.testAccuracy } : {}),
      ...(saved.trainAccuracy !== undefined ? { trainAcc: saved.trainAccuracy } : {}),
      ...(saved.confusion ? { confusion: saved.confusion } : {}),
    },
  };
}
