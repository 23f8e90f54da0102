// Writes SHD-format HDF5 files (shd_train.h5, shd_test.h5 in the flat layout the dataset
// reader's own tests write: main/data/testFiles.ts's writeFlatSpikeH5) with random spikes at
// SHD's density, so `npm run cli -- train examples/shd.snn.json` can run without the real
// files: point the example's dataset `path` at the folder. 700 units, 20 classes, spike times
// uniform in [0, 1.4) s; each (100-step bin, unit) cell spikes with probability --density,
// one spike per cell (the reader keeps one event per (unit, step) anyway).
//
//   npx tsx bench/shd-files.ts --out /tmp/shd [--train 8156] [--test 2264] [--density 0.05] [--seed 0]
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { writeFlatSpikeH5 } from '../main/data/testFiles';
import { Random } from '../main/util/random';
import { arg } from './common';

const out = arg('out', '/tmp/shd');
const density = Number(arg('density', '0.05'));
const rng = new Random(Number(arg('seed', '0')));
const UNITS = 700;
const STEPS = 100;
const DURATION = 1.4;

function samples(count: number) {
  const list: { times: number[]; units: number[]; label: number }[] = [];
  for (let s = 0; s < count; s++) {
    const times: number[] = [];
    const units: number[] = [];
    for (let n = 0; n < STEPS; n++)
      for (let u = 0; u < UNITS; u++)
        if (rng.uniform() < density) {
          times.push(((n + rng.uniform()) * DURATION) / STEPS);
          units.push(u);
        }
    list.push({ times, units, label: s % 20 });
  }
  return list;
}

mkdirSync(out, { recursive: true });
for (const [name, count] of [
  ['shd_train.h5', Number(arg('train', '8156'))],
  ['shd_test.h5', Number(arg('test', '2264'))],
] as const) {
  await writeFlatSpikeH5(path.join(out, name), samples(count));
  process.stdout.write(`wrote ${path.join(out, name)} (${count} samples)\n`);
}
