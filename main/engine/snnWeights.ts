// Weights between `.snn.json` files and the engine: stored tensors are row-major
// [sourceUnits, targetUnits] float32, base64, keyed by connection id; bias currents are
// [size], in the file's `biases` keyed by population id. The engine holds both in one record
// (node and edge ids never collide), so the optimizer treats a bias like any weight.
import { base64ToFloat32, float32ToBase64 } from '../../shared/file/base64';
import type { FileMetadata, SnnFile, StoredTensor } from '../../shared/file/snnFile';
import { hasSynapseDelays } from '../../shared/graph/delays';
import { weightCount } from '../../shared/graph/shapes';
import { delayKey } from './delays';
import type { OptimizerState } from './optimizer';

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
  return out;
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
  for (const [id, w] of Object.entries(weights)) {
    const delayed = delayEdge(file, id);
    if (delayed !== null) delays[delayed] = stored(id, w);
    else if (nodeIds.has(id)) biases[id] = stored(id, w);
    else out.weights[id] = stored(id, w);
  }
  if (Object.keys(biases).length) out.biases = biases;
  else delete out.biases;
  if (Object.keys(delays).length) out.delays = delays;
  else delete out.delays;
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
