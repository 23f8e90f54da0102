// The document keeps what training produced besides the weights (biases, per-neuron
// parameters, delays): opened, saved and taken from a run without loss.
import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { float32ToBase64 } from '../../../shared/file/base64';
import { loadSnnFile, type SnnFile } from '../../../shared/file/snnFile';
import { useAppStore } from './index';
import { trainedPartsFor, trainedPartsOf } from './trainedParts';

const s = () => useAppStore.getState();
const example = readFileSync(new URL('../../../examples/randman.snn.json', import.meta.url), 'utf8');
const tensor = (values: number[]) => ({
  shape: [values.length],
  dtype: 'float32' as const,
  data: float32ToBase64(new Float32Array(values)),
});

function withBiases(): string {
  const doc = JSON.parse(example);
  for (const n of doc.graph.nodes) if (n.id === 'hidden') n.params.bias = true;
  doc.biases = { hidden: tensor(Array.from({ length: 128 }, (_, i) => i / 100)) };
  return JSON.stringify(doc);
}

beforeEach(() => s().newDocument());

describe('trained parts of the document', () => {
  it('writes back the biases of an opened file when it is saved', () => {
    expect(s().openText(withBiases(), null, 'b.snn.json')).toBeNull();
    const saved = loadSnnFile(JSON.stringify(s().toFile()));
    expect(saved.ok && saved.file.biases?.hidden?.data).toBe(
      tensor(Array.from({ length: 128 }, (_, i) => i / 100)).data,
    );
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
