// The training worker: its own process (a utilityProcess in Electron, a child process in web
// mode), so a crash or a long step never freezes the UI. It trains a snapshot of the document
// with the engine's Trainer and streams events back: every batch's metrics, activity
// snapshots at most a few times a second (skipped ones are counted, never waited for), and a
// checkpoint each epoch so the backend keeps the last good weights if this process dies.
import { availableParallelism } from 'node:os';
import type { TrainingEvent } from '../../shared/api/contract';
import { loadSnnFile, type SnnFile, serializeSnnFile } from '../../shared/file/snnFile';
import { nodesOfKind } from '../../shared/graph/document';
import { defaultCacheDir, openDataset } from '../data/index';
import type { SpikeBatch, SpikeDataset } from '../data/types';
import { confusionMatrix } from '../engine/confusion';
import { optimizerStateFromFile, weightsFromFile, withTrainedWeights } from '../engine/snnWeights';
import { Trainer, type TrainerEvent } from '../engine/trainer';
import { applyMachineMemoryLimitAtStart } from '../util/memoryLimit';
import { HEARTBEAT_MS, type WorkerCommand, type WorkerMessage } from './protocol';

// The plan's budget check judges the graph against this machine's memory.
applyMachineMemoryLimitAtStart();

const ACTIVITY_INTERVAL_MS = 400;

interface ParentPort {
  post(message: WorkerMessage): void;
  onCommand(listener: (command: WorkerCommand) => void): void;
}

function connectParent(): ParentPort {
  // Electron's utilityProcess exposes process.parentPort; a Node child process has process.send.
  const electronPort = (
    process as unknown as {
      parentPort?: { postMessage(m: unknown): void; on(e: 'message', l: (e: { data: unknown }) => void): void };
    }
  ).parentPort;
  if (electronPort)
    return {
      post: (m) => electronPort.postMessage(m),
      onCommand: (l) => electronPort.on('message', (e) => l(e.data as WorkerCommand)),
    };
  if (!process.send) throw new Error('The training worker must be started by Spikewright (no parent process).');
  return {
    post: (m) => process.send?.(m),
    onCommand: (l) => process.on('message', (m) => l(m as WorkerCommand)),
  };
}

const parent = connectParent();
let currentRunId: string | null = null;
// Signs of life for the backend's watchdog (services/watchdog.ts), from the first moment on.
setInterval(() => parent.post({ type: 'heartbeat' }), HEARTBEAT_MS).unref();

// tfjs's wasm module rethrows errors as uncaught ones; report them as a failed run instead
// of dying silently (the backend would still say the process exited).
process.on('uncaughtException', (error) => {
  if (currentRunId) parent.post({ type: 'failed', runId: currentRunId, message: `Training failed: ${error.message}` });
  setTimeout(() => process.exit(1), 100);
});
let paused = false;
let stopping = false;
let wake: (() => void) | null = null;
let started = false;

parent.onCommand((command) => {
  switch (command.type) {
    case 'start':
      if (started) return;
      started = true;
      currentRunId = command.runId;
      void run(command).catch((error) => {
        parent.post({
          type: 'failed',
          runId: command.runId,
          message: `Training failed: ${(error as Error)?.message ?? error}`,
        });
        setTimeout(() => process.exit(1), 100);
      });
      return;
    case 'pause':
      paused = true;
      return;
    case 'resume':
      paused = false;
      wake?.();
      return;
    case 'stop':
      stopping = true;
      wake?.();
      return;
  }
});

/** Lets queued IPC messages (pause, stop) in between synchronous training steps. */
const yieldToEvents = () => new Promise<void>((resolve) => setImmediate(resolve));

async function run(command: Extract<WorkerCommand, { type: 'start' }>) {
  const { runId } = command;
  const post = (event: TrainingEvent) => parent.post(event);
  const loaded = loadSnnFile(command.document, 'the document');
  if (!loaded.ok) return post({ type: 'failed', runId, message: loaded.error });
  const file = loaded.file;
  const datasetNode = nodesOfKind(file.graph, 'dataset')[0];
  if (!datasetNode) return post({ type: 'failed', runId, message: 'The graph has no dataset.' });

  let dataset: SpikeDataset;
  try {
    dataset = await openDataset(datasetNode.params, {
      cacheDir: defaultCacheDir(),
    });
  } catch (error) {
    return post({ type: 'failed', runId, message: (error as Error).message });
  }
  let trainer: Trainer;
  try {
    const optimizerState = command.resumeWeights ? optimizerStateFromFile(file) : undefined;
    trainer = new Trainer(file.graph, dataset, {
      engine: command.engine,
      // As the CLI: the fast engine splits each batch over the machine's cores.
      threads: availableParallelism(),
      ...(command.resumeWeights ? { initialWeights: weightsFromFile(file) } : {}),
      ...(optimizerState ? { optimizerState } : {}),
    });
  } catch (error) {
    return post({ type: 'failed', runId, message: (error as Error).message });
  }

  const snapshot = (): SnnFile =>
    withTrainedWeights(file, trainer.getWeights(), { epochs: trainer.epochsCompleted }, trainer.getOptimizerState());
  const activityBatch = firstBatch(dataset);
  const dt = datasetNode.params.dt;
  let lastActivity = 0;
  let dropped = 0;
  let startedAt = performance.now();
  let finished: Extract<TrainerEvent, { type: 'done' }> | null = null;
  let lastNorms: Extract<TrainerEvent, { type: 'batch' }>['norms'];

  for await (const event of trainer.run()) {
    await yieldToEvents();
    while (paused && !stopping) {
      post({ type: 'paused', runId });
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = null;
      if (!stopping) post({ type: 'resumed', runId });
    }
    if (stopping) break;
    switch (event.type) {
      case 'started':
        startedAt = performance.now();
        post({ ...event, runId });
        break;
      case 'batch': {
        post({ ...event, runId, dropped });
        dropped = 0;
        lastNorms = event.norms;
        const now = performance.now();
        if (activityBatch && now - lastActivity >= ACTIVITY_INTERVAL_MS) {
          lastActivity = now;
          post(await activity(trainer, activityBatch, runId, dt, event.epoch, event.batch, lastNorms));
        } else if (activityBatch) dropped++;
        break;
      }
      case 'epoch':
        post({ ...event, runId });
        parent.post({ type: 'checkpoint', runId, document: serializeSnnFile(snapshot()) });
        break;
      case 'done':
        finished = event;
        break;
      case 'failed':
        // A run that never had finite weights hands back no document: the user's stays as it was.
        post({ ...event, runId, ...(trainer.hasGoodWeights() ? { document: serializeSnnFile(snapshot()) } : {}) });
        return exitSoon();
    }
  }

  const seconds = (performance.now() - startedAt) / 1000;
  const backend = finished?.backend ?? trainer.backendName;
  const training = {
    epochs: trainer.epochsCompleted,
    backend,
    engine: trainer.engineName,
    ...(finished?.testAcc !== undefined ? { testAccuracy: finished.testAcc } : {}),
    ...(finished?.trainAcc !== undefined ? { trainAccuracy: finished.trainAcc } : {}),
  };
  const trained = withTrainedWeights(file, trainer.getWeights(), training, trainer.getOptimizerState());
  const confusion = finished ? await confusionMatrix(trainer, dataset, { betweenBatches: yieldToEvents }) : null;
  trainer.dispose();
  post({
    ...(finished ?? { type: 'done', backend, engine: trainer.engineName, epochs: trainer.epochsCompleted }),
    runId,
    seconds,
    stopped: !finished,
    document: serializeSnnFile(trained),
    ...(confusion ? { confusion: confusion.matrix, confusionSamples: confusion.samples } : {}),
  });
  exitSoon();
}

function exitSoon() {
  // Let the last messages flush before the process goes.
  setTimeout(() => process.exit(0), 200);
}

function firstBatch(dataset: SpikeDataset): SpikeBatch | null {
  for (const split of ['validation', 'test', 'train'] as const) {
    if (dataset.size(split) === 0) continue;
    for (const batch of dataset.batches(split, { batchSize: Math.min(4, dataset.size(split)) })) return batch;
  }
  return null;
}

async function activity(
  trainer: Trainer,
  batch: SpikeBatch,
  runId: string,
  dtMs: number,
  epoch: number,
  batchIndex: number,
  norms: Extract<TrainerEvent, { type: 'batch' }>['norms'],
): Promise<TrainingEvent> {
  const recording = await trainer.record(batch, { samples: batch.batchSize, neurons: 4 });
  const seconds = (recording.timeSteps * dtMs) / 1000;
  return {
    type: 'activity',
    runId,
    timeSteps: recording.timeSteps,
    samples: recording.samples,
    epoch,
    batch: batchIndex,
    // Hidden populations first: they are what users watch; the input raster comes last.
    populations: [
      ...recording.populations.filter((p) => p.kind === 'lif'),
      ...recording.populations.filter((p) => p.kind === 'input'),
    ].map((p) => {
      const events = p.spikes;
      const counts = new Int32Array(p.size);
      for (let i = 2; i < events.length; i += 3) counts[events[i] as number] = (counts[events[i] as number] ?? 0) + 1;
      const spikes = events.length / 3;
      return {
        id: p.id,
        name: p.name,
        size: p.size,
        events,
        counts,
        rate: spikes / Math.max(1e-9, p.size * recording.samples * seconds),
      };
    }),
    traces: recording.populations
      .filter((p) => p.kind !== 'input')
      .flatMap((p) =>
        (p.membranes[0] ?? []).map((values, neuron) => ({
          populationId: p.id,
          neuron,
          values: Float32Array.from(values),
        })),
      ),
    ...(norms ? { norms } : {}),
  };
}
