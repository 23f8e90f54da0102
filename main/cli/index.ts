// Command-line entry: `npm run cli -- <command> ...`. Train a graph file, run a trained one
// on recorded input, or manage datasets. Bad arguments and files end with one sentence on
// stderr and exit code 1 or 2, never a stack trace.
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadSnnFile, type SnnFile, serializeSnnFile } from '../../shared/file/snnFile';
import { validateGraph } from '../../shared/graph/validate';
import { parseEventsFile } from './eventsFile';

export class UsageError extends Error {}

const USAGE = `Usage:
  npm run cli -- train <graph.snn.json> [--epochs N] [--max-batches N] [--seed S]
                       [--engine fast|reference] [--json] [--out trained.snn.json] [--cache-dir DIR]
                       [--max-eval-batches N] [--threads N]
  npm run cli -- run <trained.snn.json> --input <events.json> --record <out.json>
                       [--samples N] [--neurons N] [--engine fast|reference]
  npm run cli -- export <trained.snn.json> --format nir -o <model.nir>
  npm run cli -- import <model.nir> -o <graph.snn.json>
  npm run cli -- data ...      (dataset commands; see npm run cli -- data --help)

Events file (run --input): JSON
  {"timeSteps": 100, "units": 784, "events": [[step, unit], ...], "label": 3}
or several samples:
  {"timeSteps": 100, "units": 784, "samples": [{"events": [[step, unit], ...], "label": 3}, ...]}
Steps are 0-based integers below timeSteps; units 0-based below units; labels optional.`;

interface Parsed {
  positional: string[];
  flags: Map<string, string | true>;
}

const VALUE_FLAGS = new Set([
  'epochs',
  'max-batches',
  'max-eval-batches',
  'seed',
  'engine',
  'out',
  'input',
  'record',
  'samples',
  'neurons',
  'cache-dir',
  'threads',
  'format',
  'o',
]);
const BOOLEAN_FLAGS = new Set(['json', 'help']);

export function parseArgs(argv: string[]): Parsed {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '-o') {
      // The one short flag, as in `export ... -o model.nir`.
      const value = argv[++i];
      if (value === undefined) throw new UsageError('-o needs a file name.');
      flags.set('o', value);
      continue;
    }
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
    if (BOOLEAN_FLAGS.has(name)) flags.set(name, true);
    else if (VALUE_FLAGS.has(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`--${name} needs a value.`);
      flags.set(name, value);
    } else throw new UsageError(`Unknown option --${name}.`);
  }
  return { positional, flags };
}

function intFlag(flags: Parsed['flags'], name: string, min: number): number | undefined {
  const v = flags.get(name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isInteger(n) || n < min)
    throw new UsageError(`--${name} must be a whole number of at least ${min} (got ${String(v)}).`);
  return n;
}

function stringFlag(flags: Parsed['flags'], name: string): string | undefined {
  const v = flags.get(name);
  return typeof v === 'string' ? v : undefined;
}

/** npm run changes directory to the package root; user paths are relative to where they typed. */
function userPath(p: string): string {
  return path.resolve(process.env.INIT_CWD ?? process.cwd(), p);
}

async function readText(p: string, what: string): Promise<string> {
  try {
    return await readFile(userPath(p), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(
      code === 'ENOENT' ? `${what} '${p}' does not exist.` : `Cannot read ${what} '${p}' (${(e as Error).message}).`,
    );
  }
}

async function loadGraphFile(p: string): Promise<SnnFile> {
  const loaded = loadSnnFile(await readText(p, 'The graph file'), path.basename(p));
  if (!loaded.ok) throw new UsageError(loaded.error);
  for (const w of loaded.warnings) process.stderr.write(`warning: ${w}\n`);
  const errors = validateGraph(loaded.file.graph).filter((x) => x.severity === 'error');
  if (errors.length)
    throw new UsageError(`${path.basename(p)} cannot be trained:\n  ${errors.map((e) => e.message).join('\n  ')}`);
  return loaded.file;
}

function engineFlag(flags: Parsed['flags']): 'fast' | 'reference' {
  const engine = stringFlag(flags, 'engine') ?? 'fast';
  if (engine !== 'fast' && engine !== 'reference') throw new UsageError(`--engine must be fast or reference.`);
  return engine;
}

async function cacheDir(flags: Parsed['flags']): Promise<string> {
  // The same folder `data download` fills and the app's training worker reads.
  const { defaultCacheDir } = await import('../data/index');
  return stringFlag(flags, 'cache-dir') ?? defaultCacheDir();
}

async function openGraphDataset(file: SnnFile, flags: Parsed['flags']) {
  const { openDataset } = await import('../data/index');
  const node = file.graph.nodes.find((n) => n.kind === 'dataset');
  if (node?.kind !== 'dataset') throw new UsageError('The graph has no dataset.');
  try {
    return await openDataset(node.params, { cacheDir: await cacheDir(flags) });
  } catch (e) {
    throw new UsageError(`Cannot open the dataset: ${(e as Error).message}`);
  }
}

async function train(args: Parsed) {
  const file0 = args.positional[0] ?? '';
  if (!file0) throw new UsageError('train needs a graph file.');
  const flags = args.flags;
  const json = flags.has('json');
  const engine = engineFlag(flags);
  const epochs = intFlag(flags, 'epochs', 1);
  const maxBatches = intFlag(flags, 'max-batches', 1);
  const maxEvalBatches = intFlag(flags, 'max-eval-batches', 1);
  const seed = intFlag(flags, 'seed', 0);
  // Both engines are deterministic per thread count; the fast one splits batches over threads.
  const threads = intFlag(flags, 'threads', 1) ?? os.availableParallelism();
  const out = stringFlag(flags, 'out');
  // Flags first: a typo should not wait for a file to load.
  const file = await loadGraphFile(file0);
  const dataset = await openGraphDataset(file, flags);
  const { Trainer } = await import('../engine/trainer');
  const { weightsFromFile, optimizerStateFromFile, withTrainedWeights } = await import('../engine/snnWeights');
  const initialWeights = weightsFromFile(file);
  const optimizerState = optimizerStateFromFile(file);
  const trainer = new Trainer(file.graph, dataset, {
    engine,
    ...(Object.keys(initialWeights).length ? { initialWeights } : {}),
    ...(optimizerState ? { optimizerState } : {}),
    ...(epochs !== undefined ? { epochs } : {}),
    ...(maxBatches !== undefined ? { maxBatches } : {}),
    ...(maxEvalBatches !== undefined ? { maxEvalBatches } : {}),
    ...(seed !== undefined ? { seed } : {}),
    threads,
  });
  const bar = json ? null : new ProgressBar();
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
    await trainLoop();
  } finally {
    trainer.dispose();
  }
  return failed ? 1 : 0;

  async function trainLoop() {
    for await (const ev of trainer.run()) {
      switch (ev.type) {
        case 'started':
          backend = ev.backend;
          for (const note of ev.notes) process.stderr.write(`note: ${note}\n`);
          process.stderr.write(
            `Training ${path.basename(file0)} on ${dataset.name}: ${ev.epochs} epochs x ${ev.batchesPerEpoch} batches, engine ${ev.engine} (${threads} thread${threads > 1 ? 's' : ''}), backend ${ev.backend}\n`,
          );
          break;
        case 'batch':
          if (json)
            process.stdout.write(
              `${JSON.stringify({ epoch: ev.epoch, batch: ev.batch, loss: ev.loss, acc: ev.acc, ms: round(ev.ms, 2) })}\n`,
            );
          else bar?.update(ev);
          break;
        case 'epoch': {
          epochsDone = ev.epoch;
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
          process.stderr.write(`error: ${ev.message}\n`);
          await save({ backend, epochs: epochsDone });
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
  }
}

async function run(args: Parsed) {
  const [file0] = args.positional;
  if (!file0) throw new UsageError('run needs a trained graph file.');
  const input = stringFlag(args.flags, 'input');
  const recordPath = stringFlag(args.flags, 'record');
  if (!input) throw new UsageError('run needs --input <events.json>.');
  if (!recordPath) throw new UsageError('run needs --record <out.json>.');
  const file = await loadGraphFile(file0);
  const { compilePlan } = await import('../engine/plan');
  const { initWeights } = await import('../engine/init');
  const { weightsFromFile } = await import('../engine/snnWeights');
  const plan = compilePlan(file.graph);
  const stored = weightsFromFile(file);
  const missing = plan.connections.filter((c) => !stored[c.id]).map((c) => c.id);
  if (missing.length === plan.connections.length)
    throw new UsageError(`${path.basename(file0)} holds no trained weights.`);
  if (missing.length)
    process.stderr.write(`warning: no stored weights for ${missing.join(', ')}; using initial ones.\n`);
  const weights = { ...initWeights(plan, plan.training.seed), ...stored };
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readText(input, 'The events file'));
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`The events file '${input}' is not valid JSON (${(e as Error).message}).`);
  }
  const events = parseEventsFile(parsed, plan.timeSteps, plan.inputUnits);
  if (!events.ok) throw new UsageError(`The events file '${input}': ${events.error}`);
  const { initBackend } = await import('../engine/backend');
  const backend = await initBackend();
  const engine = engineFlag(args.flags);
  const samples = intFlag(args.flags, 'samples', 1) ?? events.batch.batchSize;
  const neurons = intFlag(args.flags, 'neurons', 1) ?? 16;
  const instance =
    engine === 'fast'
      ? new (await import('../engine/fast/fastEngine')).FastEngine(plan)
      : new (await import('../engine/reference/referenceEngine')).ReferenceEngine(plan);
  const recording = await instance.record(events.batch, weights, { samples, neurons });
  await writeFile(userPath(recordPath), `${JSON.stringify({ backend, engine, ...recording })}\n`);
  process.stdout.write(
    `${JSON.stringify({ samples: recording.samples, predictions: recording.predictions, record: recordPath, backend, engine })}\n`,
  );
  return 0;
}

async function exchange(command: 'export' | 'import', args: Parsed): Promise<number> {
  const { ExchangeError, exportCommand, importCommand } = await import('./exchange');
  const { default: pkg } = await import('../../package.json', { with: { type: 'json' } });
  const input = args.positional[0];
  const output = stringFlag(args.flags, 'o') ?? stringFlag(args.flags, 'out');
  if (!input || !output)
    throw new UsageError(
      command === 'export'
        ? 'Usage: npm run cli -- export <trained.snn.json> --format nir -o <model.nir>'
        : 'Usage: npm run cli -- import <model.nir> -o <graph.snn.json>',
    );
  try {
    if (command === 'export') {
      const written = await exportCommand(
        userPath(input),
        stringFlag(args.flags, 'format') ?? 'nir',
        userPath(output),
        pkg.version,
      );
      process.stdout.write(`wrote ${written}\n`);
      return 0;
    }
    const result = await importCommand(userPath(input), userPath(output), pkg.version);
    for (const note of result.notes) process.stderr.write(`note: ${note}\n`);
    for (const item of result.unmapped) process.stderr.write(`not mapped: ${item}\n`);
    for (const problem of result.problems) process.stderr.write(`problem: ${problem}\n`);
    process.stdout.write(`wrote ${result.path}\n`);
    return 0;
  } catch (e) {
    if (e instanceof ExchangeError) throw new UsageError(e.message);
    throw e;
  }
}

async function data(argv: string[]) {
  let mod: typeof import('../data/cli');
  try {
    mod = await import('../data/cli');
  } catch (e) {
    throw new UsageError(`Dataset commands are not available in this build (${(e as Error).message}).`);
  }
  return mod.runDataCommand(argv);
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'data') return data(rest);
  if (!command || command === '--help' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return command ? 0 : 2;
  }
  const args = parseArgs(rest);
  if (args.flags.has('help')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (command === 'train') return train(args);
  if (command === 'run') return run(args);
  if (command === 'export' || command === 'import') return exchange(command, args);
  throw new UsageError(`Unknown command '${command}'.`);
}

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

const isEntry = process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname);
if (isEntry) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      // Messages only: a stack trace helps nobody who mistyped a path.
      process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(e instanceof UsageError ? 2 : 1);
    },
  );
}
