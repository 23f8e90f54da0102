// Trains one document into one run folder: what a sweep's pool worker and a Slurm task do.
// Every way a run can end (bad graph, missing dataset, NaN, a stop signal) ends with a
// run.json that says so.
import { loadSnnFile, serializeSnnFile } from '../../shared/file/snnFile';
import { nodesOfKind } from '../../shared/graph/document';
import { validateGraph } from '../../shared/graph/validate';
import { defaultCacheDir, openDataset } from '../data/index';
import type { SpikeDataset } from '../data/types';
import { confusionMatrix } from '../engine/confusion';
import { optimizerStateFromFile, weightsFromFile, withTrainedWeights } from '../engine/snnWeights';
import { Trainer } from '../engine/trainer';
import { RunRecorder, type RunStart } from './runStore';

export interface RunTaskOptions {
  dir: string;
  document: string;
  name: string;
  source: RunStart['source'];
  engine: 'fast' | 'reference';
  threads: number;
  epochs?: number;
  maxBatches?: number;
  maxEvalBatches?: number;
  sweep?: RunStart['sweep'];
  cacheDir?: string;
  signal?: AbortSignal;
  onBatch?: (ev: { epoch: number; batch: number; batches: number; loss: number; acc: number }) => void;
}

export async function runTask(o: RunTaskOptions): Promise<'done' | 'failed' | 'stopped'> {
  const loaded = loadSnnFile(o.document, o.name);
  const training = loaded.ok ? nodesOfKind(loaded.file.graph, 'training')[0] : undefined;
  const settings: RunStart['settings'] = {};
  if (o.epochs !== undefined) settings.epochs = o.epochs;
  if (o.maxBatches !== undefined) settings.maxBatches = o.maxBatches;
  if (o.maxEvalBatches !== undefined) settings.maxEvalBatches = o.maxEvalBatches;
  const recorder = new RunRecorder(o.dir, {
    name: o.name,
    source: o.source,
    engine: o.engine,
    threads: o.threads,
    seed: training?.params.seed ?? 0,
    settings,
    document: o.document,
    ...(o.sweep ? { sweep: o.sweep } : {}),
  });
  const fail = (error: string) => {
    recorder.finish('failed', { error });
    return 'failed' as const;
  };
  if (!loaded.ok) return fail(loaded.error);
  const file = loaded.file;
  const errors = validateGraph(file.graph).filter((p) => p.severity === 'error');
  if (errors.length) return fail(`The graph cannot be trained: ${errors.map((e) => e.message).join('; ')}`);
  const datasetNode = nodesOfKind(file.graph, 'dataset')[0];
  if (!datasetNode) return fail('The graph has no dataset.');
  let dataset: SpikeDataset;
  try {
    dataset = await openDataset(datasetNode.params, { cacheDir: o.cacheDir ?? defaultCacheDir() });
  } catch (e) {
    return fail(`Cannot open the dataset: ${(e as Error).message}`);
  }
  let trainer: Trainer;
  try {
    const initialWeights = weightsFromFile(file);
    const optimizerState = optimizerStateFromFile(file);
    trainer = new Trainer(file.graph, dataset, {
      engine: o.engine,
      threads: o.threads,
      ...(Object.keys(initialWeights).length ? { initialWeights } : {}),
      ...(optimizerState ? { optimizerState } : {}),
      ...(o.epochs !== undefined ? { epochs: o.epochs } : {}),
      ...(o.maxBatches !== undefined ? { maxBatches: o.maxBatches } : {}),
      ...(o.maxEvalBatches !== undefined ? { maxEvalBatches: o.maxEvalBatches } : {}),
    });
  } catch (e) {
    return fail((e as Error).message);
  }
  const started = performance.now();
  try {
    for await (const ev of trainer.run()) {
      // Lets a stop signal (SIGTERM) in between synchronous training steps.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (o.signal?.aborted) {
        recorder.finish('stopped', { seconds: (performance.now() - started) / 1000 });
        return 'stopped';
      }
      switch (ev.type) {
        case 'started':
          recorder.started(ev);
          break;
        case 'batch':
          recorder.batch(ev);
          o.onBatch?.(ev);
          break;
        case 'epoch':
          recorder.epoch(ev);
          break;
        case 'failed':
          return fail(ev.message);
        case 'done': {
          const final = {
            epochs: ev.epochs,
            ...(ev.testAcc !== undefined ? { testAcc: ev.testAcc } : {}),
            ...(ev.testLoss !== undefined ? { testLoss: ev.testLoss } : {}),
            ...(ev.trainAcc !== undefined ? { trainAcc: ev.trainAcc } : {}),
          };
          const trained = withTrainedWeights(
            file,
            trainer.getWeights(),
            {
              epochs: ev.epochs,
              backend: ev.backend,
              engine: ev.engine,
              ...(ev.testAcc !== undefined ? { testAccuracy: ev.testAcc } : {}),
              ...(ev.trainAcc !== undefined ? { trainAccuracy: ev.trainAcc } : {}),
            },
            trainer.getOptimizerState(),
          );
          const confusion = (await confusionMatrix(trainer, dataset))?.matrix;
          recorder.finish('done', {
            final,
            weights: serializeSnnFile(trained),
            ...(confusion ? { confusion } : {}),
            seconds: ev.seconds,
          });
          return 'done';
        }
      }
    }
  } catch (e) {
    return fail(`Training failed: ${(e as Error).message}`);
  } finally {
    trainer.dispose();
  }
  if (recorder.status === 'running') recorder.finish('stopped', {});
  return 'stopped';
}
