import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { base64ToFloat32, float32ToBase64 } from '../../shared/file/base64';
import { newSnnFile, type SnnFile } from '../../shared/file/snnFile';
import type { GraphDocument } from '../../shared/graph/document';
import { outputSize } from '../../shared/graph/shapes';
import { validateGraph } from '../../shared/graph/validate';
import type { SpikeBatch } from '../data/types';
import { FastEngine } from '../engine/fast/fastEngine';
import { compilePlan } from '../engine/plan';
import { weightsFromFile } from '../engine/snnWeights';
import { buildGraph, type NetSpec, randomBatch } from '../engine/testing';
import { Trainer } from '../engine/trainer';
import type { Recording } from '../engine/types';
import { Random } from '../util/random';
import { exportNir, exportNirDocument, exportNirToPath, exportNirTree, NirExportError } from './export';
import { dataset, group, type H5Group, readH5, writeH5 } from './h5';
import { importNir, importNirDocument, importNirFromPath, importNirTree } from './import';
import { nirRuleViolations } from './rules';
import { edgesOf, f32, nirTree, shape } from './testing';

const here = dirname(fileURLToPath(import.meta.url));

const SPEC: NetSpec = {
  inputs: 6,
  classes: 3,
  timeSteps: 40,
  hidden: [
    { size: 5, tauMem: 10, tauSyn: 5, recurrent: true },
    { size: 4, tauMem: 20, tauSyn: 3, threshold: 0.8, scaleInput: true },
  ],
  readout: { tauMem: 15, tauSyn: 4 },
  // These tests pin SpyTorch's rule (the mapping of graphs trained under it); main/nir/export.test.ts
  // checks the 'nir' discretisation against the simulator.
  training: { batchSize: 4, discretisation: 'spytorch' },
};

/** A document with random weights strong enough to make every population spike. */
function trainedFile(spec: NetSpec = SPEC, seed = 1): SnnFile {
  const graph = buildGraph(spec);
  const rng = new Random(seed);
  const file = newSnnFile(graph, { positions: {} }, { name: 'nir test', description: '' }, '0.0.0-test');
  file.weights = {};
  for (const e of graph.edges) {
    if (e.kind !== 'connection') continue;
    const rows = outputSize(graph.nodes.find((n) => n.id === e.source)!)!;
    const cols = outputSize(graph.nodes.find((n) => n.id === e.target)!)!;
    const recurrent = e.source === e.target;
    const w = Float32Array.from({ length: rows * cols }, () => rng.normal(recurrent ? -0.05 : 0.25, 0.5));
    file.weights[e.id] = { shape: [rows, cols], dtype: 'float32', data: float32ToBase64(w) };
  }
  return file;
}

function batchFor(file: SnnFile, seed = 7): SpikeBatch {
  const d = file.graph.nodes.find((n) => n.kind === 'dataset');
  if (d?.kind !== 'dataset') throw new Error('no dataset');
  return randomBatch(new Random(seed), 3, d.params.timeSteps, d.params.inputs, d.params.classes, 0.2);
}

async function record(file: SnnFile, batch: SpikeBatch): Promise<Recording> {
  const data = {
    name: 'one batch',
    inputUnits: batch.inputUnits,
    classes: compilePlan(file.graph).classes,
    timeSteps: batch.timeSteps,
    size: () => 0,
    batches: () => [],
  };
  const trainer = new Trainer(file.graph, data, { initialWeights: weightsFromFile(file) });
  try {
    return await trainer.record(batch, { samples: 3, neurons: 100 });
  } finally {
    trainer.dispose();
  }
}

/** The graph without ids: nodes by name with kind and params, connections by node names. */
function shapeOfGraph(graph: GraphDocument) {
  const name = (id: string) => graph.nodes.find((n) => n.id === id)?.name;
  return {
    nodes: graph.nodes
      .map((n) => ({ kind: n.kind, name: n.name, params: n.params }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    edges: graph.edges
      .map((e) => ({
        kind: e.kind,
        from: name(e.source),
        to: name(e.target),
        ...(e.kind === 'connection' ? { params: e.params } : {}),
      }))
      .sort((a, b) => `${a.from}>${a.to}`.localeCompare(`${b.from}>${b.to}`)),
  };
}

function weightsByNames(file: SnnFile): Record<string, number[]> {
  const name = (id: string) => file.graph.nodes.find((n) => n.id === id)?.name;
  const out: Record<string, number[]> = {};
  for (const e of file.graph.edges)
    if (e.kind === 'connection')
      out[`${name(e.source)}>${name(e.target)}`] = Array.from(base64ToFloat32(file.weights?.[e.id]?.data ?? '') ?? []);
  return out;
}

function stripSpikewrightMetadata(tree: H5Group): H5Group {
  const node = tree.children.node as H5Group;
  const metadata = node.children.metadata as H5Group;
  delete metadata.children.spikewright;
  return tree;
}

describe('NIR export', () => {
  it('writes a file that obeys the reference reader rules', async () => {
    const bytes = await exportNir(trainedFile());
    const tree = await readH5(bytes);
    expect(nirRuleViolations(tree)).toEqual([]);
    expect((tree.children.version as { value: string }).value).toBe('1.0.7');
    const nodes = ((tree.children.node as H5Group).children.nodes as H5Group).children;
    const types = Object.fromEntries(
      Object.entries(nodes).map(([k, v]) => [k, ((v as H5Group).children.type as { value: string }).value]),
    );
    expect(types).toMatchObject({
      data: 'Input',
      h0: 'CubaLIF',
      h1: 'CubaLIF',
      out: 'CubaLI',
      h0_rec: 'Linear',
      out_output: 'Output',
    });
    // Recurrence is an edge cycle population -> Linear -> the same population.
    const edges = ((tree.children.node as H5Group).children.edges as { value: string[] }).value;
    const pairs = edges.flatMap((_, i) => (i % 2 ? [] : [`${edges[i]}>${edges[i + 1]}`]));
    expect(pairs).toContain('h0>h0_rec');
    expect(pairs).toContain('h0_rec>h0');
    expect(pairs[pairs.length - 1]).toBe('out>out_output');
    // Our [in, out] weights are written transposed, as (out, in).
    const w = (nodes.data_to_h0 as H5Group).children.weight as { shape: number[]; value: Float32Array };
    expect(w.shape).toEqual([5, 6]);
    const ours = base64ToFloat32(trainedFile().weights!.w_data_h0!.data)!;
    expect(w.value[2 * 6 + 3]).toBe(ours[3 * 5 + 2]);
  });

  it('refuses what NIR cannot express, naming the node', async () => {
    const spec: NetSpec = { ...SPEC, hidden: [{ size: 5, reset: 'subtract' }] };
    const file = trainedFile(spec);
    file.graph.nodes.find((n) => n.id === 'h0')!.name = 'Hidden layer';
    expect(() => exportNirTree(file)).toThrow(NirExportError);
    expect(() => exportNirTree(file)).toThrow(/LIF population 'Hidden layer' uses the subtractive reset/);
    const adaptive = trainedFile();
    const h0 = adaptive.graph.nodes.find((n) => n.id === 'h0');
    if (h0?.kind === 'lif') {
      h0.name = 'Adaptive';
      h0.params.neuron = 'adlif';
    }
    expect(() => exportNirTree(adaptive)).toThrow(
      /LIF population 'Adaptive' is an adaptive LIF \(adLIF\) population, which NIR cannot express: NIR has no adaptive LIF node/,
    );
    const untrained = trainedFile();
    delete untrained.weights;
    expect(() => exportNirTree(untrained)).toThrow(/has no trained weights/);
    // Per-neuron time constants are drawn or trained by a run: a file without them cannot say what they are.
    const heterogeneous = trainedFile();
    const h = heterogeneous.graph.nodes.find((n) => n.id === 'h0');
    if (h?.kind === 'lif') {
      h.name = 'Varied';
      h.params.tauInit = 'gamma';
    }
    expect(() => exportNirTree(heterogeneous)).toThrow(
      /LIF population 'Varied' has per-neuron time constants or thresholds but none stored in this file/,
    );
  });

  it('gives the backend hook bytes and a file name', async () => {
    const { serializeSnnFile } = await import('../../shared/file/snnFile');
    const out = await exportNirDocument(serializeSnnFile(trainedFile()));
    expect(out.fileName).toBe('nir_test.nir');
    expect(Array.from(out.data.slice(1, 4))).toEqual([0x48, 0x44, 0x46]);
    const dir = mkdtempSync(join(tmpdir(), 'nir-'));
    await exportNirToPath(trainedFile(), join(dir, 'm.nir'));
    const back = await importNirFromPath(join(dir, 'm.nir'));
    expect(back.file.graph).toEqual(trainedFile().graph);
    const doc = await importNirDocument(out.data);
    expect(JSON.parse(doc.text).format).toBe('spikewright.snn');
    await expect(importNirFromPath(join(dir, 'missing.nir'))).rejects.toThrow(/Cannot read/);
  });
});

const COUNT_SPEC: NetSpec = {
  inputs: 5,
  classes: 3,
  timeSteps: 30,
  hidden: [
    { size: 4, recurrent: true, tauMem: 8 },
    { size: 3, threshold: 1.2 },
  ],
  loss: { loss: 'spike-count-mse' },
  regularizers: [{ bound: 'lower' }],
  training: { batchSize: 4, optimizer: 'adamax' },
};

describe('NIR round trip', () => {
  it.each([
    ['recurrent, input scaling, readout', SPEC],
    ['spike-count loss, regulariser, no readout', COUNT_SPEC],
  ])('gives back the same graph, weights and inference (%s)', async (_, spec) => {
    const file = trainedFile(spec);
    const back = await importNir(await exportNir(file));
    const { loadSnnFile, serializeSnnFile } = await import('../../shared/file/snnFile');
    const reloaded = loadSnnFile(serializeSnnFile(back.file));
    expect(reloaded.ok && reloaded.warnings).toEqual([]);
    expect(back.unmapped).toEqual([]);
    expect(back.problems).toEqual([]);
    expect(shapeOfGraph(back.file.graph)).toEqual(shapeOfGraph(file.graph));
    // Our own files come back in their original order, ids included.
    expect(back.file.graph.nodes.map((n) => n.id)).toEqual(file.graph.nodes.map((n) => n.id));
    expect(back.file.graph.edges.map((e) => e.id)).toEqual(file.graph.edges.map((e) => e.id));
    expect(back.file.graph).toEqual(file.graph);
    expect(weightsByNames(back.file)).toEqual(weightsByNames(file));
    const batch = batchFor(file);
    const [a, b] = [await record(file, batch), await record(back.file, batch)];
    const spikes = a.populations.filter((p) => p.kind !== 'readout').map((p) => p.spikes.length);
    expect(spikes.every((n) => n > 0)).toBe(true);
    expect(b.populations.map((p) => p.spikes)).toEqual(a.populations.map((p) => p.spikes));
    for (let k = 0; k < a.populations.length; k++) {
      const x = a.populations[k]!.membranes.flat().flatMap((m) => [...m]);
      const y = b.populations[k]!.membranes.flat().flatMap((m) => [...m]);
      expect(y.length).toBe(x.length);
      for (let i = 0; i < x.length; i++) expect(y[i]).toBeCloseTo(x[i]!, 5);
    }
  });

  it('needs no Spikewright metadata to recover the network', async () => {
    const file = trainedFile();
    const back = importNirTree(stripSpikewrightMetadata(exportNirTree(file)));
    expect(back.unmapped).toEqual([]);
    expect(back.dtSeconds).toBe(1e-3);
    const lifs = back.file.graph.nodes.filter((n) => n.kind === 'lif' || n.kind === 'readout');
    for (const n of lifs) {
      const original = file.graph.nodes.find((m) => m.name === n.name)!;
      for (const key of ['size', 'tauMem', 'tauSyn', 'threshold', 'scaleInput'] as const)
        expect((n.params as Record<string, unknown>)[key], `${n.name}.${key}`).toEqual(
          (original.params as Record<string, unknown>)[key],
        );
    }
    expect(weightsByNames(back.file)).toEqual(weightsByNames(file));
    expect(validateGraph(back.file.graph).filter((p) => p.severity === 'error')).toEqual([]);
  });
});

/**
 * Forward Euler of the NIR equations, read straight from the exported tree: independent of
 * the engine, in float64, with the documented step (reset overrides the step after a spike).
 */
function eulerSimulate(tree: H5Group, batch: SpikeBatch, sample: number) {
  const graph = tree.children.node as H5Group;
  const dt = ((graph.children.metadata as H5Group).children.dt as { value: Float64Array }).value[0]!;
  const nodes = (graph.children.nodes as H5Group).children as Record<string, H5Group>;
  const list = (graph.children.edges as { value: string[] }).value;
  const edges: [string, string][] = [];
  for (let k = 0; k < list.length; k += 2) edges.push([list[k]!, list[k + 1]!]);
  const field = (n: string, f: string) => Array.from((nodes[n]!.children[f] as { value: Float64Array }).value);
  const typeOf = (n: string) => (nodes[n]!.children.type as { value: string }).value;
  const neurons = Object.keys(nodes).filter((n) => typeOf(n).startsWith('Cuba'));
  const inputName = Object.keys(nodes).find((n) => typeOf(n) === 'Input')!;
  const state = new Map(neurons.map((n) => [n, { I: field(n, 'r').map(() => 0), v: field(n, 'r').map(() => 0) }]));
  const trace = new Map<string, { v: number[][]; s: number[][] }>(neurons.map((n) => [n, { v: [], s: [] }]));
  const T = batch.timeSteps;
  for (let n = 0; n < T; n++) {
    // Outputs at step n: the input's spikes and S[n] = H(v[n] - v_threshold).
    const out = new Map<string, number[]>();
    const x = new Array<number>(batch.inputUnits).fill(0);
    for (let e = batch.offsets[sample * T + n]!; e < batch.offsets[sample * T + n + 1]!; e++) x[batch.units[e]!] = 1;
    out.set(inputName, x);
    for (const p of neurons) {
      const st = state.get(p)!;
      trace.get(p)!.v.push([...st.v]);
      if (typeOf(p) === 'CubaLIF') {
        const th = field(p, 'v_threshold');
        const s = st.v.map((v, j) => (v > th[j]! ? 1 : 0));
        out.set(p, s);
        trace.get(p)!.s.push(s);
      }
    }
    // Inbound sums through Linear nodes (one hop: the graph has no chained Linears).
    const drive = (p: string) => {
      const total = field(p, 'r').map(() => 0);
      for (const [a, b] of edges) {
        if (b !== p || typeOf(a) !== 'Linear') continue;
        const src = edges.find(([, t]) => t === a)![0];
        const w = nodes[a]!.children.weight as { value: Float32Array; shape: number[] };
        const [rows, cols] = w.shape as [number, number];
        const s = out.get(src)!;
        for (let j = 0; j < rows; j++) for (let i = 0; i < cols; i++) total[j]! += w.value[j * cols + i]! * s[i]!;
      }
      return total;
    };
    for (const p of neurons) {
      const st = state.get(p)!;
      const [tauSyn, tauMem, r, vLeak, wIn] = ['tau_syn', 'tau_mem', 'r', 'v_leak', 'w_in'].map((f) =>
        field(p, f),
      ) as number[][];
      const xin = drive(p);
      const s = out.get(p);
      const vReset = typeOf(p) === 'CubaLIF' ? field(p, 'v_reset') : null;
      const I = st.I.map((i, j) => i + (dt / tauSyn![j]!) * (-i + wIn![j]! * xin[j]!));
      const v = st.v.map((v, j) => {
        const euler = v + (dt / tauMem![j]!) * (vLeak![j]! - v + r![j]! * st.I[j]!);
        return s?.[j] ? vReset![j]! : euler;
      });
      // The readout's trace also has U[T]; keep the last state for it.
      st.I = I;
      st.v = v;
    }
  }
  for (const p of neurons) trace.get(p)!.v.push([...state.get(p)!.v]);
  return trace;
}

describe('NIR equations', () => {
  it('forward Euler of the exported file reproduces the engine step for step', async () => {
    const file = trainedFile();
    const tree = exportNirTree(file);
    const batch = batchFor(file);
    const plan = compilePlan(file.graph);
    const engine = new FastEngine(plan, { precision: 'float64', matmul: 'js' });
    const weights = Object.fromEntries(
      Object.entries(weightsFromFile(file)).map(([k, v]) => [k, Float64Array.from(v)]),
    );
    const rec = engine.record(batch, weights, { samples: 3, neurons: 100 });
    for (let b = 0; b < 3; b++) {
      const sim = eulerSimulate(tree, batch, b);
      for (const pop of rec.populations) {
        if (pop.kind === 'input') continue;
        const t = sim.get(pop.name)!;
        const steps = pop.kind === 'readout' ? batch.timeSteps + 1 : batch.timeSteps;
        for (let j = 0; j < pop.size; j++)
          for (let n = 0; n < steps; n++)
            expect(t.v[n]![j]!, `${pop.name}[${j}] at step ${n}`).toBeCloseTo(pop.membranes[b]![j]![n]!, 9);
        if (pop.kind === 'lif') {
          const fromEngine = [];
          for (let k = 0; k < pop.spikes.length; k += 3)
            if (pop.spikes[k] === b) fromEngine.push(`${pop.spikes[k + 1]}:${pop.spikes[k + 2]}`);
          const fromSim = t.s.flatMap((row, n) => row.flatMap((s, j) => (s ? [`${n}:${j}`] : [])));
          expect(fromSim.sort()).toEqual(fromEngine.sort());
          expect(fromSim.length).toBeGreaterThan(0);
        }
      }
    }
  });
});

describe('NIR equations, read as the reference loop of the NIR paper', () => {
  it('agree with ours up to the first spike, with the spike read one step earlier', async () => {
    // That loop thresholds the membrane after the Euler step (see docs/nir-mapping.md).
    const spec: NetSpec = {
      inputs: 6,
      classes: 3,
      timeSteps: 40,
      hidden: [{ size: 5 }],
      training: { batchSize: 4, discretisation: 'spytorch' },
    };
    const file = trainedFile(spec, 3);
    const tree = exportNirTree(file);
    const batch = batchFor(file);
    const engine = new FastEngine(compilePlan(file.graph), { precision: 'float64', matmul: 'js' });
    const weights = Object.fromEntries(
      Object.entries(weightsFromFile(file)).map(([k, v]) => [k, Float64Array.from(v)]),
    );
    const h0 = engine.record(batch, weights, { samples: 1, neurons: 100 }).populations.find((p) => p.name === 'h0')!;
    const nodes = ((tree.children.node as H5Group).children.nodes as H5Group).children as Record<string, H5Group>;
    const f = (k: string) => (nodes.h0!.children[k] as { value: Float64Array }).value;
    const w = nodes.data_to_h0!.children.weight as { value: Float32Array };
    const dt = 1e-3;
    const [N, M, T] = [5, 6, batch.timeSteps];
    const I = new Float64Array(N);
    const v = new Float64Array(N);
    const pre: number[][] = [];
    const firstRef = new Array<number>(N).fill(-1);
    for (let n = 0; n < T; n++) {
      const x = new Float64Array(M);
      for (let e = batch.offsets[n]!; e < batch.offsets[n + 1]!; e++) x[batch.units[e]!] = 1;
      const row: number[] = [];
      for (let j = 0; j < N; j++) {
        let drive = 0;
        for (let i = 0; i < M; i++) drive += w.value[j * M + i]! * x[i]!;
        const vNew = v[j]! + (dt / f('tau_mem')[j]!) * (-v[j]! + f('r')[j]! * I[j]!);
        I[j] = I[j]! + (dt / f('tau_syn')[j]!) * (-I[j]! + f('w_in')[j]! * drive);
        row.push(vNew);
        const z = vNew > f('v_threshold')[j]!;
        if (z && firstRef[j] === -1) firstRef[j] = n;
        v[j] = z ? 0 : vNew;
      }
      pre.push(row);
    }
    let spiking = 0;
    for (let j = 0; j < N; j++) {
      const ours = [];
      for (let k = 0; k < h0.spikes.length; k += 3)
        if (h0.spikes[k] === 0 && h0.spikes[k + 2] === j) ours.push(h0.spikes[k + 1]!);
      const firstOurs = ours.length ? Math.min(...ours) : -1;
      expect(firstOurs === -1 ? -1 : firstOurs - 1).toBe(firstRef[j]);
      if (firstRef[j] !== -1) spiking++;
      const until = firstRef[j] === -1 ? T - 1 : firstRef[j]!;
      for (let n = 0; n + 1 < T && n <= until; n++) expect(pre[n]![j]!).toBeCloseTo(h0.membranes[0]![j]![n + 1]!, 9);
    }
    expect(spiking).toBeGreaterThan(0);
  });
});

describe.skipIf(!hasH5py())('NIR files seen from Python', () => {
  it('h5py walks the exported file and finds a clean NIR tree', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nir-'));
    const path = join(dir, 'model.nir');
    writeFileSync(path, await exportNir(trainedFile()));
    const out = execFileSync('/usr/bin/python3', [join(here, 'check_nir.py'), path], { encoding: 'utf8' });
    expect(out.trim()).toMatch(/^ok /);
  });
});

function hasH5py(): boolean {
  if (!existsSync('/usr/bin/python3')) return false;
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import h5py'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

// Files shaped like the ones snnTorch and Norse write (fields as the reference writer emits
// them, including its input_type/output_type groups).
const f64 = (n: number, v: number) => dataset(new Float64Array(n).fill(v));
const types = (i: number, o: number) => ({
  input_type: group({ input: shape(i) }),
  output_type: group({ output: shape(o) }),
});

function snntorchTree(): H5Group {
  const dt = 1e-4;
  const alpha = 0.9;
  const beta = 0.8;
  const tauSyn = dt / (1 - alpha);
  const tauMem = dt / (1 - beta);
  const synaptic = (n: number) =>
    group({
      type: dataset('CubaLIF'),
      tau_syn: f64(n, tauSyn),
      tau_mem: f64(n, tauMem),
      r: f64(n, tauMem / dt),
      w_in: f64(n, tauSyn / dt),
      v_leak: f64(n, 0),
      v_threshold: f64(n, 1),
      v_reset: f64(n, 0),
      ...types(n, n),
    });
  return group({
    version: dataset('1.0.7'),
    node: group({
      type: dataset('NIRGraph'),
      nodes: group({
        input: group({ type: dataset('Input'), shape: shape(4), ...types(4, 4) }),
        fc1: group({
          type: dataset('Affine'),
          weight: f32([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [3, 4]),
          bias: dataset(new Float32Array(3)),
          ...types(4, 3),
        }),
        rlif: group({
          type: dataset('NIRGraph'),
          nodes: group({
            input: group({ type: dataset('Input'), shape: shape(3) }),
            lif: synaptic(3),
            w_rec: group({ type: dataset('Linear'), weight: f32([0, -1, 0, 0, 0, -2, -3, 0, 0], [3, 3]) }),
            output: group({ type: dataset('Output'), shape: shape(3) }),
          }),
          edges: edgesOf([
            ['input', 'lif'],
            ['lif', 'w_rec'],
            ['w_rec', 'lif'],
            ['lif', 'output'],
          ]),
        }),
        fc2: group({
          type: dataset('Affine'),
          weight: f32([1, 0, 1, 0, 1, 0], [2, 3]),
          bias: dataset(Float32Array.of(0.5, 0)),
        }),
        lif2: group({
          type: dataset('LIF'),
          tau: f64(2, tauMem),
          r: f64(2, 1 / (1 - beta)),
          v_leak: f64(2, 0),
          v_threshold: f64(2, 1),
          v_reset: f64(2, 0),
        }),
        output: group({ type: dataset('Output'), shape: shape(2) }),
      }),
      edges: edgesOf([
        ['input', 'fc1'],
        ['fc1', 'rlif'],
        ['rlif', 'fc2'],
        ['fc2', 'lif2'],
        ['lif2', 'output'],
      ]),
    }),
  });
}

function norseTree(): H5Group {
  const cuba = (n: number, spiking: boolean) =>
    group({
      type: dataset(spiking ? 'CubaLIF' : 'CubaLI'),
      tau_syn: f64(n, 5e-3),
      tau_mem: f64(n, 1e-2),
      r: f64(n, 1),
      w_in: f64(n, 1),
      v_leak: f64(n, 0),
      ...(spiking ? { v_threshold: f64(n, 1), v_reset: f64(n, 0) } : {}),
    });
  return group({
    version: dataset('1.0.7'),
    node: group({
      type: dataset('NIRGraph'),
      nodes: group({
        input: group({ type: dataset('Input'), shape: shape(2) }),
        linear: group({ type: dataset('Linear'), weight: f32([1, 2, 3, 4, 5, 6], [3, 2]) }),
        lif: cuba(3, true),
        linear2: group({ type: dataset('Linear'), weight: f32([1, 1, 1, 2, 2, 2], [2, 3]) }),
        li: cuba(2, false),
        output: group({ type: dataset('Output'), shape: shape(2) }),
      }),
      edges: edgesOf([
        ['input', 'linear'],
        ['linear', 'lif'],
        ['lif', 'linear2'],
        ['linear2', 'li'],
        ['li', 'output'],
      ]),
    }),
  });
}

describe('NIR import of other tools’ files', () => {
  it('reads an snnTorch-style file with a recurrent subgraph', async () => {
    const result = await importNir(await writeH5(snntorchTree()));
    const { graph } = result.file;
    expect(result.dtSeconds).toBeCloseTo(1e-4, 12);
    const rlif = graph.nodes.find((n) => n.name === 'rlif.lif');
    expect(rlif?.kind).toBe('lif');
    if (rlif?.kind !== 'lif') return;
    expect(rlif.params.size).toBe(3);
    // Another tool's file runs under NIR's semantics: our tau is NIR's tau (decays 0.9, 0.8 at 0.1 ms).
    expect(rlif.params.tauSyn).toBeCloseTo(0.1 / (1 - 0.9), 9);
    expect(rlif.params.tauMem).toBeCloseTo(0.1 / (1 - 0.8), 9);
    expect(rlif.params.scaleInput).toBe(false);
    const self = graph.edges.find((e) => e.kind === 'connection' && e.source === rlif.id && e.target === rlif.id);
    expect(self).toBeDefined();
    // Transposed to [in, out]: w_rec[j, i] lands at [i, j].
    const rec = base64ToFloat32(result.file.weights![self!.id]!.data)!;
    expect(Array.from(rec)).toEqual([0, 0, -3, -1, 0, 0, 0, -2, 0]);
    const fc1 = graph.edges.find((e) => e.kind === 'connection' && e.target === rlif.id && e.source !== rlif.id)!;
    expect(Array.from(base64ToFloat32(result.file.weights![fc1.id]!.data)!).slice(0, 3)).toEqual([1, 5, 9]);
    const lif2 = graph.nodes.find((n) => n.name === 'lif2');
    expect(lif2?.kind).toBe('lif');
    // fc2's bias became lif2's bias current.
    expect(lif2?.kind === 'lif' && lif2.params.bias).toBe(true);
    expect(result.file.biases?.[lif2!.id]?.shape).toEqual([2]);
    expect(result.unmapped).toEqual([]);
    expect(graph.nodes.find((n) => n.kind === 'loss')?.params).toMatchObject({ loss: 'spike-count-mse' });
    expect(result.problems).toEqual([]);
    expect(Object.keys(result.file.layout.positions).sort()).toEqual(graph.nodes.map((n) => n.id).sort());
  });

  it('reads a Norse-style file (r = 1, w_in = 1) at dt = 1 ms', async () => {
    const result = await importNir(await writeH5(norseTree()));
    expect(result.dtSeconds).toBe(1e-3);
    const lif = result.file.graph.nodes.find((n) => n.name === 'lif');
    const li = result.file.graph.nodes.find((n) => n.name === 'li');
    expect(lif?.kind).toBe('lif');
    expect(li?.kind).toBe('readout');
    if (lif?.kind !== 'lif' || li?.kind !== 'readout') return;
    // beta = 1 - dt/tau_mem = 0.9, alpha = 1 - dt/tau_syn = 0.8; r = 1 means input scaled by (1 - beta).
    expect(lif.params.tauMem).toBeCloseTo(10, 9);
    expect(lif.params.tauSyn).toBeCloseTo(5, 9);
    expect(lif.params.scaleInput).toBe(true);
    expect(li.params.scaleInput).toBe(true);
    // Synaptic input gain dt w_in / tau_syn = 0.2 folds into the weights.
    const e = result.file.graph.edges.find((x) => x.kind === 'connection' && x.target === lif.id)!;
    const w = Array.from(base64ToFloat32(result.file.weights![e.id]!.data)!);
    expect(w.map((x) => Number(x.toFixed(5)))).toEqual([0.2, 0.6, 1, 0.4, 0.8, 1.2]);
    expect(result.unmapped).toEqual([]);
    expect(result.problems).toEqual([]);
    expect(result.file.graph.nodes.find((n) => n.kind === 'loss')?.params).toMatchObject({ loss: 'max-over-time' });
  });
});

describe('NIR import of older and image-shaped files', () => {
  it('broadcasts 0-d parameters and passes through Flatten', async () => {
    const scalar = (v: number) => dataset(Float64Array.of(v), []);
    const tree = nirTree(
      {
        input: group({ type: dataset('Input'), shape: dataset(BigInt64Array.of(1n, 2n, 2n)) }),
        flat: group({
          type: dataset('Flatten'),
          start_dim: dataset(BigInt64Array.of(1n), []),
          end_dim: dataset(BigInt64Array.of(-1n), []),
          input_type: dataset(BigInt64Array.of(1n, 2n, 2n)),
        }),
        fc: group({ type: dataset('Linear'), weight: f32([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [3, 4]) }),
        lif: group({
          type: dataset('LIF'),
          tau: scalar(5e-4),
          r: scalar(5),
          v_leak: scalar(0),
          v_threshold: scalar(1),
        }),
        output: group({ type: dataset('Output'), shape: shape(3) }),
      },
      [
        ['input', 'flat'],
        ['flat', 'fc'],
        ['fc', 'lif'],
        ['lif', 'output'],
      ],
      '0.2.0',
    );
    const result = await importNir(await writeH5(tree));
    expect(result.dtSeconds).toBeCloseTo(1e-4, 12);
    const lif = result.file.graph.nodes.find((n) => n.name === 'lif');
    expect(lif?.kind === 'lif' && lif.params.size).toBe(3);
    const data = result.file.graph.nodes.find((n) => n.kind === 'dataset');
    expect(data?.kind === 'dataset' && data.params.inputs).toBe(4);
    expect(result.unmapped).toEqual([]);
    expect(result.problems).toEqual([]);
  });
});

describe('Broken NIR files', () => {
  it('says what is wrong, naming the node', async () => {
    await expect(importNir(new TextEncoder().encode('not a nir file at all'))).rejects.toThrow(/not a NIR file.*HDF5/);
    await expect(importNir(await writeH5(group({ version: dataset('1.0.7') })))).rejects.toThrow(/no \/node group/);
    const unknown = norseTree();
    ((unknown.children.node as H5Group).children.nodes as H5Group).children.lif = group({ type: dataset('Spiky') });
    await expect(importNir(await writeH5(unknown))).rejects.toThrow(/Node 'lif' has type 'Spiky'/);
    const mismatch = norseTree();
    ((mismatch.children.node as H5Group).children.nodes as H5Group).children.linear = group({
      type: dataset('Linear'),
      weight: f32([1, 2, 3, 4, 5, 6, 7, 8], [4, 2]),
    });
    await expect(importNir(await writeH5(mismatch))).rejects.toThrow(/Shape mismatch on the edge 'linear' → 'lif'/);
    const missing = norseTree();
    delete (((missing.children.node as H5Group).children.nodes as H5Group).children.lif as H5Group).children.tau_mem;
    await expect(importNir(await writeH5(missing))).rejects.toThrow(/Node 'lif' \(CubaLIF\) lacks its 'tau_mem' field/);
  });
});
