// Synaptic delays in NIR files: fixed delays and delays equal along each source unit's row are
// written as a Delay node before the connection's weights, and the file, run by our own NIR
// simulator (simulate.ts, independent of the engine), gives the engine's spikes; per-synapse
// delays that differ within a row are refused by name; importing a Delay gives the delays back.
import { describe, expect, it } from 'vitest';
import { base64ToFloat32, float32ToBase64 } from '../../shared/file/base64';
import { newSnnFile, type SnnFile } from '../../shared/file/snnFile';
import type { ConnectionParams } from '../../shared/graph/kinds';
import { outputSize } from '../../shared/graph/shapes';
import { validateGraph } from '../../shared/graph/validate';
import { buildGraph, type NetSpec, randomBatch } from '../engine/testing';
import { Random } from '../util/random';
import { measureAgreement } from './agreement';
import { exportNirTree, NirExportError } from './export';
import { dataset, type H5Group } from './h5';
import { importNirTree } from './import';

const spec = (edgeParams: Record<string, Partial<ConnectionParams>>): NetSpec => ({
  inputs: 8,
  classes: 3,
  timeSteps: 40,
  hidden: [{ size: 6, tauMem: 10, tauSyn: 5, recurrent: true }],
  readout: { tauMem: 15, tauSyn: 4 },
  training: { batchSize: 4, discretisation: 'nir' },
  edgeParams,
});

/** A document with random weights and, for per-synapse connections, delays equal along each source row (or not). */
function fileWith(edgeParams: Record<string, Partial<ConnectionParams>>, rowsEqual = true): SnnFile {
  const graph = buildGraph(spec(edgeParams));
  const rng = new Random(3);
  const file = newSnnFile(graph, { positions: {} }, { name: 'delays', description: '' }, '0.0.0-test');
  file.weights = {};
  file.delays = {};
  for (const e of graph.edges) {
    if (e.kind !== 'connection') continue;
    const rows = outputSize(graph.nodes.find((n) => n.id === e.source)!)!;
    const cols = outputSize(graph.nodes.find((n) => n.id === e.target)!)!;
    const recurrent = e.source === e.target;
    const w = Float32Array.from({ length: rows * cols }, () => rng.normal(recurrent ? -0.05 : 0.6, 0.5));
    file.weights[e.id] = { shape: [rows, cols], dtype: 'float32', data: float32ToBase64(w) };
    if (e.params.delay !== 'per-synapse' && e.params.delay !== 'learnable') continue;
    const d = new Float32Array(rows * cols);
    for (let i = 0; i < rows; i++)
      for (let j = 0; j < cols; j++) d[i * cols + j] = rowsEqual || j === 0 ? (i * 3 + 1) % (e.params.maxDelay + 1) : 0;
    file.delays[e.id] = { shape: [rows, cols], dtype: 'float32', data: float32ToBase64(d) };
  }
  return file;
}

const batchOf = () => randomBatch(new Random(11), 16, 40, 8, 3, 0.15);

const nodesOf = (tree: H5Group) => ((tree.children.node as H5Group).children.nodes as H5Group).children;
const typeOf = (n: unknown) => ((n as H5Group).children.type as { value: string }).value;

describe('synaptic delays in NIR', () => {
  const delayed = {
    w_data_h0: { delay: 'fixed', delaySteps: 3 },
    w_h0_h0: { delay: 'per-synapse', maxDelay: 4 },
    w_h0_out: { delay: 'learnable', maxDelay: 5 },
  } as const;

  it('are written as Delay nodes before the weights, in seconds, one per source unit', () => {
    const file = fileWith(delayed);
    expect(validateGraph(file.graph).filter((p) => p.severity === 'error')).toEqual([]);
    const nodes = nodesOf(exportNirTree(file));
    const delays = Object.entries(nodes).filter(([, n]) => typeOf(n) === 'Delay');
    expect(delays.map(([name]) => name).sort()).toEqual(['data_to_h0_delay', 'h0_rec_delay', 'h0_to_out_delay']);
    const seconds = (name: string) =>
      Array.from(((nodes[name] as H5Group).children.delay as { value: Float64Array }).value);
    expect(seconds('data_to_h0_delay')).toEqual(new Array(8).fill(0.003));
    // Per source unit i: (3 i + 1) mod (max + 1) steps of 1 ms.
    expect(seconds('h0_rec_delay').map((s) => Math.round(s * 1000))).toEqual([1, 4, 2, 0, 3, 1]);
    expect(seconds('h0_to_out_delay').map((s) => Math.round(s * 1000))).toEqual([1, 4, 1, 4, 1, 4]);
    const edges = (exportNirTree(file).children.node as H5Group).children.edges as { value: string[] };
    const pairs: string[] = [];
    for (let k = 0; k < edges.value.length; k += 2) pairs.push(`${edges.value[k]}>${edges.value[k + 1]}`);
    expect(pairs).toEqual(
      expect.arrayContaining([
        'data>data_to_h0_delay',
        'data_to_h0_delay>data_to_h0',
        'h0>h0_rec_delay',
        'h0_rec_delay>h0_rec',
      ]),
    );
  });

  it('run the same in our NIR simulator as in the engine: identical spikes and predictions', () => {
    const file = fileWith(delayed);
    const a = measureAgreement(file, 'nir', batchOf(), 'random spikes');
    expect(a.layers.map((l) => [l.name, l.identical, l.lagSteps])).toEqual([['h0', true, 0]]);
    expect(a.layers[0]?.engineSpikes).toBeGreaterThan(50);
    expect(a.predictionAgreement).toBe(1);
    expect(a.exact).toBe(true);
    // The delays matter: without them the engine's spikes differ.
    const plain = fileWith({});
    plain.weights = file.weights;
    const b = measureAgreement(plain, 'nir', batchOf(), 'random spikes');
    expect(b.layers[0]?.engineSpikes).not.toBe(a.layers[0]?.engineSpikes);
  });

  it('refuses per-synapse delays that differ within a source unit, by name', () => {
    const file = fileWith({ w_h0_out: { delay: 'per-synapse', maxDelay: 5 } }, false);
    expect(() => exportNirTree(file)).toThrow(NirExportError);
    expect(() => exportNirTree(file)).toThrow(
      /connection 'w_h0_out' \(h0 → out\) has per-synapse delays that differ within the synapses of source unit 0 \(1 and 0 steps\); NIR's Delay node holds one delay per source neuron/,
    );
    const unrounded = fileWith({ w_h0_out: { delay: 'learnable', maxDelay: 5 } });
    const d = base64ToFloat32(unrounded.delays?.w_h0_out?.data ?? '') as Float32Array;
    d.fill(2.5);
    (unrounded.delays as Record<string, { data: string }>).w_h0_out!.data = float32ToBase64(d);
    expect(() => exportNirTree(unrounded)).toThrow(
      /has learnable delays that are not whole steps \(2.5 at source unit 0\)/,
    );
  });

  it('come back on import: our own files keep their modes and delays, another tool’s Delay becomes fixed or per-synapse delays', () => {
    const file = fileWith(delayed);
    const back = importNirTree(exportNirTree(file)).file;
    const params = (id: string) => {
      const e = back.graph.edges.find((x) => x.id === id);
      return e?.kind === 'connection' ? e.params : null;
    };
    expect(params('w_data_h0')).toMatchObject({ delay: 'fixed', delaySteps: 3 });
    expect(params('w_h0_h0')).toMatchObject({ delay: 'per-synapse', maxDelay: 4 });
    expect(params('w_h0_out')).toMatchObject({ delay: 'learnable', maxDelay: 5 });
    expect(Array.from(base64ToFloat32(back.delays?.w_h0_h0?.data ?? '') ?? [])).toEqual(
      Array.from(base64ToFloat32(file.delays?.w_h0_h0?.data ?? '') ?? []),
    );
    expect(validateGraph(back.graph).filter((p) => p.severity === 'error')).toEqual([]);
    // Without our metadata (another tool's file): equal delays are a fixed delay, others per-synapse.
    const foreign = importNirTree(exportNirTree(file, { keepSpikewrightMetadata: false })).file;
    const kinds = foreign.graph.edges.flatMap((e) =>
      e.kind === 'connection'
        ? [[e.source, e.target, e.params.delay, e.params.delay === 'fixed' ? e.params.delaySteps : e.params.maxDelay]]
        : [],
    );
    expect(kinds).toEqual(
      expect.arrayContaining([
        [expect.any(String), expect.any(String), 'fixed', 3],
        [expect.any(String), expect.any(String), 'per-synapse', 4],
      ]),
    );
  });

  it('refuses a Delay that does not sit between a population and a Linear, naming it', () => {
    const tree = exportNirTree(fileWith(delayed));
    const node = tree.children.node as H5Group;
    const edges = node.children.edges as { value: string[]; shape: number[] };
    // Rewire: the Delay feeds the population directly.
    const pairs: [string, string][] = [];
    for (let k = 0; k < edges.value.length; k += 2)
      pairs.push([edges.value[k] as string, edges.value[k + 1] as string]);
    pairs.push(['h0_rec_delay', 'h0']);
    node.children.edges = dataset(pairs.flat(), [pairs.length, 2]);
    expect(() => importNirTree(tree)).toThrow(
      /Delay 'h0_rec_delay' feeds 'h0' \(CubaLIF\); Spikewright holds delays on connections/,
    );
  });
});
