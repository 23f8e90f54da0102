// Regenerates examples/*.snn.json from code, so the examples always match the document
// model. Run: npx tsx scripts/make-examples.ts
import { writeFileSync } from 'node:fs';
import pkg from '../package.json' with { type: 'json' };
import { type Layout, newSnnFile, type Position, serializeSnnFile } from '../shared/file/snnFile';
import { type GraphEdge, type GraphNode, newConnection, newNode } from '../shared/graph/document';
import type { ConnectionParams, ParamsByKind } from '../shared/graph/kinds';
import { validateGraph } from '../shared/graph/validate';

interface Example {
  file: string;
  name: string;
  description: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
  positions: Layout['positions'];
}

/** A rate regularizer on the hidden population, and where it sits below the row. */
interface RateLimit {
  id: string;
  name: string;
  signal: string;
  params: Partial<ParamsByKind['regularizer']>;
  at: Position;
}

/**
 * What the examples are: one network shape, the SpyTorch tutorials' and stork's. A dataset feeds
 * a hidden population (optionally recurrent), read out and scored max-over-time; regularizers
 * watch the hidden rates; training runs under the SpyTorch discretisation with the fast-sigmoid
 * surrogate, the rule of the works they reproduce. Laid out in a row with the training settings
 * above the dataset.
 */
interface Recipe {
  file: string;
  name: string;
  description: string;
  dataset: GraphNode;
  /** `layers` stacked hidden populations of the same kind (default 1); the rate limits watch the first. */
  hidden: { name: string; params: Partial<ParamsByKind['lif']>; recurrent?: boolean; layers?: number };
  readout: Partial<ParamsByKind['readout']>;
  /** Every connection's initialisation. */
  init: Partial<ConnectionParams>;
  rateLimits?: RateLimit[];
  /** The loss's reading of the readout (default max-over-time). */
  loss?: ParamsByKind['loss']['loss'];
  training: Partial<ParamsByKind['training']>;
}

const signal = (id: string, source: string, target: string): GraphEdge => ({ id, kind: 'signal', source, target });

function example(recipe: Recipe): Example {
  const limits = recipe.rateLimits ?? [];
  const layers = recipe.hidden.layers ?? 1;
  // Hidden layer k (from 1) is `hidden`, then `hidden_2`, ...; each one column further right.
  const hid = (k: number) => (k === 1 ? 'hidden' : `hidden_${k}`);
  const hiddenIds = Array.from({ length: layers }, (_, i) => hid(i + 1));
  const column = (k: number) => 280 * k;
  return {
    file: recipe.file,
    name: recipe.name,
    description: recipe.description,
    nodes: [
      recipe.dataset,
      ...hiddenIds.map((id, i) =>
        newNode('lif', id, layers === 1 ? recipe.hidden.name : `${recipe.hidden.name} ${i + 1}`, recipe.hidden.params),
      ),
      newNode('readout', 'out', 'readout', recipe.readout),
      newNode('loss', 'loss', 'loss', { loss: recipe.loss ?? 'max-over-time' }),
      ...limits.map((r) => newNode('regularizer', r.id, r.name, r.params)),
      newNode('training', 'train', 'training', {
        discretisation: 'spytorch',
        surrogate: 'fast-sigmoid',
        ...recipe.training,
      }),
    ],
    edges: [
      newConnection('w_in', 'data', 'hidden', recipe.init),
      ...hiddenIds.flatMap((id, i) => [
        ...(i > 0 ? [newConnection(`w_${i + 1}`, hid(i), id, recipe.init)] : []),
        ...(recipe.hidden.recurrent ? [newConnection(i === 0 ? 'w_rec' : `w_rec_${i + 1}`, id, id, recipe.init)] : []),
      ]),
      newConnection('w_out', hid(layers), 'out', recipe.init),
      signal('s_scores', 'out', 'loss'),
      signal('s_labels', 'data', 'loss'),
      ...limits.map((r) => signal(r.signal, 'hidden', r.id)),
    ],
    positions: {
      data: { x: 0, y: 120 },
      ...Object.fromEntries(hiddenIds.map((id, i) => [id, { x: column(i + 1), y: 120 }])),
      out: { x: column(layers + 1), y: 120 },
      loss: { x: column(layers + 2), y: 120 },
      ...Object.fromEntries(limits.map((r) => [r.id, r.at])),
      train: { x: 0, y: -80 },
    },
  };
}

const randman = example({
  file: 'randman.snn.json',
  name: 'Randman',
  description:
    'The synthetic random-manifold task of Zenke & Vogels (2021): 10 classes, 20 input units, each firing once. ' +
    'A 20-128-10 network as in the stork example (published test accuracy 0.963). ' +
    'Trained under the SpyTorch discretisation, the rule of that work.',
  dataset: newNode('dataset', 'data', 'randman', {
    dataset: 'randman',
    classes: 10,
    inputs: 20,
    manifoldDim: 1,
    smoothness: 1,
    samplesPerClass: 1000,
    timeSteps: 100,
    stepFrac: 0.5,
    validationFraction: 0.1,
  }),
  hidden: { name: 'hidden', params: { size: 128, tauMem: 20, tauSyn: 10 } },
  readout: { size: 10, tauMem: 20, tauSyn: 10 },
  init: { init: 'spytorch', scale: 7 },
  rateLimits: [
    {
      id: 'reg',
      name: 'rate limit',
      signal: 's_rates',
      params: { bound: 'upper', strength: 0.1, target: 4, power: 'l2' },
      at: { x: 560, y: 300 },
    },
  ],
  training: { optimizer: 'adam', learningRate: 2e-3, batchSize: 250, epochs: 30, surrogateScale: 20 },
});

const fashion = example({
  file: 'fashion-mnist.snn.json',
  name: 'Fashion-MNIST',
  description:
    'SpyTorch tutorial 2: 784-100-10 feed-forward, latency-coded pixels, T = 100, batch 256, Adam lr 2e-4, ' +
    'fast-sigmoid surrogate (scale 100), max-over-time cross-entropy. Published: test accuracy 0.863 after 30 epochs. ' +
    'Uses the SpyTorch discretisation, so that it reproduces the tutorial.',
  dataset: newNode('dataset', 'data', 'fashion-mnist', {
    dataset: 'fashion-mnist',
    timeSteps: 100,
    latencyTau: 20,
    latencyTheta: 0.2,
    validationFraction: 0,
  }),
  hidden: { name: 'hidden', params: { size: 100, tauMem: 10, tauSyn: 5 } },
  readout: { size: 10, tauMem: 10, tauSyn: 5 },
  init: { init: 'spytorch', scale: 7 },
  training: {
    optimizer: 'adam',
    learningRate: 2e-4,
    batchSize: 256,
    epochs: 30,
    surrogateScale: 100,
    validationSplit: 'test',
  },
});

const shd = example({
  file: 'shd.snn.json',
  name: 'Spiking Heidelberg Digits',
  description:
    'SpyTorch tutorial 4: 700 cochlear channels binned into 100 steps over 1.4 s, a recurrent population of 200, ' +
    '20 classes, Adamax lr 2e-4. Published: test accuracy 0.692 after 200 epochs. ' +
    'Uses the SpyTorch discretisation, so that it reproduces the tutorial.',
  dataset: newNode('dataset', 'data', 'shd', {
    dataset: 'shd',
    timeSteps: 100,
    duration: 1400,
    validationFraction: 0.1,
  }),
  hidden: { name: 'recurrent', params: { size: 200, tauMem: 10, tauSyn: 5 }, recurrent: true },
  readout: { size: 20, tauMem: 10, tauSyn: 5 },
  init: { init: 'normal', scale: 0.2 },
  rateLimits: [
    {
      id: 'reg_lo',
      name: 'min rate',
      signal: 's_lo',
      params: { bound: 'lower', strength: 100, target: 1e-3, power: 'l2' },
      at: { x: 440, y: 320 },
    },
    {
      id: 'reg_hi',
      name: 'max rate',
      signal: 's_hi',
      params: { bound: 'upper', strength: 0.06, target: 100, power: 'l1' },
      at: { x: 680, y: 320 },
    },
  ],
  training: { optimizer: 'adamax', learningRate: 2e-4, batchSize: 256, epochs: 200, surrogateScale: 100 },
});

const shdAdlif = example({
  file: 'shd-adlif.snn.json',
  name: 'SHD with adaptive LIF (Bittar & Garner)',
  description:
    'The network shape of Bittar & Garner (2022, "A surrogate gradient spiking baseline for speech command recognition"): ' +
    '700 cochlear channels, three recurrent layers of 1024 adaptive LIF neurons (their RadLIF), a 20-class leaky readout ' +
    'scored by the mean over time. As in their code, every neuron learns its own membrane time constant, drawn uniformly ' +
    'in 5-25 ms, and its adaptation (a, b and the adaptation time constant, which starts at 75 ms, the centre of their ' +
    '30-120 ms range). Published target with the real SHD files: about 94.6% test ' +
    'accuracy (they also use dropout and batch normalisation, which Spikewright does not have). ' +
    'Under the NIR discretisation; adLIF itself has no NIR node, so this graph does not export to NIR.',
  dataset: newNode('dataset', 'data', 'shd', {
    dataset: 'shd',
    timeSteps: 100,
    duration: 1400,
    validationFraction: 0.1,
  }),
  hidden: {
    name: 'adLIF',
    params: {
      size: 1024,
      neuron: 'adlif',
      adaptation: 'forward-euler',
      tauMem: 15,
      tauAdapt: 75,
      reset: 'subtract',
      learnTauMem: true,
      learnAdaptation: true,
      tauInit: 'uniform',
      // 15 ms (1 +- 2/3): 5-25 ms.
      tauSpread: 2 / 3,
    },
    recurrent: true,
    layers: 3,
  },
  readout: { size: 20, tauMem: 15, tauSyn: 5 },
  init: { init: 'uniform', scale: 1 },
  loss: 'sum-over-time',
  training: {
    discretisation: 'nir',
    optimizer: 'adam',
    learningRate: 1e-2,
    batchSize: 128,
    epochs: 50,
    surrogateScale: 10,
  },
});

for (const example of [randman, fashion, shd, shdAdlif]) {
  const graph = { nodes: example.nodes, edges: example.edges };
  const errors = validateGraph(graph).filter((p) => p.severity === 'error');
  if (errors.length) throw new Error(`${example.file}: ${errors.map((e) => e.message).join('; ')}`);
  const file = newSnnFile(
    graph,
    { positions: example.positions },
    { name: example.name, description: example.description },
    pkg.version,
  );
  writeFileSync(new URL(`../examples/${example.file}`, import.meta.url), serializeSnnFile(file));
  console.log(`wrote examples/${example.file}`);
}
