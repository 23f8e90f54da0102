// Real files made by other tools (main/nir/fixtures/README.md) import as graphs that validate
// and run; files we cannot run are refused, naming what is in them.
import { describe, expect, it } from 'vitest';
import { validateGraph } from '../../shared/graph/validate';
import { FastEngine } from '../engine/fast/fastEngine';
import { compilePlan } from '../engine/plan';
import { weightsFromFile } from '../engine/snnWeights';
import { randomBatch } from '../engine/testing';
import { Random } from '../util/random';
import { fixtureBatch, fixtureNir, fixtureRuns } from './fixtureFiles';
import { dataset, group, writeH5 } from './h5';
import { importNir } from './import';
import { nirTree } from './testing';

const fixture = fixtureNir;

const FILES: [name: string, dtSeconds: number | undefined, expectDt: number][] = [
  ['snntorch-synaptic-ff', undefined, 1e-4], // snnTorch's hidden step, found from r = tau_mem / dt
  ['snntorch-rsynaptic', undefined, 1e-4],
  ['nir-paper-braille', undefined, 1e-4],
  ['lif-norse', 1e-4, 1e-4], // Norse files do not say their step: given, as the paper's README does
  ['snntorch-lif', 1e-4, 1e-4],
];

describe('real NIR files import as graphs that run', () => {
  for (const [name, given, expectDt] of FILES)
    it(`${name} imports (dt ${expectDt} s), validates, and runs on a batch`, async () => {
      const result = await importNir(fixture(name), given === undefined ? {} : { dtSeconds: given });
      expect(result.dtSeconds).toBeCloseTo(expectDt, 12);
      expect(result.problems).toEqual([]);
      const graph = result.file.graph;
      expect(validateGraph(graph).filter((p) => p.severity === 'error')).toEqual([]);
      const pops = graph.nodes.filter((n) => n.kind === 'lif' || n.kind === 'readout');
      expect(pops.length).toBeGreaterThan(0);
      const plan = compilePlan(graph);
      const batch = randomBatch(new Random(3), 2, plan.timeSteps, plan.inputUnits, plan.classes, 0.2);
      const weights = weightsFromFile(result.file);
      expect(plan.connections.every((c) => weights[c.id])).toBe(true);
      const rec = new FastEngine(plan).record(batch, weights, { samples: 2 });
      expect(rec.predictions.length).toBe(2);
      expect(rec.populations.length).toBe(pops.length + 1);
    });

  it('the one-neuron LIF files keep their single output (one class, no padding)', async () => {
    const result = await importNir(fixture('lif-norse'), { dtSeconds: 1e-4 });
    const d = result.file.graph.nodes.find((n) => n.kind === 'dataset');
    expect(d?.kind === 'dataset' && d.params.classes).toBe(1);
    const lif = result.file.graph.nodes.filter((n) => n.kind === 'lif');
    expect(lif.map((n) => n.kind === 'lif' && n.params.size)).toEqual([1]);
  });

  it("the Braille network's Affine biases become bias currents (input gain 1 at dt = 1e-4)", async () => {
    const result = await importNir(fixture('nir-paper-braille'));
    const pops = result.file.graph.nodes.filter((n) => n.kind === 'lif');
    expect(pops.map((n) => n.kind === 'lif' && n.params.bias)).toEqual([true, true]);
    expect(Object.keys(result.file.biases ?? {}).sort()).toEqual(pops.map((n) => n.id).sort());
    expect(result.unmapped).toEqual([]);
  });

  it('the recurrent snnTorch subgraph becomes a self-connection', async () => {
    const result = await importNir(fixture('snntorch-rsynaptic'));
    const self = result.file.graph.edges.filter((e) => e.kind === 'connection' && e.source === e.target);
    expect(self.length).toBe(1);
  });
});

describe('an imported file runs in our engine as the NIR reference ran it', () => {
  it("the NIR paper's Braille network (biases, recurrence, dt 1e-4): the engine gives the reference loop's spikes exactly", async () => {
    const result = await importNir(fixture('nir-paper-braille'));
    const golden = fixtureRuns('nir-paper-braille');
    const batch = fixtureBatch(golden.input);
    const B = batch.batchSize;
    const plan = compilePlan(result.file.graph);
    const weights = Object.fromEntries(
      Object.entries(weightsFromFile(result.file)).map(([k, v]) => [k, Float64Array.from(v)]),
    );
    const rec = new FastEngine(plan, { precision: 'float64', matmul: 'js' }).record(batch, weights, { samples: B });
    const reference = golden.runs.nir_reference_impl_reset_to_v_reset?.layers ?? {};
    const sort = (a: ArrayLike<number>) => {
      const out: string[] = [];
      for (let k = 0; k < a.length; k += 3) out.push(`${a[k]},${a[k + 1]},${a[k + 2]}`);
      return out.sort();
    };
    for (const layer of ['lif1.lif', 'lif2']) {
      const pop = rec.populations.find((p) => p.name === layer);
      expect(pop, layer).toBeDefined();
      const expected = sort((reference[layer]?.spikes ?? []).flat());
      expect(expected.length).toBeGreaterThan(100);
      expect(sort(pop?.spikes ?? []), layer).toEqual(expected);
    }
  });
});

describe('files Spikewright cannot run', () => {
  it('a convolutional network is refused, naming its node types, and nothing is imported', async () => {
    const f = (n: number, v = 0.1) => dataset(new Float32Array(n).fill(v));
    const conv = group({
      type: dataset('Conv2d'),
      weight: dataset(new Float32Array(2 * 1 * 3 * 3).fill(0.1), [2, 1, 3, 3]),
      bias: f(2),
      stride: dataset(BigInt64Array.of(1n, 1n)),
      padding: dataset(BigInt64Array.of(1n, 1n)),
      dilation: dataset(BigInt64Array.of(1n, 1n)),
      groups: dataset(BigInt64Array.of(1n)),
    });
    const pool = group({
      type: dataset('SumPool2d'),
      kernel_size: dataset(BigInt64Array.of(2n, 2n)),
      stride: dataset(BigInt64Array.of(2n, 2n)),
      padding: dataset(BigInt64Array.of(0n, 0n)),
    });
    const tree = nirTree(
      {
        input: group({ type: dataset('Input'), shape: dataset(BigInt64Array.of(1n, 8n, 8n)) }),
        conv1: conv,
        pool1: pool,
        output: group({ type: dataset('Output'), shape: dataset(BigInt64Array.of(2n, 4n, 4n)) }),
      },
      [
        ['input', 'conv1'],
        ['conv1', 'pool1'],
        ['pool1', 'output'],
      ],
    );
    const error = await importNir(await writeH5(tree)).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/cannot run: Conv2d \(node 'conv1'\); SumPool2d \(node 'pool1'\)/);
    expect((error as Error).message).toMatch(/nothing was imported/);
  });
});
