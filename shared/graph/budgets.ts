// Resource budgets: how much memory a graph needs to be stored and trained, estimated from its
// parameters alone, and the check that refuses a graph this machine cannot hold before
// anything is allocated. Declared once here; the validator, the file loader, the NIR importer
// and exporter and the CLI all ask this module. shared/ cannot see the machine, so the limit
// is a parameter: the Node side derives it from the machine's memory (main/util/memoryLimit.ts)
// and passes it in, or sets the process-wide default with `setDefaultMemoryLimit`.
//
// The figures follow what the fast engine (main/engine/fast/fastEngine.ts) allocates for one
// training step, in float32, per sample b, step n and unit j of a population:
//   LIF:      5 bytes forward (spike-list capacity Int32 + spike flag) and 12 kept for the
//             backward pass (surrogate derivative, spike gradient, drive gradient), +4 when a
//             zero reset is differentiated (the pre-reset membrane);
//   readout:  4 bytes forward (membrane trace, T+1 steps) and 8 for backward;
//   input:    the batch's spike lists (one spike per input unit per sample is assumed, as the
//             latency code and Randman give; event recordings such as SHD carry more).
// Each weight (and each trainable bias) costs 4 bytes stored; training keeps the weight, its gradient, the optimizer's
// moments (2 for Adam/Adamax, 1 for SGD) and a transposed copy for the dense product: 4 x (3 +
// moments). The dense product to a spiking source (W gD over all samples and steps) makes
// transient copies of both operands and the result. The dataset is held once, encoded.
// `bench/memory-estimate.ts` checks these figures against the real RSS of a training step.
import { delayBytes } from './delays';
import type { GraphDocument, GraphEdge, GraphNode } from './document';
import { nodeKindInfo } from './kinds';
import { datasetShape, outputSize } from './shapes';
import type { Problem } from './validate';

export const KB = 1024;
export const MB = 1024 * KB;
export const GB = 1024 * MB;

/** The limit used where the caller passes none and no process default was set: 8 GB. */
export const DEFAULT_MEMORY_LIMIT_BYTES = 8 * GB;

/**
 * Elements one typed array may hold in every engine we run on (V8's limit is 2^32 - 1 on
 * 64-bit builds of Node 20 and Electron); a larger single allocation fails whatever the memory.
 */
export const MAX_ARRAY_ELEMENTS = 2 ** 32 - 1;

/**
 * Weights of one connection that still fit a `.snn.json` file: they are stored as base64 text
 * (4 bytes -> 5.33 characters) inside one JSON string, and V8 strings hold at most 2^29 - 24
 * characters.
 */
export const MAX_SAVED_WEIGHTS = Math.floor(((2 ** 29 - 24) * 3) / 4 / 4);

let processDefault = DEFAULT_MEMORY_LIMIT_BYTES;

/** Sets the limit `validateGraph` and the loaders use when their caller passes none. */
export function setDefaultMemoryLimit(bytes: number): void {
  if (!(bytes > 0) || !Number.isFinite(bytes))
    throw new RangeError(`A memory limit must be a positive number of bytes.`);
  processDefault = bytes;
}

export function defaultMemoryLimit(): number {
  return processDefault;
}

/** Samples held by each fixed dataset (train + test), for the dataset's share of memory. */
const DATASET_SAMPLES: Record<string, number> = {
  'fashion-mnist': 70000,
  mnist: 70000,
  shd: 10420,
  ssc: 105829,
};

export interface NodeEstimate {
  id: string;
  name: string;
  /** Units x steps x batch of this population's per-step state. */
  units: number;
  /** Bytes of state the forward pass writes for one batch. */
  forwardBytes: number;
  /** Bytes the backward pass keeps for one batch. */
  backwardBytes: number;
}

export interface EdgeEstimate {
  id: string;
  source: string;
  target: string;
  /** source units x target units. */
  weights: number;
  /** Stored weights: 4 bytes each. */
  bytes: number;
  /** Weight, gradient, optimizer moments and the transposed copy while training (delays included). */
  trainingBytes: number;
  /** Per-synapse or learnable delays: stored bytes (4 per synapse) and bytes while training (shared/graph/delays.ts). */
  delayBytes: number;
  delayTrainingBytes: number;
  /** Elements of the delays' largest single array. */
  delayArrayElements: number;
}

export interface ResourceEstimate {
  batchSize: number;
  timeSteps: number;
  nodes: NodeEstimate[];
  edges: EdgeEstimate[];
  /** Stored weights of all connections (what a trained file holds). */
  weightBytes: number;
  /** Trainable bias currents (populations with `bias`): 4 bytes each stored, 4 x (3 + moments) while training. */
  biasBytes: number;
  /** Per-batch state, forward and backward, of all populations plus the input batch. */
  stateBytes: number;
  /** The largest transient of the dense gradient product. */
  transientBytes: number;
  /** The encoded dataset held in memory. */
  datasetBytes: number;
  /** Everything one training step holds at its peak. */
  trainingBytes: number;
}

const num = (v: unknown, fallback: number) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : fallback);

/** The memory a graph needs, from its parameters. Never throws; a graph with bad parameters is estimated as far as it can be. */
export function estimateResources(graph: GraphDocument): ResourceEstimate {
  const byId = new Map<string, GraphNode>();
  for (const n of graph.nodes) byId.set(n.id, n);
  const dataset = graph.nodes.find((n) => n.kind === 'dataset');
  const training = graph.nodes.find((n) => n.kind === 'training');
  const T = dataset?.kind === 'dataset' ? Math.max(1, Math.round(num(dataset.params.timeSteps, 1))) : 1;
  const B = training?.kind === 'training' ? Math.max(1, Math.round(num(training.params.batchSize, 1))) : 1;
  const moments = training?.kind === 'training' && training.params.optimizer === 'sgd' ? 1 : 2;
  const size = (n: GraphNode) => num(outputSize(n), 0);

  const nodes: NodeEstimate[] = [];
  let stateBytes = 0;
  let biasBytes = 0;
  let biasTrainingBytes = 0;
  for (const n of graph.nodes) {
    let forward = 0;
    let backward = 0;
    const N = size(n);
    if (n.kind === 'lif') {
      forward = B * T * N * 5 + B * T * 4 + T * N * 4;
      backward = B * T * N * (12 + (n.params.reset === 'zero' && n.params.detachReset === false ? 4 : 0)) + B * N * 8;
    } else if (n.kind === 'readout') {
      forward = B * (T + 1) * N * 4 + T * N * 4;
      backward = B * (T + 1) * N * 4 + B * T * N * 4;
    } else if (n.kind === 'dataset') {
      forward = B * T * 4 + B * N * 4;
    } else continue;
    if ((n.kind === 'lif' || n.kind === 'readout') && n.params.bias === true) {
      biasBytes += N * 4;
      biasTrainingBytes += N * 4 * (3 + moments);
    }
    stateBytes += forward + backward;
    nodes.push({ id: n.id, name: n.name, units: B * T * N, forwardBytes: forward, backwardBytes: backward });
  }

  const edges: EdgeEstimate[] = [];
  let weightBytes = 0;
  let transientBytes = 0;
  for (const e of graph.edges) {
    if (e.kind !== 'connection') continue;
    const s = byId.get(e.source);
    const t = byId.get(e.target);
    if (!s || !t) continue;
    const a = size(s);
    const b = size(t);
    const weights = a * b;
    const delays = delayBytes(e.params, weights, moments);
    edges.push({
      id: e.id,
      source: e.source,
      target: e.target,
      weights,
      bytes: weights * 4,
      trainingBytes: weights * 4 * (3 + moments) + delays.training,
      delayBytes: delays.stored,
      delayTrainingBytes: delays.training,
      delayArrayElements: delays.largestArray,
    });
    weightBytes += weights * 4;
    if (s.kind === 'lif') transientBytes = Math.max(transientBytes, (B * T * (a + b) + weights) * 4);
  }

  let datasetBytes = 0;
  if (dataset?.kind === 'dataset') {
    const { units } = datasetShape(dataset.params);
    const p = dataset.params;
    const samples =
      DATASET_SAMPLES[p.dataset] ?? (p.dataset === 'randman' ? num(p.samplesPerClass, 0) * num(p.classes, 0) : 0);
    const unitBytes = units <= 65535 ? 2 : 4;
    datasetBytes = samples * (T * 4 + num(units, 0) * unitBytes);
  }
  const trainingWeights = edges.reduce((sum, e) => sum + e.trainingBytes, 0);
  return {
    batchSize: B,
    timeSteps: T,
    nodes,
    edges,
    weightBytes,
    biasBytes,
    stateBytes,
    transientBytes,
    datasetBytes,
    trainingBytes: trainingWeights + biasTrainingBytes + stateBytes + transientBytes + datasetBytes,
  };
}

/** "16.0 GB", "820 KB": binary units, three significant digits. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return `${bytes} bytes`;
  const units: [number, string][] = [
    [GB * 1024, 'TB'],
    [GB, 'GB'],
    [MB, 'MB'],
    [KB, 'KB'],
  ];
  for (const [size, unit] of units) {
    if (bytes >= size) {
      const v = bytes / size;
      return `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ${unit}`;
    }
  }
  return `${Math.round(bytes)} bytes`;
}

const count = (n: number) => n.toLocaleString('en-US');

/**
 * Why the graph does not fit: one error per connection whose weights alone exceed the limit
 * or one array, one per population whose state does, and one for the training step as a
 * whole, each naming the node or edge and the figure. Warnings for weights too large to save.
 */
export function budgetProblems(graph: GraphDocument, limitBytes = processDefault): Problem[] {
  const problems: Problem[] = [];
  const est = estimateResources(graph);
  const allows = `this machine allows ${formatBytes(limitBytes)}`;
  const byId = new Map<string, GraphNode>();
  for (const n of graph.nodes) byId.set(n.id, n);
  const label = (id: string) => {
    const n = byId.get(id);
    return n ? `${nodeKindInfo[n.kind].label} '${n.name || n.id}'` : `'${id}'`;
  };
  const edgeOf = new Map<string, GraphEdge>();
  for (const e of graph.edges) edgeOf.set(e.id, e);
  let refused = false;
  for (const e of est.edges) {
    const name = `Connection ${label(e.source)} → ${label(e.target)}`;
    const what = `${count(outputSize(byId.get(e.source) as GraphNode) ?? 0)} x ${count(outputSize(byId.get(e.target) as GraphNode) ?? 0)}`;
    if (e.bytes > limitBytes || e.weights > MAX_ARRAY_ELEMENTS) {
      refused = true;
      problems.push({
        severity: 'error',
        target: { type: 'edge', id: e.id },
        message: `${name} needs ${formatBytes(e.bytes)} of weights (${what}); ${e.weights > MAX_ARRAY_ELEMENTS ? `one array holds at most ${count(MAX_ARRAY_ELEMENTS)} values` : allows}`,
      });
    } else if (delayRefused(e, limitBytes)) {
      refused = true;
      const taps = e.weights > 0 ? Math.round(e.delayArrayElements / e.weights) : 1;
      problems.push({
        severity: 'error',
        target: { type: 'edge', id: e.id },
        field: 'maxDelay',
        message: `${name} needs ${formatBytes(e.delayTrainingBytes)} for its per-synapse delays while training (${what} synapses${taps > 1 ? ` x ${count(taps)} delay taps` : ''}); ${e.delayArrayElements > MAX_ARRAY_ELEMENTS ? `one array holds at most ${count(MAX_ARRAY_ELEMENTS)} values` : allows}. Lower the maximum delay, use fixed delays, or shrink the populations`,
      });
    } else if (e.weights > MAX_SAVED_WEIGHTS)
      problems.push({
        severity: 'warning',
        target: { type: 'edge', id: e.id },
        message: `${name} has ${formatBytes(e.bytes)} of weights (${what}), more than a .snn.json file can hold (${formatBytes(MAX_SAVED_WEIGHTS * 4)} per connection); it can be trained but not saved`,
      });
  }
  for (const n of est.nodes) {
    const bytes = n.forwardBytes + n.backwardBytes;
    const node = byId.get(n.id) as GraphNode;
    if (bytes > limitBytes || n.units > MAX_ARRAY_ELEMENTS) {
      refused = true;
      problems.push({
        severity: 'error',
        target: { type: 'node', id: n.id },
        field: node.kind === 'dataset' ? 'timeSteps' : 'size',
        message: `${label(n.id)} needs ${formatBytes(bytes)} of state (${count(outputSize(node) ?? 0)} units x ${count(est.timeSteps)} steps x ${count(est.batchSize)} samples); ${n.units > MAX_ARRAY_ELEMENTS ? `one array holds at most ${count(MAX_ARRAY_ELEMENTS)} values` : allows}. Reduce the batch size, the time steps or the population`,
      });
    }
  }
  if (!refused && est.trainingBytes > limitBytes) {
    // Name the largest part, so the user knows what to shrink.
    const parts: { bytes: number; target?: Problem['target']; what: string }[] = [
      ...est.edges.map((e) => ({
        bytes: e.trainingBytes,
        target: { type: 'edge' as const, id: e.id },
        what: `the weights${e.delayTrainingBytes > 0 ? ' and delays' : ''} of ${label(e.source)} → ${label(e.target)} with their gradients and optimizer state`,
      })),
      ...est.nodes.map((n) => ({
        bytes: n.forwardBytes + n.backwardBytes,
        target: { type: 'node' as const, id: n.id },
        what: `the state of ${label(n.id)} over ${count(est.timeSteps)} steps x ${count(est.batchSize)} samples`,
      })),
      { bytes: est.datasetBytes, what: 'the encoded dataset' },
    ];
    const largest = parts.reduce((a, b) => (b.bytes > a.bytes ? b : a));
    problems.push({
      severity: 'error',
      ...(largest.target ? { target: largest.target } : {}),
      message: `Training needs about ${formatBytes(est.trainingBytes)} (the largest part: ${formatBytes(largest.bytes)} for ${largest.what}); ${allows}. Reduce the batch size, the time steps or the populations`,
    });
  }
  return problems;
}

/** Whether a connection's delays alone cannot be held: over the limit, or more values than one array holds. */
function delayRefused(e: EdgeEstimate, limitBytes: number): boolean {
  return e.delayTrainingBytes > limitBytes || e.delayArrayElements > MAX_ARRAY_ELEMENTS;
}
