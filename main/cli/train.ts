// `train <graph.snn.json>`: trains a graph file on its dataset, prints progress (or JSON
// lines with --json) and writes the trained file with --out.
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { serializeSnnFile } from '../../shared/file/snnFile';
import { defineCommand } from './command';
import { engineOption, loadGraphFile, openGraphDataset, userPath } from './files';

export const trainCommand = defineCommand({
  name: 'train',
  summary: 'Train a graph file on its dataset; stored weights in the file are the starting point.',
  args: [{ name: 'graph.snn.json', what: 'a graph file' }],
  options: {
    epochs: { type: 'int', min: 1, help: "passes over the training set (default: the graph's)" },
    'max-batches': { type: 'int', min: 1, help: 'stop each epoch after N batches' },
    'max-eval-batches': { type: 'int', min: 1, help: 'evaluate on at most N batches' },
    seed: { type: 'int', min: 0, value: 'S', help: "seed for weights and shuffling (default: the graph's)" },
    engine: engineOption,
    threads: { type: 'int', min: 1, help: 'threads the fast engine splits a batch over (default: the core count)' },
    json: { type: 'boolean', help: 'one JSON line per batch and a final one on stdout, instead of a progress bar' },
    out: { type: 'string', value: 'trained.snn.json', help: 'write the trained file (weights, optimizer state)' },
    'cache-dir': {
      type: 'string',
      value: 'DIR',
      help: 'dataset folder (default: $SPIKEWRIGHT_DATA_DIR, else ~/.cache/spikewright/datasets)',
    },
  },
  notes: `With --json, each batch prints {"epoch","batch","loss","acc","ms"} and the run ends with
{"test_acc","train_acc","seconds","backend","engine"}; epoch summaries go to stderr.
Exit code 0 when training finished, 1 when it failed, 2 for a mistake in the arguments or files.`,
  async run({ positionals, values }) {
    const file0 = positionals[0] as string;
    const engine = values.engine ?? 'fast';
    // Both engines are deterministic per thread count; the fast one splits batches over threads.
    const threads = values.threads ?? os.availableParallelism();
    const out = values.out;
    const file = await loadGraphFile(file0);
    const dataset = await openGraphDataset(file, values['cache-dir']);
    const { Trainer } = await import('../engine/trainer');
    const { weightsFromFile, optimizerStateFromFile, withTrainedWeights } = await import('../engine/snnWeights');
    const initialWeights = weightsFromFile(file);
    const optimizerState = optimizerStateFromFile(file);
    const trainer = new Trainer(file.graph, dataset, {
      engine,
      ...(Object.keys(initialWeights).length ? { initialWeights } : {}),
      ...(optimizerState ? { optimizerState } : {}),
      ...(values.epochs !== undefined ? { epochs: values.epochs } : {}),
      ...(values['max-batches'] !== undefined ? { maxBatches: values['max-batches'] } : {}),
      ...(values['max-eval-batches'] !== undefined ? { maxEvalBatches: values['max-eval-batches'] } : {}),
      ...(values.seed !== undefined ? { seed: values.seed } : {}),
      threads,
    });
    const json = values.json === true;
    const bar = json ? null : new ProgressBar();
    // Every run is recorded beside the graph (net.snn.json -> net.runs/<run id>/).
    const { RunRecorder, newRunId, runsFolderFor } = await import('../experiments/runStore');
    const recorder = new RunRecorder(path.join(runsFolderFor(userPath(file0)), newRunId()), {
      name: path.basename(file0),
      source: 'cli',
      engine,
      threads,
      seed: trainer.seed,
      settings: {
        ...(values.epochs !== undefined ? { epochs: values.epochs } : {}),
        ...(values['max-batches'] !== undefined ? { maxBatches: values['max-batches'] } : {}),
        ...(values['max-eval-batches'] !== undefined ? { maxEvalBatches: values['max-eval-batches'] } : {}),
      },
      document: serializeSnnFile(file),
    });
    let failed = false;
    const save = async (results: { testAcc?: number; trainAcc?: number; backend: string; epochs: number }) => {
      if (!out) return;
      const trained = withTrainedWeights(
        file,
        trainer.getWeights(),
        {
          epochs: results.epochs,
          ...(results.testAcc !== undefined ? { testAccuracy: results.testAcc } : {}),
          ...(results.trainAcc !== undefined ? { trainAccuracy: results.trainAcc } : {}),
          backend: results.backend,
          engine,
        },
        trainer.getOptimizerState(),
      );
      await writeFile(userPath(out), serializeSnnFile(trained));
      process.stderr.write(`Saved ${out}\n`);
    };
    let backend = 'unknown';
    let epochsDone = 0;
    try {
      for await (const ev of trainer.run()) {
        switch (ev.type) {
          case 'started':
            backend = ev.backend;
            recorder.started(ev);
            for (const note of ev.notes) process.stderr.write(`note: ${note}\n`);
            process.stderr.write(
              `Training ${path.basename(file0)} on ${dataset.name}: ${ev.epochs} epochs x ${ev.batchesPerEpoch} batches, engine ${ev.engine} (${threads} thread${threads > 1 ? 's' : ''}), backend ${ev.backend}\n`,
            );
            break;
          case 'batch':
            recorder.batch(ev);
            if (json)
              process.stdout.write(
                `${JSON.stringify({ epoch: ev.epoch, batch: ev.batch, loss: ev.loss, acc: ev.acc, ms: round(ev.ms, 2) })}\n`,
              );
            else bar?.update(ev);
            break;
          case 'epoch': {
            epochsDone = ev.epoch;
            recorder.epoch(ev);
            bar?.clear();
            const val =
              ev.valAcc !== undefined ? ` val_loss ${ev.valLoss?.toFixed(4)} val_acc ${ev.valAcc.toFixed(4)}` : '';
            process.stderr.write(
              `epoch ${ev.epoch}: train_loss ${ev.trainLoss.toFixed(4)} train_acc ${ev.trainAcc.toFixed(4)}${val} (${ev.seconds.toFixed(1)} s)\n`,
            );
            break;
          }
          case 'failed':
            bar?.clear();
            failed = true;
            recorder.finish('failed', { error: ev.message });
            process.stderr.write(`error: ${ev.message}\n`);
            // A run that never had finite weights has nothing to save.
            if (ev.hadGoodWeights !== false) await save({ backend, epochs: epochsDone });
            break;
          case 'done': {
            const final = {
              test_acc: ev.testAcc ?? null,
              train_acc: ev.trainAcc ?? null,
              seconds: round(ev.seconds, 2),
              backend: ev.backend,
              engine: ev.engine,
            };
            process.stdout.write(`${JSON.stringify(final)}\n`);
            recorder.finish('done', {
              final: {
                epochs: ev.epochs,
                ...(ev.testAcc !== undefined ? { testAcc: ev.testAcc } : {}),
                ...(ev.testLoss !== undefined ? { testLoss: ev.testLoss } : {}),
                ...(ev.trainAcc !== undefined ? { trainAcc: ev.trainAcc } : {}),
              },
              seconds: ev.seconds,
              weights: serializeSnnFile(
                withTrainedWeights(
                  file,
                  trainer.getWeights(),
                  { epochs: ev.epochs, backend: ev.backend, engine: ev.engine },
                  trainer.getOptimizerState(),
                ),
              ),
            });
            await save({
              ...(ev.testAcc !== undefined ? { testAcc: ev.testAcc } : {}),
              ...(ev.trainAcc !== undefined ? { trainAcc: ev.trainAcc } : {}),
              backend: ev.backend,
              epochs: ev.epochs,
            });
            break;
          }
        }
      }
    } catch (e) {
      recorder.finish('failed', { error: (e as Error).message });
      throw e;
    } finally {
      trainer.dispose();
      if (recorder.status === 'running') recorder.finish('stopped', {});
    }
    return failed ? 1 : 0;
  },
});

class ProgressBar {
  private last = 0;
  private shown = false;

  update(ev: { epoch: number; batch: number; batches: number; loss: number; acc: number; ms: number }) {
    const now = Date.now();
    // A terminal redraws in place; a log file gets a line every few seconds.
    const every = process.stderr.isTTY ? 100 : 5000;
    if (now - this.last < every && ev.batch !== ev.batches) return;
    this.last = now;
    const width = 24;
    const filled = Math.round((ev.batch / ev.batches) * width);
    const line = `epoch ${ev.epoch} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${ev.batch}/${ev.batches} loss ${ev.loss.toFixed(4)} acc ${ev.acc.toFixed(3)} ${ev.ms.toFixed(1)} ms/batch`;
    process.stderr.write(process.stderr.isTTY ? `\r${line}\x1b[K` : `${line}\n`);
    this.shown = true;
  }

  clear() {
    if (this.shown && process.stderr.isTTY) process.stderr.write('\r\x1b[K');
    this.shown = false;
  }
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
