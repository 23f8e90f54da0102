// Proof of the export targets: an example trained (one short epoch) under NIR's reference
// discretisation, with bias currents, is exported for each tool, read back and run by our own
// NIR simulator under that tool's semantics (main/nir/simulate.ts, independent of the engine)
// on 256 test samples, and compared with the engine.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSnnFile, type SnnFile } from '../../shared/file/snnFile';
import { openDataset } from '../data/index';
import type { SpikeBatch } from '../data/types';
import { withTrainedWeights } from '../engine/snnWeights';
import { Trainer } from '../engine/trainer';
import { measureAgreement } from './agreement';
import { exportNirTree } from './export';
import type { H5Group } from './h5';

let trained: SnnFile;
let batch: SpikeBatch;

beforeAll(async () => {
  const loaded = loadSnnFile(readFileSync(new URL('../../examples/randman.snn.json', import.meta.url), 'utf8'));
  if (!loaded.ok) throw new Error(loaded.error);
  const file = loaded.file;
  for (const n of file.graph.nodes) {
    if (n.kind === 'training') n.params.discretisation = 'nir';
    if (n.kind === 'lif' || n.kind === 'readout') n.params.bias = true;
  }
  const d = file.graph.nodes.find((n) => n.kind === 'dataset');
  if (d?.kind !== 'dataset') throw new Error('no dataset');
  const data = await openDataset(d.params, { cacheDir: mkdtempSync(join(tmpdir(), 'sw-nir-proof-')) });
  const trainer = new Trainer(file.graph, data, {
    epochs: 1,
    maxBatches: 6,
    maxEvalBatches: 1,
    finalTrainAccuracy: false,
  });
  await trainer.ready();
  for await (const _ of trainer.run());
  trained = withTrainedWeights(file, trainer.getWeights(), { epochs: 1 });
  trainer.dispose();
  for (const b of data.batches('test', { batchSize: 256 })) {
    batch = b;
    break;
  }
}, 120_000);

describe('exports of a trained example run the same in the target tool', () => {
  it('NIR reference: identical spikes in every layer and identical predictions on 256 test samples', () => {
    expect(Object.keys(trained.biases ?? {}).length).toBe(2);
    const a = measureAgreement(trained, 'nir', batch, 'Randman test split');
    expect(a.samples).toBe(256);
    expect(a.discretisation).toBe('nir');
    expect(a.layers.map((l) => [l.name, l.identical, l.lagSteps])).toEqual([['hidden', true, 0]]);
    expect(a.layers[0]?.engineSpikes).toBeGreaterThan(1000);
    expect(a.predictionAgreement).toBe(1);
    expect(a.exact).toBe(true);
    expect(a.warnings).toEqual([]);
  });

  it('the biases travel as Affine nodes', () => {
    const nodes = ((exportNirTree(trained).children.node as H5Group).children.nodes as H5Group).children;
    const types = Object.values(nodes).map((n) => ((n as H5Group).children.type as { value: string }).value);
    expect(types.filter((t) => t === 'Affine').length).toBe(2);
  });

  for (const target of ['snntorch', 'norse'] as const)
    it(`${target}: the same spikes one step earlier per layer (its current reaches the membrane in the same step); predictions as measured`, () => {
      const a = measureAgreement(trained, target, batch, 'Randman test split');
      expect(a.layers.map((l) => [l.name, l.identical, l.lagSteps])).toEqual([['hidden', true, 1]]);
      expect(a.warnings).toEqual([]);
      // The readout runs two steps ahead, so its last two steps are ones our engine never reaches:
      // most predictions agree, and the report says so rather than claiming identity.
      expect(a.predictionAgreement).toBeGreaterThan(0.8);
      expect(a.exact).toBe(a.predictionAgreement === 1);
      expect(a.summary).toMatch(/in the same step/);
    });
});
