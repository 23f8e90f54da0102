// Regenerates examples/*.snn.json from code, so the examples always match the document
// model. Run: npx tsx scripts/make-examples.ts
import { writeFileSync } from 'node:fs';
import pkg from '../package.json' with { type: 'json' };
import { type Layout, newSnnFile, serializeSnnFile } from '../shared/file/snnFile';
import { type GraphEdge, type GraphNode, newConnection, newNode } from '../shared/graph/document';
import { validateGraph } from '../shared/graph/validate';

interface Example {
  file: string;
  name: string;
  description: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
  positions: Layout['positions'];
}

const signal = (id: string, source: string, target: string): GraphEdge => ({ id, kind: 'signal', source, target });

/** What every example shares: the readout's scores and the labels go to the loss. */
const lossSignals = (): GraphEdge[] => [signal('s_scores', 'out', 'loss'), signal('s_labels', 'data', 'loss')];
/** dataset → hidden → readout → loss in a row; the training settings sit above the dataset. */
const row = (extra: Layout['positions'] = {}): Layout['positions'] => ({
  data: { x: 0, y: 120 },
  hidden: { x: 280, y: 120 },
  out: { x: 560, y: 120 },
  loss: { x: 840, y: 120 },
  ...extra,
  train: { x: 0, y: -80 },
});

const randman: Example = {
  file: 'randman.snn.json',
  name: 'Randman',
  description:
    'The synthetic random-manifold task of Zenke & Vogels (2021): 10 classes, 20 input units, each firing once. ' +
    'A 20-128-10 network as in the stork example (published test accuracy 0.963). ' +
    'Trained under the SpyTorch discretisation, the rule of that work.',
  nodes: [
    newNode('dataset', 'data', 'randman', {
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
    newNode('lif', 'hidden', 'hidden', { size: 128, tauMem: 20, tauSyn: 10 }),
    newNode('readout', 'out', 'readout', { size: 10, tauMem: 20, tauSyn: 10 }),
    newNode('loss', 'loss', 'loss', { loss: 'max-over-time' }),
    newNode('regularizer', 'reg', 'rate limit', { bound: 'upper', strength: 0.1, target: 4, power: 'l2' }),
    newNode('training', 'train', 'training', {
      discretisation: 'spytorch',
      optimizer: 'adam',
      learningRate: 2e-3,
      batchSize: 250,
      epochs: 30,
      surrogate: 'fast-sigmoid',
      surrogateScale: 20,
    }),
  ],
  edges: [
    newConnection('w_in', 'data', 'hidden', { init: 'spytorch', scale: 7 }),
    newConnection('w_out', 'hidden', 'out', { init: 'spytorch', scale: 7 }),
    ...lossSignals(),
    signal('s_rates', 'hidden', 'reg'),
  ],
  positions: row({ reg: { x: 560, y: 300 } }),
};

const fashion: Example = {
  file: 'fashion-mnist.snn.json',
  name: 'Fashion-MNIST',
  description:
    'SpyTorch tutorial 2: 784-100-10 feed-forward, latency-coded pixels, T = 100, batch 256, Adam lr 2e-4, ' +
    'fast-sigmoid surrogate (scale 100), max-over-time cross-entropy. Published: test accuracy 0.863 after 30 epochs. ' +
    'Uses the SpyTorch discretisation, so that it reproduces the tutorial.',
  nodes: [
    newNode('dataset', 'data', 'fashion-mnist', {
      dataset: 'fashion-mnist',
      timeSteps: 100,
      latencyTau: 20,
      latencyTheta: 0.2,
      validationFraction: 0,
    }),
    newNode('lif', 'hidden', 'hidden', { size: 100, tauMem: 10, tauSyn: 5 }),
    newNode('readout', 'out', 'readout', { size: 10, tauMem: 10, tauSyn: 5 }),
    newNode('loss', 'loss', 'loss', { loss: 'max-over-time' }),
    newNode('training', 'train', 'training', {
      discretisation: 'spytorch',
      optimizer: 'adam',
      learningRate: 2e-4,
      batchSize: 256,
      epochs: 30,
      surrogate: 'fast-sigmoid',
      surrogateScale: 100,
      validationSplit: 'test',
    }),
  ],
  edges: [
    newConnection('w_in', 'data', 'hidden', { init: 'spytorch', scale: 7 }),
    newConnection('w_out', 'hidden', 'out', { init: 'spytorch', scale: 7 }),
    ...lossSignals(),
  ],
  positions: row(),
};

const shd: Example = {
  file: 'shd.snn.json',
  name: 'Spiking Heidelberg Digits',
  description:
    'SpyTorch tutorial 4: 700 cochlear channels binned into 100 steps over 1.4 s, a recurrent population of 200, ' +
    '20 classes, Adamax lr 2e-4. Published: test accuracy 0.692 after 200 epochs. ' +
    'Uses the SpyTorch discretisation, so that it reproduces the tutorial.',
  nodes: [
    newNode('dataset', 'data', 'shd', { dataset: 'shd', timeSteps: 100, duration: 1400, validationFraction: 0.1 }),
    newNode('lif', 'hidden', 'recurrent', { size: 200, tauMem: 10, tauSyn: 5 }),
    newNode('readout', 'out', 'readout', { size: 20, tauMem: 10, tauSyn: 5 }),
    newNode('loss', 'loss', 'loss', { loss: 'max-over-time' }),
    newNode('regularizer', 'reg_lo', 'min rate', { bound: 'lower', strength: 100, target: 1e-3, power: 'l2' }),
    newNode('regularizer', 'reg_hi', 'max rate', { bound: 'upper', strength: 0.06, target: 100, power: 'l1' }),
    newNode('training', 'train', 'training', {
      discretisation: 'spytorch',
      optimizer: 'adamax',
      learningRate: 2e-4,
      batchSize: 256,
      epochs: 200,
      surrogate: 'fast-sigmoid',
      surrogateScale: 100,
    }),
  ],
  edges: [
    newConnection('w_in', 'data', 'hidden', { init: 'normal', scale: 0.2 }),
    newConnection('w_rec', 'hidden', 'hidden', { init: 'normal', scale: 0.2 }),
    newConnection('w_out', 'hidden', 'out', { init: 'normal', scale: 0.2 }),
    ...lossSignals(),
    signal('s_lo', 'hidden', 'reg_lo'),
    signal('s_hi', 'hidden', 'reg_hi'),
  ],
  positions: row({ reg_lo: { x: 440, y: 320 }, reg_hi: { x: 680, y: 320 } }),
};

for (const example of [randman, fashion, shd]) {
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
