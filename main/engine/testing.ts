// Small graphs and random spike batches for tests and benchmarks (not used by the app).
import {
  type GraphDocument,
  type GraphEdge,
  type GraphNode,
  newConnection,
  newNode,
} from '../../shared/graph/document';
import type {
  ConnectionParams,
  LifParams,
  LossParams,
  ReadoutParams,
  RegularizerParams,
  TrainingParams,
} from '../../shared/graph/kinds';
import type { SpikeBatch, SpikeDataset, Split } from '../data/types';
import { mixSeeds, Random } from '../util/random';

export interface NetSpec {
  inputs: number;
  classes: number;
  timeSteps: number;
  /** Hidden populations in a chain; `recurrent` adds a self-connection. */
  hidden: (Partial<LifParams> & { recurrent?: boolean })[];
  readout?: Partial<ReadoutParams>;
  loss?: Partial<LossParams>;
  regularizers?: Partial<RegularizerParams>[];
  training?: Partial<TrainingParams>;
  /** Also connect the input straight to the last population (a DAG with a skip connection). */
  skip?: boolean;
  init?: { init?: 'spytorch' | 'uniform' | 'normal' | 'fluctuation-driven'; scale?: number };
  /** Further parameters (delays, say) of single connections, by edge id (`w_data_h0`, `w_h0_h0`, `w_h0_out`, `w_skip`). */
  edgeParams?: Record<string, Partial<ConnectionParams>>;
}

export function buildGraph(spec: NetSpec): GraphDocument {
  const nodes: GraphNode[] = [
    newNode('dataset', 'data', 'data', {
      dataset: 'custom',
      inputs: spec.inputs,
      classes: spec.classes,
      timeSteps: spec.timeSteps,
    }),
    newNode('training', 'train', 'train', spec.training ?? {}),
  ];
  const edges: GraphEdge[] = [];
  const connect = (id: string, source: string, target: string) =>
    newConnection(id, source, target, { ...(spec.init ?? {}), ...(spec.edgeParams?.[id] ?? {}) });
  let prev = 'data';
  spec.hidden.forEach((h, i) => {
    const id = `h${i}`;
    const { recurrent, ...params } = h;
    nodes.push(newNode('lif', id, id, params));
    edges.push(connect(`w_${prev}_${id}`, prev, id));
    if (recurrent) edges.push(connect(`w_${id}_${id}`, id, id));
    prev = id;
  });
  const countLoss = spec.loss?.loss === 'spike-count-mse';
  if (!countLoss) {
    nodes.push(newNode('readout', 'out', 'out', { size: spec.classes, ...(spec.readout ?? {}) }));
    edges.push(connect(`w_${prev}_out`, prev, 'out'));
    if (spec.skip && prev !== 'data') edges.push(connect('w_skip', 'data', 'out'));
    prev = 'out';
  }
  nodes.push(newNode('loss', 'loss', 'loss', spec.loss ?? {}));
  edges.push({ id: 's_scores', kind: 'signal', source: prev, target: 'loss' });
  edges.push({ id: 's_labels', kind: 'signal', source: 'data', target: 'loss' });
  (spec.regularizers ?? []).forEach((r, i) => {
    const id = `reg${i}`;
    nodes.push(newNode('regularizer', id, id, r));
    edges.push({ id: `s_${id}`, kind: 'signal', source: 'h0', target: id });
  });
  return { nodes, edges };
}

/** Independent Bernoulli events with probability `rate` per (sample, step, unit). */
export function randomBatch(
  rng: Random,
  batchSize: number,
  timeSteps: number,
  inputUnits: number,
  classes: number,
  rate: number,
): SpikeBatch {
  const offsets = new Int32Array(batchSize * timeSteps + 1);
  // A typed array grown by doubling, not a JS array: a benchmark batch of SHD's size has ~900k
  // spikes, and a number[] of them left ~20 MB of garbage per batch in the measured peak RSS.
  let units = new Int32Array(Math.max(16, Math.ceil(batchSize * timeSteps * inputUnits * rate * 1.1)));
  let count = 0;
  for (let r = 0; r < batchSize * timeSteps; r++) {
    for (let i = 0; i < inputUnits; i++)
      if (rng.uniform() < rate) {
        if (count === units.length) {
          const grown = new Int32Array(units.length * 2);
          grown.set(units);
          units = grown;
        }
        units[count++] = i;
      }
    offsets[r + 1] = count;
  }
  const labels = new Int32Array(batchSize);
  for (let b = 0; b < batchSize; b++) labels[b] = rng.int(classes);
  return { batchSize, timeSteps, inputUnits, offsets, units: units.slice(0, count), labels };
}

/** An in-memory dataset of random spike trains whose label is learnable from the input rate pattern. */
export function memoryDataset(
  seed: number,
  sizes: Record<Split, number>,
  inputs: number,
  classes: number,
  timeSteps: number,
): SpikeDataset {
  const rng = new Random(seed);
  const make = (n: number) => {
    const samples: { units: number[][]; label: number }[] = [];
    for (let s = 0; s < n; s++) {
      const label = rng.int(classes);
      const units: number[][] = [];
      for (let t = 0; t < timeSteps; t++) {
        const row: number[] = [];
        // Each class drives its own slice of the inputs harder.
        for (let i = 0; i < inputs; i++) if (rng.uniform() < (i % classes === label ? 0.2 : 0.03)) row.push(i);
        units.push(row);
      }
      samples.push({ units, label });
    }
    return samples;
  };
  const splits: Record<Split, ReturnType<typeof make>> = {
    train: make(sizes.train),
    validation: make(sizes.validation),
    test: make(sizes.test),
  };
  return {
    name: 'random test data',
    inputUnits: inputs,
    classes,
    timeSteps,
    size: (split) => splits[split].length,
    *batches(split, options) {
      const order = splits[split].map((_, i) => i);
      if (options.shuffleSeed !== undefined)
        new Random(mixSeeds(options.shuffleSeed, options.epoch ?? 0)).shuffle(order);
      for (let start = 0; start < order.length; start += options.batchSize) {
        const idx = order.slice(start, start + options.batchSize);
        if (idx.length < options.batchSize && options.dropLast) break;
        const offsets = new Int32Array(idx.length * timeSteps + 1);
        const all: number[] = [];
        idx.forEach((k, b) => {
          const sample = splits[split][k] as { units: number[][] };
          for (let t = 0; t < timeSteps; t++) {
            all.push(...(sample.units[t] as number[]));
            offsets[b * timeSteps + t + 1] = all.length;
          }
        });
        yield {
          batchSize: idx.length,
          timeSteps,
          inputUnits: inputs,
          offsets,
          units: Int32Array.from(all),
          labels: Int32Array.from(idx.map((k) => (splits[split][k] as { label: number }).label)),
        };
      }
    },
  };
}
