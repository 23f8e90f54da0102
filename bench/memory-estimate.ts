// Checks the memory estimate of shared/graph/budgets.ts against what a training step really
// holds: for each example (and a few larger variants) a child process opens the dataset and
// trains a few batches on one thread; its RSS growth is set beside the estimate.
// Reported per graph: RSS at start (runtime, tfjs, wasm), after the dataset, and the peak
// (VmHWM) after the steps; "measured" = peak - start; "estimate" = trainingBytes.
//
//   npx tsx bench/memory-estimate.ts [--batches 3]
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSnnFile } from '../shared/file/snnFile';
import { estimateResources, formatBytes, MB } from '../shared/graph/budgets';
import type { GraphDocument } from '../shared/graph/document';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};

const status = (field: string) =>
  Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) * 1024;

function variant(name: string, change: (g: GraphDocument) => void): { name: string; graph: GraphDocument } {
  const loaded = loadSnnFile(readFileSync(path.join(root, 'examples', `${name.split(' ')[0]}.snn.json`), 'utf8'));
  if (!loaded.ok) throw new Error(loaded.error);
  change(loaded.file.graph);
  return { name, graph: loaded.file.graph };
}

const setParam = (g: GraphDocument, kind: string, key: string, value: unknown) => {
  for (const n of g.nodes) if (n.kind === kind) (n.params as Record<string, unknown>)[key] = value;
};

async function child(graphJson: string, batches: number) {
  const graph = JSON.parse(graphJson) as GraphDocument;
  const start = status('VmRSS');
  const { openDataset } = await import('../main/data/index');
  const { Trainer } = await import('../main/engine/trainer');
  const { initBackend } = await import('../main/engine/backend');
  await initBackend();
  const afterRuntime = status('VmRSS');
  const d = graph.nodes.find((n) => n.kind === 'dataset');
  if (d?.kind !== 'dataset') throw new Error('no dataset');
  const dataset = await openDataset(d.params);
  const afterData = status('VmRSS');
  const trainer = new Trainer(graph, dataset, {
    maxBatches: batches,
    epochs: 1,
    threads: 1,
    maxEvalBatches: 1,
    finalTrainAccuracy: false,
  });
  for await (const ev of trainer.run()) if (ev.type === 'epoch' || ev.type === 'failed') break;
  trainer.dispose();
  process.stdout.write(`${JSON.stringify({ start, afterRuntime, afterData, peak: status('VmHWM') })}\n`);
}

if (process.argv[2] === '--child') {
  await child(readFileSync(process.argv[3] as string, 'utf8'), Number(process.argv[4]));
} else {
  const batches = Number(arg('batches', '3'));
  const cases = [
    variant('randman', () => {}),
    variant('randman batch 1024', (g) => setParam(g, 'training', 'batchSize', 1024)),
    variant('fashion-mnist', () => {}),
    variant('fashion-mnist hidden 1000', (g) => setParam(g, 'lif', 'size', 1000)),
  ];
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(path.join(tmpdir(), 'spikewright-mem-'));
  const rows: string[] = [];
  for (const c of cases) {
    const file = path.join(dir, 'graph.json');
    writeFileSync(file, JSON.stringify(c.graph));
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', file, String(batches)],
      {
        cwd: root,
        encoding: 'utf8',
        maxBuffer: 1 << 24,
      },
    );
    const line = r.stdout.trim().split('\n').pop() ?? '';
    if (r.status !== 0 || !line.startsWith('{')) {
      rows.push(`${c.name}: failed (${r.stderr.trim().split('\n').pop()})`);
      continue;
    }
    const m = JSON.parse(line) as { start: number; afterRuntime: number; afterData: number; peak: number };
    const est = estimateResources(c.graph);
    const measured = m.peak - m.afterRuntime;
    rows.push(
      `${c.name.padEnd(28)} estimate ${formatBytes(est.trainingBytes).padStart(8)} (dataset ${formatBytes(est.datasetBytes)}, state ${formatBytes(est.stateBytes)}, weights x training ${formatBytes(est.edges.reduce((s, e) => s + e.trainingBytes, 0))}, transient ${formatBytes(est.transientBytes)})  ` +
        `measured ${formatBytes(measured).padStart(8)} (runtime ${formatBytes(m.afterRuntime)}, dataset +${formatBytes(m.afterData - m.afterRuntime)}, peak ${formatBytes(m.peak)})  ratio ${(measured / est.trainingBytes).toFixed(2)}`,
    );
    process.stderr.write(`${rows[rows.length - 1]}\n`);
  }
  process.stdout.write(`${rows.join('\n')}\n(MB = ${MB} bytes)\n`);
}
