// A local sweep of 8 short Randman runs on the pool against the same 8 runs one after another
// with the CLI's defaults (`train`, which splits each batch over every core). Both sides start
// one process per run (tsx startup included on both) and train the same configurations.
//   npx tsx bench/sweep-pool.ts [--rounds R] [--batches N]
// Rounds alternate the two sides; the note prints each round's wall times and their ratio.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { choosePool } from '../main/experiments/sweep';
import { applyConfig } from '../shared/api/sweepPlan';
import { loadSnnFile, serializeSnnFile } from '../shared/file/snnFile';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const ROUNDS = flag('rounds', 2);
const BATCHES = flag('batches', 8);
const LRS = [5e-4, 1e-3, 2e-3, 4e-3];
const SEEDS = [0, 1];
const common = ['--epochs', '1', '--max-batches', String(BATCHES), '--max-eval-batches', '2'];
const cli = (argv: string[]) => {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'main/cli/index.ts', ...argv], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cli ${argv.join(' ')} failed: ${r.stderr}`);
  return (performance.now() - t0) / 1000;
};

const loaded = loadSnnFile(readFileSync('examples/randman.snn.json', 'utf8'));
if (!loaded.ok) throw new Error(loaded.error);
const file = loaded.file;
const dir = mkdtempSync(path.join(os.tmpdir(), 'spikewright-bench-'));
const graphs = LRS.flatMap((lr) =>
  SEEDS.map((seed) => {
    const p = path.join(dir, `lr${lr}-s${seed}.snn.json`);
    const graph = applyConfig(file.graph, { 'train.learningRate': lr, 'train.seed': seed });
    writeFileSync(p, serializeSnnFile({ ...file, graph }));
    return p;
  }),
);
const base = path.join(dir, 'randman.snn.json');
writeFileSync(base, serializeSnnFile(file));

const sequential = () => graphs.reduce((s, g) => s + cli(['train', g, ...common]), 0);
const pool = () =>
  cli([
    'sweep',
    base,
    '--grid',
    `train.learningRate=${LRS.join(',')}`,
    '--grid',
    `train.seed=${SEEDS.join(',')}`,
    ...common,
    '--out',
    path.join(dir, 'runs'),
  ]);

const cores = os.availableParallelism();
const split = choosePool(graphs.length, cores);
console.log(
  `8 Randman runs (1 epoch x ${BATCHES} batches of 250), ${cores} cores; pool: ${split.jobs} runs at once x ${split.threads} thread(s); sequential: 1 run at a time x ${cores} threads (CLI default)`,
);
console.log(
  `load before: ${os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
const rows: { seq: number; pool: number }[] = [];
for (let r = 0; r < ROUNDS; r++) {
  const first = r % 2 === 0;
  const a = first ? sequential() : pool();
  const b = first ? pool() : sequential();
  const row = first ? { seq: a, pool: b } : { seq: b, pool: a };
  rows.push(row);
  console.log(
    `round ${r + 1}: sequential ${row.seq.toFixed(1)} s, pool ${row.pool.toFixed(1)} s, pool/sequential ${(row.pool / row.seq).toFixed(3)}`,
  );
}
const ratios = rows.map((x) => x.pool / x.seq).sort((p, q) => p - q);
console.log(
  `median pool/sequential ${(ratios[Math.floor(ratios.length / 2)] as number).toFixed(3)}; load after: ${os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
