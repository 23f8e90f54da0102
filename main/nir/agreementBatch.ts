// The batch the export's agreement check runs on: the graph's own test data when its dataset
// can be opened here, else random spikes of its shape (and the report says which).
import type { SnnFile } from '../../shared/file/snnFile';
import { datasetShape } from '../../shared/graph/shapes';
import type { SpikeBatch } from '../data/types';

/** Samples the export's agreement check runs by default. */
export const AGREEMENT_SAMPLES = 256;

/**
 * A batch of the graph's own test data (the first `samples`), or, when the dataset cannot be
 * opened here, random spikes of its shape; `data` says which.
 */
export async function agreementBatch(
  file: SnnFile,
  samples: number,
  cacheDir?: string,
): Promise<{ batch: SpikeBatch; data: string }> {
  const node = file.graph.nodes.find((n) => n.kind === 'dataset');
  if (node?.kind !== 'dataset') throw new Error('The graph has no dataset.');
  try {
    const { defaultCacheDir, openDataset } = await import('../data/index');
    const data = await openDataset(node.params, { cacheDir: cacheDir ?? defaultCacheDir() });
    const split = data.size('test') > 0 ? 'test' : 'train';
    for (const batch of data.batches(split, { batchSize: samples, dropLast: false }))
      return { batch, data: `the ${split} split of ${data.name}` };
  } catch {
    // fall through to random spikes
  }
  const { Random } = await import('../util/random');
  const rng = new Random(1);
  const shape = datasetShape(node.params);
  const T = node.params.timeSteps;
  const offsets = new Int32Array(samples * T + 1);
  const units: number[] = [];
  for (let row = 0; row < samples * T; row++) {
    for (let u = 0; u < shape.units; u++) if (rng.uniform() < 0.05) units.push(u);
    offsets[row + 1] = units.length;
  }
  const labels = Int32Array.from({ length: samples }, (_, b) => b % shape.classes);
  const batch: SpikeBatch = {
    batchSize: samples,
    timeSteps: T,
    inputUnits: shape.units,
    offsets,
    units: Int32Array.from(units),
    labels,
  };
  return { batch, data: 'random input spikes (5% density; the dataset could not be opened here)' };
}
