// Weights between `.snn.json` files and the engine: stored tensors are row-major
// [sourceUnits, targetUnits] float32, base64, keyed by connection id; bias currents are
// [size], in the file's `biases` keyed by population id. The engine holds both in one record
// (node and edge ids never collide), so the optimizer treats a bias like any weight.
// Per-neuron parameters are the file's `neuronParams` (time constants in ms), the engine's
// `${nodeId}.${name}` (a time constant as the logit of its decay: neuronParams.ts).
import { base64ToFloat32, float32ToBase64 } from '../../shared/file/base64';
import {
  type FileMetadata,
  NEURON_PARAMS,
  type NeuronParamName,
  type SnnFile,
  type StoredTensor,
} from '../../shared/file/snnFile';
import { hasSynapseDelays } from '../../shared/graph/delays';
import { type GraphNode, nodesOfKind } from '../../shared/graph/document';
import { weightCount } from '../../shared/graph/shapes';
import { delayKey } from './delays';
import { fromEngineValue, neuronKey, TIME_CONSTANTS, toEngineValue } from './neuronParams';
import type { OptimizerState } from './optimizer';
import { perNeuronOf } from './plan';

/** The file's stored weights that fit the graph (loadSnnFile warns about the others). */
export function weightsFromFile(file: SnnFile): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  const edges = new Map(file.graph.edges.map((e) => [e.id, e]));
  for (const [id, tensor] of Object.entries(file.weights ?? {})) {
    const edge = edges.get(id);
    const values = base64ToFloat32(tensor.data);
    if (edge && values && values.length === weightCount(file.graph, edge)) out[id] = values;
  }
  const nodes = new Map(file.graph.nodes.map((n) => [n.id, n]));
  for (const [id, tensor] of Object.entries(file.biases ?? {})) {
    const node = nodes.get(id);
    const values = base64ToFloat32(tensor.data);
    if ((node?.kind === 'lif' || node?.kind === 'readout') && node.params.bias && values?.length === node.params.size)
      out[id] = values;
  }
  Object.assign(out, delaysFromFile(file));
  Object.assign(out, neuronParamsFromFile(file));
  return out;
}

/** The time step and the discretisation a file's values convert under. */
function clock(file: SnnFile): { dt: number; rule: 'spytorch' | 'nir' } {
  const dataset = nodesOfKind(file.graph, 'dataset')[0] as Extract<GraphNode, { kind: 'dataset' }> | undefined;
  const training = nodesOfKind(file.graph, 'training')[0] as Extract<GraphNode, { kind: 'training' }> | undefined;
  return { dt: dataset?.params.dt ?? 1, rule: training?.params.discretisation ?? 'nir' };
}

/**
 * The file's per-neuron parameters (its `neuronParams`, time constants in ms) in engine space
 * under `${nodeId}.${name}`, for populations that still hold that parameter per neuron and
 * arrays that fit (finite; time constants positive). The others are drawn afresh.
 */
export function neuronParamsFromFile(file: SnnFile): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  const { dt, rule } = clock(file);
  for (const node of file.graph.nodes) {
    if (node.kind !== 'lif' && node.kind !== 'readout') continue;
    const stored = file.neuronParams?.[node.id];
    const spec = stored && perNeuronOf(node);
    if (!spec) continue;
    for (const name of spec.names) {
      const tensor = stored[name];
      const values = tensor && base64ToFloat32(tensor.data);
      if (values?.length !== node.params.size || !values.every(Number.isFinite)) continue;
      if (TIME_CONSTANTS.includes(name) && !values.every((v) => v > 0)) continue;
      out[neuronKey(node.id, name)] = values.map((v) => toEngineValue(name, v, dt, rule));
    }
  }
  return out;
}

/** The node id and parameter of an engine key `${nodeId}.${name}`, or null. */
function neuronParamOf(file: SnnFile, key: string): [string, NeuronParamName] | null {
  const dot = key.lastIndexOf('.');
  const name = key.slice(dot + 1) as NeuronParamName;
  if (dot < 0 || !NEURON_PARAMS.includes(name)) return null;
  const id = key.slice(0, dot);
  return file.graph.nodes.some((n) => n.id === id) ? [id, name] : null;
}

/**
 * The file's per-synapse and learnable delays (its `delays` map, in steps), under the engine's
 * keys `${edgeId}.delay`, for connections that still have such delays and arrays that fit them.
 */
export function delaysFromFile(file: SnnFile): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  const edges = new Map(file.graph.edges.map((e) => [e.id, e]));
  for (const [id, tensor] of Object.entries(file.delays ?? {})) {
    const edge = edges.get(id);
    const values = base64ToFloat32(tensor.data);
    if (edge?.kind !== 'connection' || !hasSynapseDelays(edge.params.delay) || !values) continue;
    if (values.length === weightCount(file.graph, edge) && values.every((v) => Number.isFinite(v) && v >= 0))
      out[delayKey(id)] = values;
  }
  return out;
}

/** The edge id of an engine key `${edgeId}.delay`, or null. */
function delayEdge(file: SnnFile, key: string): string | null {
  if (!key.endsWith('.delay')) return null;
  const id = key.slice(0, -'.delay'.length);
  return file.graph.edges.some((e) => e.id === id) ? id : null;
}

export function optimizerStateFromFile(file: SnnFile): OptimizerState | undefined {
  if (!file.optimizerState) return undefined;
  const slots: OptimizerState['slots'] = {};
  for (const [id, named] of Object.entries(file.optimizerState.slots)) {
    const entry: Record<string, Float32Array> = {};
    for (const [name, tensor] of Object.entries(named)) {
      const values = base64ToFloat32(tensor.data);
      if (values) entry[name] = values;
    }
    slots[id] = entry;
  }
  return { step: file.optimizerState.step, slots };
}

/** Stored tensors for one file, with its edges and nodes indexed once (a graph may have many). */
function tensorStore(file: SnnFile): (id: string, values: Float32Array) => StoredTensor {
  const edges = new Map(file.graph.edges.map((e) => [e.id, e]));
  const nodes = new Map(file.graph.nodes.map((n) => [n.id, n]));
  const shapeOf = (key: string, length: number): number[] => {
    // A connection's delays have its weights' shape.
    const id = edges.has(key) || !key.endsWith('.delay') ? key : key.slice(0, -'.delay'.length);
    const edge = edges.get(id);
    if (!edge) return [length];
    const target = nodes.get(edge.target);
    const cols = target && (target.kind === 'lif' || target.kind === 'readout') ? target.params.size : 1;
    return [length / cols, cols];
  };
  return (id, values) => ({ shape: shapeOf(id, values.length), dtype: 'float32', data: float32ToBase64(values) });
}

/** A copy of `file` carrying trained weights, optimizer moments and the run's results. */
export function withTrainedWeights(
  file: SnnFile,
  weights: Record<string, Float32Array>,
  training: NonNullable<FileMetadata['training']>,
  optimizer?: OptimizerState,
): SnnFile {
  const out: SnnFile = { ...file, metadata: { ...file.metadata, training } };
  out.weights = {};
  const biases: Record<string, StoredTensor> = {};
  const stored = tensorStore(file);
  const nodeIds = new Set(file.graph.nodes.map((n) => n.id));
  const delays: Record<string, StoredTensor> = {};
  const neuronParams: NonNullable<SnnFile['neuronParams']> = {};
  const { dt, rule } = clock(file);
  for (const [id, w] of Object.entries(weights)) {
    const delayed = delayEdge(file, id);
    const neuron = neuronParamOf(file, id);
    if (neuron) {
      const [node, name] = neuron;
      neuronParams[node] = {
        ...neuronParams[node],
        [name]: stored(
          id,
          w.map((v) => fromEngineValue(name, v, dt, rule)),
        ),
      };
    } else if (delayed !== null) delays[delayed] = stored(id, w);
    else if (nodeIds.has(id)) biases[id] = stored(id, w);
    else out.weights[id] = stored(id, w);
  }
  if (Object.keys(biases).length) out.biases = biases;
  else delete out.biases;
  if (Object.keys(delays).length) out.delays = delays;
  else delete out.delays;
  if (Object.keys(neuronParams).length) out.neuronParams = neuronParams;
  else delete out.neuronParams;
  if (optimizer) {
    const slots: Record<string, Record<string, StoredTensor>> = {};
    for (const [id, named] of Object.entries(optimizer.slots)) {
      slots[id] = {};
      for (const [name, values] of Object.entries(named))
        (slots[id] as Record<string, StoredTensor>)[name] = stored(id, values);
    }
    out.optimizerState = { step: optimizer.step, slots };
  }
  return out;
}
