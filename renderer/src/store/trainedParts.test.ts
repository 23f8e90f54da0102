// The document keeps what training produced besides the weights (biases, per-neuron
// parameters, delays): opened, saved and taken from a run without loss.
import { beforeEach, describe, expect, it } from 'vitest';
import { float32ToBase64 } from '../../../shared/file/base64';
import { loadSnnFile, newSnnFile, type SnnFile, serializeSnnFile } from '../../../shared/file/snnFile';
import { newConnection, newNode } from '../../../shared/graph/document';
import { useAppStore } from './index';
import { trainedPartsFor, trainedPartsOf } from './trainedParts';

const s = () => useAppStore.getState();
const tensor = (values: number[]) => ({
  shape: [values.length],
  dtype: 'float32' as const,
  data: float32ToBase64(new Float32Array(values)),
});

const BIASES = Array.from({ length: 128 }, (_, i) => i / 100);

/** A small trained file: a population with a trainable bias and its stored biases. */
function withBiases(): string {
  const graph = {
    nodes: [newNode('dataset', 'data', 'data'), newNode('lif', 'hidden', 'hidden', { size: 128, bias: true })],
    edges: [newConnection('w_in', 'data', 'hidden')],
  };
  const file = newSnnFile(graph, { positions: {} }, { name: 'b', description: '' }, '0.1.0');
  file.biases = { hidden: tensor(BIASES) };
  return serializeSnnFile(file);
}

beforeEach(() => s().newDocument());

describe('trained parts of the document', () => {
  it('writes back the biases of an opened file when it is saved', () => {
    expect(s().openText(withBiases(), null, 'b.snn.json')).toBeNull();
    const saved = loadSnnFile(JSON.stringify(s().toFile()));
    expect(saved.ok && saved.file.biases?.hidden?.data).toBe(tensor(BIASES).data);
  });

  it('writes back per-neuron parameters and delays of an opened file, as they were', () => {
    const file = loadSnnFile(withBiases());
    if (!file.ok) throw new Error(file.error);
    const tau = tensor(Array.from({ length: 128 }, (_, i) => 5 + i / 8));
    const delays = {
      shape: [20, 128],
      dtype: 'float32' as const,
      data: float32ToBase64(new Float32Array(20 * 128).fill(3)),
    };
    const text = serializeSnnFile({
      ...file.file,
      neuronParams: { hidden: { tauMem: tau } },
      delays: { w_in: delays },
    });
    expect(s().openText(text, null, 'n.snn.json')).toBeNull();
    expect(s().loadWarnings).toEqual([]);
    expect(serializeSnnFile(s().toFile())).toBe(text);
  });

  it('drops them with a new document', () => {
    s().openText(withBiases(), null, 'b.snn.json');
    s().newDocument();
    expect(s().trained).toEqual({});
    expect(s().toFile().biases).toBeUndefined();
  });

  it('keeps only the entries that name a node or edge of the graph', () => {
    const loaded = loadSnnFile(withBiases());
    if (!loaded.ok) throw new Error(loaded.error);
    const parts = trainedPartsOf(loaded.file);
    expect(Object.keys(parts)).toEqual(['biases']);
    const graph: SnnFile['graph'] = {
      ...loaded.file.graph,
      nodes: loaded.file.graph.nodes.filter((n) => n.id !== 'hidden'),
    };
    expect(trainedPartsFor(parts, graph)).toEqual({});
    expect(trainedPartsFor(parts, loaded.file.graph)).toEqual(parts);
  });
});
