// The neuron-model study (docs/studies/neuron-models.md): one temporal task, four networks
// (LIF; LIF with learnable, heterogeneous time constants; adaptive LIF; adaptive LIF with
// learnable delays), the same budget and seeds, trained from the command line.
//
//   npx tsx scripts/study-neuron-models.ts [--seeds 0,1,2] [--epochs N] [--jobs 2] [--out DIR]
//       [--only lif,lif-tau,lif-delay,adlif,adlif-delay,adlif-learn,adlif-learn-delay] [--write-graphs]
//
// Each (network, seed) is one `cli train ... --seed S --json --threads 1` process; `--jobs`
// of them run at once. The graphs are written to DIR (default study-out/neuron-models), the
// per-run JSON lines beside them, and a Markdown table of test accuracies (mean, standard
// deviation and each seed) on stdout and in DIR/results.md.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pkg from '../package.json' with { type: 'json' };
import { newSnnFile, serializeSnnFile } from '../shared/file/snnFile';
import { type GraphDocument, type GraphEdge, newConnection, newNode } from '../shared/graph/document';
import { validateGraph } from '../shared/graph/validate';

/**
 * The task, fixed before any of the new parts were trained on it (see the study's page):
 * Randman with 20 classes on a 2-dimensional manifold, 40 input units, each firing once
 * somewhere in 200 steps of 1 ms, 300 samples per class. The hidden population's membrane
 * (10 ms) and synaptic (5 ms) time constants are short against the 200 ms over which a
 * sample's spikes are spread: a network has to hold timing information across the sample.
 */
const TASK = {
  dataset: 'randman',
  classes: 20,
  inputs: 40,
  manifoldDim: 2,
  smoothness: 1,
  samplesPerClass: 300,
  timeSteps: 200,
  stepFrac: 1,
  dataSeed: 7,
  validationFraction: 0.1,
} as const;

const VARIANTS = {
  lif: 'LIF (fixed time constants)',
  'lif-tau': 'LIF + learnable heterogeneous time constants',
  'lif-delay': 'LIF + learnable delays',
  adlif: 'adaptive LIF (SE-adLIF, a, b and tauAdapt fixed)',
  'adlif-delay': 'adaptive LIF (fixed) + learnable delays',
  'adlif-learn': 'adaptive LIF, tauMem, a, b and tauAdapt trained per neuron',
  'adlif-learn-delay': 'adaptive LIF (trained per neuron) + learnable delays',
} as const;
type Variant = keyof typeof VARIANTS;

const signal = (id: string, source: string, target: string): GraphEdge => ({ id, kind: 'signal', source, target });

function studyGraph(variant: Variant, epochs: number): GraphDocument {
  const hidden: Record<string, unknown> = { size: 128, tauMem: 10, tauSyn: 5 };
  if (variant === 'lif-tau') Object.assign(hidden, { learnTauMem: true, learnTauSyn: true, tauInit: 'gamma' });
  if (variant.startsWith('adlif'))
    Object.assign(hidden, {
      neuron: 'adlif',
      adaptation: 'symplectic-euler',
    });
  // As SE-adLIF trains it: per-neuron membrane time constants and adaptation (a, b, tauAdapt).
  if (variant === 'adlif-learn' || variant === 'adlif-learn-delay')
    Object.assign(hidden, { learnTauMem: true, learnAdaptation: true });
  const input: Record<string, unknown> = { init: 'spytorch', scale: 7 };
  if (variant.endsWith('-delay')) Object.assign(input, { delay: 'learnable', maxDelay: 25 });
  return {
    nodes: [
      newNode('dataset', 'data', 'temporal randman', { ...TASK }),
      newNode('lif', 'hidden', 'hidden', hidden),
      newNode('readout', 'out', 'readout', { size: TASK.classes, tauMem: 20, tauSyn: 10 }),
      newNode('loss', 'loss', 'loss', { loss: 'max-over-time' }),
      newNode('regularizer', 'reg', 'rate limit', { bound: 'upper', strength: 0.1, target: 4, power: 'l2' }),
      newNode('training', 'train', 'training', {
        discretisation: 'nir',
        optimizer: 'adam',
        learningRate: 2e-3,
        batchSize: 250,
        epochs,
        surrogate: 'fast-sigmoid',
        surrogateScale: 20,
      }),
    ],
    edges: [
      newConnection('w_in', 'data', 'hidden', input),
      newConnection('w_out', 'hidden', 'out', { init: 'spytorch', scale: 7 }),
      signal('s_scores', 'out', 'loss'),
      signal('s_labels', 'data', 'loss'),
      signal('s_rates', 'hidden', 'reg'),
    ],
  } as GraphDocument;
}

interface RunResult {
  variant: Variant;
  seed: number;
  testAcc: number | null;
  trainAcc: number | null;
  seconds: number;
  error?: string;
}

function trainOnce(file: string, seed: number, logFile: string): Promise<Omit<RunResult, 'variant'>> {
  return new Promise((resolve) => {
    const cli = path.join(import.meta.dirname, '..', 'main', 'cli', 'index.ts');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', cli, 'train', file, '--seed', String(seed), '--json', '--threads', '1'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('close', (code) => {
      writeFileSync(logFile, `${stderr}\n${stdout}`);
      const last = stdout.trim().split('\n').pop() ?? '';
      try {
        const final = JSON.parse(last) as { test_acc: number | null; train_acc: number | null; seconds: number };
        if (code === 0 && 'test_acc' in final) {
          resolve({ seed, testAcc: final.test_acc, trainAcc: final.train_acc, seconds: final.seconds });
          return;
        }
      } catch {}
      const why = stderr.trim().split('\n').pop() ?? `exit ${code}`;
      resolve({ seed, testAcc: null, trainAcc: null, seconds: 0, error: why });
    });
  });
}

async function pool<T>(tasks: (() => Promise<T>)[], jobs: number): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(jobs, tasks.length) }, async () => {
      while (next < tasks.length) {
        const i = next++;
        out[i] = await (tasks[i] as () => Promise<T>)();
      }
    }),
  );
  return out;
}

const pct = (x: number) => (100 * x).toFixed(1);

function resultsTable(results: RunResult[], seeds: number[]): string {
  const lines = [
    '| network | test accuracy, mean ± sd (%) | per seed (%) | train accuracy, mean (%) | seconds per run |',
    '|---|---|---|---|---|',
  ];
  for (const variant of Object.keys(VARIANTS) as Variant[]) {
    const rows = results.filter((r) => r.variant === variant);
    if (!rows.length) continue;
    const ok = rows.filter((r) => r.testAcc !== null);
    const accs = ok.map((r) => r.testAcc as number);
    const mean = accs.reduce((a, b) => a + b, 0) / Math.max(1, accs.length);
    const sd = Math.sqrt(accs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, accs.length - 1));
    const train = ok.reduce((a, r) => a + (r.trainAcc ?? 0), 0) / Math.max(1, ok.length);
    const perSeed = seeds
      .map((s) => {
        const r = rows.find((x) => x.seed === s);
        return r?.testAcc != null ? pct(r.testAcc) : `failed (${r?.error ?? 'not run'})`;
      })
      .join(', ');
    const secs = ok.reduce((a, r) => a + r.seconds, 0) / Math.max(1, ok.length);
    lines.push(
      `| ${VARIANTS[variant]} | ${accs.length ? `${pct(mean)} ± ${pct(sd)}` : '—'} | ${perSeed} | ${ok.length ? pct(train) : '—'} | ${secs.toFixed(0)} |`,
    );
  }
  return lines.join('\n');
}

async function main() {
  const { values } = parseArgs({
    options: {
      seeds: { type: 'string', default: '0,1,2' },
      epochs: { type: 'string', default: '20' },
      jobs: { type: 'string', default: '2' },
      out: { type: 'string', default: 'study-out/neuron-models' },
      only: { type: 'string' },
      'write-graphs': { type: 'boolean', default: false },
    },
  });
  const seeds = values.seeds.split(',').map(Number);
  const epochs = Number(values.epochs);
  const variants = (values.only ? values.only.split(',') : Object.keys(VARIANTS)) as Variant[];
  for (const v of variants) if (!(v in VARIANTS)) throw new Error(`unknown network "${v}"`);
  const out = path.resolve(values.out);
  mkdirSync(out, { recursive: true });
  const files = new Map<Variant, string>();
  // A network this build cannot train (validation names why) gets a row saying so, not a run.
  const refused = new Map<Variant, string>();
  for (const v of variants) {
    const graph = studyGraph(v, epochs);
    const errors = validateGraph(graph).filter((p) => p.severity === 'error');
    if (errors.length) {
      refused.set(v, errors.map((e) => e.message).join('; '));
      process.stderr.write(`${v}: not run: ${refused.get(v)}\n`);
      continue;
    }
    const file = path.join(out, `${v}.snn.json`);
    const doc = newSnnFile(
      graph,
      { positions: {} },
      { name: VARIANTS[v], description: 'Neuron-model study' },
      pkg.version,
    );
    writeFileSync(file, serializeSnnFile(doc));
    files.set(v, file);
  }
  if (values['write-graphs']) return;
  const started = Date.now();
  const tasks = variants.flatMap((v) =>
    seeds.map((seed) => async (): Promise<RunResult> => {
      const why = refused.get(v);
      if (why) return { variant: v, seed, testAcc: null, trainAcc: null, seconds: 0, error: `not run: ${why}` };
      const r = await trainOnce(files.get(v) as string, seed, path.join(out, `${v}.seed${seed}.log`));
      process.stderr.write(
        `${v} seed ${seed}: ${r.testAcc !== null ? `test ${pct(r.testAcc)}%` : `failed: ${r.error}`} (${r.seconds.toFixed(0)} s)\n`,
      );
      return { variant: v, ...r };
    }),
  );
  const results = await pool(tasks, Number(values.jobs));
  const table = resultsTable(results, seeds);
  const header = `${epochs} epochs, seeds ${seeds.join(', ')}, ${values.jobs} runs at a time, 1 thread each, ${((Date.now() - started) / 60000).toFixed(1)} min wall`;
  writeFileSync(path.join(out, 'results.md'), `${header}\n\n${table}\n`);
  writeFileSync(path.join(out, 'results.json'), JSON.stringify(results, null, 2));
  console.log(`${header}\n\n${table}`);
}

main().catch((e) => {
  process.stderr.write(`error: ${(e as Error).message}\n`);
  process.exit(2);
});
