// Weights between `.snn.json` files and the engine: stored tensors are row-major
// [sourceUnits, targetUnits] float32, base64, keyed by connection id.
import { base64ToFloat32, float32ToBase64 } from '../../shared/file/base64';
import type { FileMetadata, SnnFile, StoredTensor } from '../../shared/file/snnFile';
import { weightCount } from '../../shared/graph/shapes';
import type { OptimizerState } from './optimizer';

/** The file's stored weights that fit the graph (loadSnnFile warns about the others). */
export function weightsFromFile(file: SnnFile): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  for (const [id, tensor] of Object.entries(file.weights ?? {})) {
    const edge = file.graph.edges.find((e) => e.id === id);
    const values = base64ToFloat32(tensor.data);
    if (edge && values && values.length === weightCount(file.graph, edge)) out[id] = values;
  }
  return out;
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

function stored(file: SnnFile, id: string, values: Float32Array): StoredTensor {
  return { shape: shapeOf(file, id, values.length), dtype: 'float32', data: float32ToBase64(values) };
}

function shapeOf(file: SnnFile, id: string, length: number): number[] {
  const edge = file.graph.edges.find((e) => e.id === id);
  if (!edge) return [length];
  const target = file.graph.nodes.find((n) => n.id === edge.target);
  const cols = target && (target.kind === 'lif' || target.kind === 'readout') ? target.params.size : 1;
  return [length / cols, cols];
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
  for (const [id, w] of Object.entries(weights)) out.weights[id] = stored(file, id, w);
  if (optimizer) {
    const slots: Record<string, Record<string, StoredTensor>> = {};
    for (const [id, named] of Object.entries(optimizer.slots)) {
      slots[id] = {};
      for (const [name, values] of Object.entries(named))
        (slots[id] as Record<string, StoredTensor>)[name] = stored(file, id, values);
    }
    out.optimizerState = { step: optimizer.step, slots };
  }
  return out;
}
