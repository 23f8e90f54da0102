// Generators of hostile inputs for the property tests in this folder, and the one rule every
// entry point must keep: each input ends in a result or a readable error (an Error whose
// message is a sentence, no TypeError/RangeError from our own code), within a time budget.
import fc from 'fast-check';
import { float32ToBase64 } from '../../shared/file/base64';
import { newSnnFile, type SnnFile, serializeSnnFile } from '../../shared/file/snnFile';
import {
  type GraphDocument,
  type GraphEdge,
  type GraphNode,
  newConnection,
  newNode,
} from '../../shared/graph/document';
import { dataset, group, type H5Group, type H5Node } from '../nir/h5';

/** Limits the issue sets for every hostile input. */
export const PER_INPUT_MS = 5000;
export const PER_INPUT_WALL_MS = 30000;
export const PER_INPUT_BYTES = 512 * 1024 * 1024;

/** Errors that mean our code broke rather than refused: a user must never read these. */
const CRASHES = ['TypeError', 'RangeError', 'ReferenceError', 'SyntaxError', 'InternalError'];

export interface Tally {
  inputs: number;
  results: number;
  refusals: number;
  slowestMs: number;
}

export const newTally = (): Tally => ({ inputs: 0, results: 0, refusals: 0, slowestMs: 0 });

/**
 * Runs one input through an entry point and records how it ended. Throws (failing the property)
 * when it crashed, took too long or said something unreadable.
 */
export async function endsWell(tally: Tally, run: () => unknown | Promise<unknown>): Promise<void> {
  // The 5 s is CPU time of this process: wall time on a machine shared with other jobs (this
  // one runs at load 13 at times) measures them, not us. Wall time gets a loose ceiling.
  const start = performance.now();
  const cpu = process.cpuUsage();
  let error: unknown = null;
  try {
    await run();
  } catch (e) {
    error = e;
  }
  const used = process.cpuUsage(cpu);
  const ms = (used.user + used.system) / 1000;
  const wall = performance.now() - start;
  tally.inputs++;
  tally.slowestMs = Math.max(tally.slowestMs, ms);
  if (ms > PER_INPUT_MS) throw new Error(`An input took ${ms.toFixed(0)} ms of CPU (limit ${PER_INPUT_MS} ms).`);
  if (wall > PER_INPUT_WALL_MS) throw new Error(`An input took ${wall.toFixed(0)} ms (limit ${PER_INPUT_WALL_MS} ms).`);
  if (error === null) {
    tally.results++;
    return;
  }
  if (!(error instanceof Error)) throw new Error(`Threw a non-Error: ${String(error)}`);
  if (CRASHES.includes(error.constructor.name))
    throw new Error(`Crashed with ${error.constructor.name}: ${error.message}\n${error.stack}`);
  if (!error.message || error.message.length > 20000 || error.message.includes('    at '))
    throw new Error(`Unreadable error message: ${error.message.slice(0, 300)}`);
  tally.refusals++;
}

// ---- Graph documents --------------------------------------------------------------------

/** Sizes a user can type, and the ones that break machines. */
export const hostileSize = fc.oneof(
  { weight: 16, arbitrary: fc.integer({ min: 1, max: 64 }) },
  { weight: 2, arbitrary: fc.constantFrom(100000, 40000, 1e6, 1e9, 2 ** 31, 2 ** 53) },
  { weight: 1, arbitrary: fc.constantFrom(0, -1, 0.5, Number.NaN, Number.POSITIVE_INFINITY, 1e308) },
);
const hostileSteps = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 50 }) },
  { weight: 1, arbitrary: fc.constantFrom(100000, 1e7, 0, -3, 1.5) },
);
const hostileBatch = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 16 }) },
  { weight: 1, arbitrary: fc.constantFrom(65536, 1e6, 0) },
);

/** A chain dataset → LIF x k → readout → loss, with hostile sizes, steps, batches, loops and strays. */
export const hostileGraph: fc.Arbitrary<GraphDocument> = fc
  .record({
    inputs: hostileSize,
    hidden: fc.array(hostileSize, { minLength: 0, maxLength: 5 }),
    outputs: hostileSize,
    steps: hostileSteps,
    batch: hostileBatch,
    recurrent: fc.boolean(),
    loopBack: fc.constantFrom(false, false, false, true),
    dangling: fc.constantFrom(false, false, false, true),
    duplicateEdge: fc.constantFrom(false, false, false, true),
    subtract: fc.constantFrom(false, false, true),
    dataset: fc.constantFrom('custom', 'randman', 'fashion-mnist', 'shd'),
  })
  .map((r) => {
    const nodes: GraphNode[] = [
      newNode('dataset', 'data', 'data', {
        dataset: r.dataset as 'custom',
        inputs: r.inputs,
        classes: Math.max(2, Math.min(1000, Math.round(Number.isFinite(r.outputs) ? r.outputs : 2))),
        timeSteps: r.steps,
      }),
      newNode('training', 'train', 'train', { batchSize: r.batch }),
      newNode('loss', 'loss', 'loss'),
    ];
    const edges: GraphEdge[] = [];
    let prev = 'data';
    r.hidden.forEach((size, i) => {
      const id = `h${i}`;
      nodes.push(newNode('lif', id, id, { size, reset: r.subtract ? 'subtract' : 'zero' }));
      edges.push(newConnection(`w${i}`, prev, id));
      if (r.recurrent) edges.push(newConnection(`r${i}`, id, id));
      prev = id;
    });
    nodes.push(newNode('readout', 'out', 'out', { size: r.outputs }));
    edges.push(newConnection('wout', prev, 'out'));
    edges.push({ id: 's1', kind: 'signal', source: 'out', target: 'loss' });
    edges.push({ id: 's2', kind: 'signal', source: 'data', target: 'loss' });
    if (r.loopBack && r.hidden.length > 1) edges.push(newConnection('back', `h${r.hidden.length - 1}`, 'h0'));
    if (r.dangling) edges.push(newConnection('dangle', 'nowhere', 'out'));
    if (r.duplicateEdge) edges.push(newConnection('dup', prev, 'out'));
    return { nodes, edges };
  });

/** A chain of `n` populations: deep for any recursive walk. */
export function chainGraph(n: number, loop = false): GraphDocument {
  const nodes: GraphNode[] = [
    newNode('dataset', 'data', 'data', { dataset: 'custom', inputs: 2, classes: 2, timeSteps: 2 }),
    newNode('training', 'train', 'train', { batchSize: 1 }),
    newNode('loss', 'loss', 'loss'),
    newNode('readout', 'out', 'out', { size: 2 }),
  ];
  const edges: GraphEdge[] = [];
  let prev = 'data';
  for (let i = 0; i < n; i++) {
    nodes.push(newNode('lif', `p${i}`, `p${i}`, { size: 2 }));
    edges.push(newConnection(`c${i}`, prev, `p${i}`));
    prev = `p${i}`;
  }
  edges.push(newConnection('cout', prev, 'out'));
  if (loop && n > 1) edges.push(newConnection('loop', prev, 'p0'));
  edges.push({ id: 's1', kind: 'signal', source: 'out', target: 'loss' });
  edges.push({ id: 's2', kind: 'signal', source: 'data', target: 'loss' });
  return { nodes, edges };
}

/** A file for the graph, with stored weights where they are small enough to write. */
export function fileWithWeights(graph: GraphDocument, fill = 0.1): SnnFile {
  const file = newSnnFile(graph, { positions: {} }, { name: 'hostile', description: '' }, '0.0.0-test');
  file.weights = {};
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  for (const e of graph.edges) {
    if (e.kind !== 'connection') continue;
    const s = byId.get(e.source);
    const t = byId.get(e.target);
    const a = s && 'size' in s.params ? s.params.size : s?.kind === 'dataset' ? s.params.inputs : 0;
    const b = t && 'size' in t.params ? t.params.size : 0;
    if (!(a > 0 && b > 0 && a * b <= 4096 && Number.isInteger(a * b))) continue;
    file.weights[e.id] = { shape: [a, b], dtype: 'float32', data: float32ToBase64(new Float32Array(a * b).fill(fill)) };
  }
  return file;
}

// ---- .snn.json text ---------------------------------------------------------------------

/** Deeply nested JSON at a chosen place in an otherwise good file. */
export function nestedText(base: object, where: string, depth: number, kind: 'array' | 'object'): string {
  const deep =
    kind === 'array' ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
  return JSON.stringify({ ...base, [where]: '@@deep@@' }).replace('"@@deep@@"', deep);
}

/** Texts of hostile files: mutated good ones, deep nesting, huge numbers, prototype keys. */
export function hostileText(example: object): fc.Arbitrary<string> {
  const json = example as Record<string, unknown>;
  return fc.oneof(
    fc
      .record({
        where: fc.constantFrom('graph', 'layout', 'metadata', 'weights', 'app', 'extra', 'optimizerState'),
        depth: fc.constantFrom(100, 5000, 50000),
        kind: fc.constantFrom('array' as const, 'object' as const),
      })
      .map(({ where, depth, kind }) => nestedText(json, where, depth, kind)),
    hostileGraph.map((graph) => serializeSnnFile(fileWithWeights(graph))),
    fc
      .record({ key: fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty'), v: fc.jsonValue() })
      .map(
        ({ key, v }) =>
          `{"format":"spikewright.snn","version":2,"app":{"name":"x","version":"1"},"graph":{"nodes":[],"edges":[]},"layout":{"positions":{"${key}":${JSON.stringify(v) ?? 'null'}}},"weights":{"${key}":{"shape":[1],"dtype":"float32","data":"AAAAAA=="}},"metadata":{"name":"","description":""}}`,
      ),
    fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify({ ...json, graph: v })),
    fc.string({ maxLength: 200 }),
  );
}

// ---- NIR trees ---------------------------------------------------------------------------

const shapeSet = (values: number[]) => dataset(Float64Array.from(values));
const vec = (n: number, v: number) => dataset(new Float64Array(Math.max(0, Math.min(n, 4096))).fill(v));

function cuba(n: number, spiking: boolean, tau: number): H5Group {
  return group({
    type: dataset(spiking ? 'CubaLIF' : 'CubaLI'),
    tau_syn: vec(n, tau),
    tau_mem: vec(n, 2 * tau),
    r: vec(n, 1),
    w_in: vec(n, 1),
    v_leak: vec(n, 0),
    ...(spiking ? { v_threshold: vec(n, 1), v_reset: vec(n, 0) } : {}),
  });
}

function edgeSet(pairs: [string, string][]): H5Node {
  return dataset(pairs.flat(), [pairs.length, 2]);
}

/** A NIR graph nested `depth` deep: Input → (graph → ... → graph) → Output. */
export function nestedNir(depth: number): H5Group {
  let g = group({
    type: dataset('NIRGraph'),
    nodes: group({
      i: group({ type: dataset('Input'), shape: shapeSet([3]) }),
      o: group({ type: dataset('Output'), shape: shapeSet([3]) }),
    }),
    edges: edgeSet([['i', 'o']]),
  });
  for (let d = 0; d < depth; d++)
    g = group({
      type: dataset('NIRGraph'),
      nodes: group({
        i: group({ type: dataset('Input'), shape: shapeSet([3]) }),
        g,
        o: group({ type: dataset('Output'), shape: shapeSet([3]) }),
      }),
      edges: edgeSet([
        ['i', 'g'],
        ['g', 'o'],
      ]),
    });
  return group({ version: dataset('1.0.7'), node: g });
}

/** Input (shape) → LIF (n) with a direct edge, the n x n case. */
export function directEdgeNir(inputShape: number[], n: number): H5Group {
  // Scalar (0-d) parameters: the file stays tiny whatever n is; the size comes from the Input.
  const scalar = (v: number) => dataset(Float64Array.of(v), []);
  return group({
    version: dataset('1.0.7'),
    node: group({
      type: dataset('NIRGraph'),
      nodes: group({
        input: group({ type: dataset('Input'), shape: shapeSet(inputShape) }),
        lif: group({
          type: dataset('CubaLIF'),
          tau_syn: scalar(5e-3),
          tau_mem: scalar(1e-2),
          r: scalar(1),
          w_in: scalar(1),
          v_leak: scalar(0),
          v_threshold: scalar(1),
        }),
        output: group({ type: dataset('Output'), shape: shapeSet([n]) }),
      }),
      edges: edgeSet([
        ['input', 'lif'],
        ['lif', 'output'],
      ]),
    }),
  });
}

const nirName = fc.oneof(
  fc.constantFrom('input', 'lif', 'out', 'constructor', '__proto__', 'toString', 'a.b', ''),
  fc.string({ minLength: 1, maxLength: 8 }),
);

/** Random NIR-like trees: real types with wrong fields, bad shapes, unknown names, extras blocks. */
export const hostileNirTree: fc.Arbitrary<H5Group> = fc
  .record({
    inputShape: fc.oneof(
      { weight: 6, arbitrary: fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 2 }) },
      { weight: 1, arbitrary: fc.constantFrom([1e9], [0], [-4], [1.5], [], [1e5, 1e5], [Number.NaN]) },
    ),
    hidden: fc.oneof(
      { weight: 6, arbitrary: fc.integer({ min: 1, max: 8 }) },
      { weight: 1, arbitrary: fc.constantFrom(0, 100001, 1e9) },
    ),
    outputs: fc.integer({ min: 1, max: 6 }),
    weightShape: fc.constantFrom('right', 'right', 'right', 'right', 'right', 'wrong', '3d', 'missing'),
    direct: fc.boolean(),
    extra: fc.option(fc.jsonValue({ maxDepth: 3 }), { nil: undefined }),
    extrasShape: fc.constantFrom('none', 'none', 'good', 'broken'),
    strayEdge: fc.option(fc.tuple(nirName, nirName), { nil: undefined, freq: 3 }),
    strayNode: fc.option(
      fc.record({
        name: nirName,
        type: fc.constantFrom('Conv2d', 'Flatten', 'Scale', 'Delay', 'Spiky', 'NIRGraph', 'Input', 'CubaLI'),
      }),
      { nil: undefined, freq: 3 },
    ),
    tau: fc.constantFrom(5e-3, 5e-3, 5e-3, 5e-3, 1e-4, 0, -1, 1e300, Number.NaN),
    dt: fc.option(fc.constantFrom(1e-3, 0, -1, Number.NaN, 1e300, Number.POSITIVE_INFINITY), { nil: undefined }),
  })
  .map((r) => {
    const nIn = (r.inputShape as number[]).reduce((a, b) => a * b, 1);
    const small = (n: number) => Number.isInteger(n) && n >= 1 && n <= 64;
    const win = small(nIn) ? nIn : 2;
    const weight = (outs: number, ins: number) =>
      r.weightShape === 'missing'
        ? dataset('no weights')
        : r.weightShape === '3d'
          ? dataset(new Float32Array(outs * ins).fill(0.5), [1, outs, ins])
          : r.weightShape === 'wrong'
            ? dataset(new Float32Array(outs * (ins + 1)).fill(0.5), [outs, ins + 1])
            : dataset(new Float32Array(outs * ins).fill(0.5), [outs, ins]);
    const hidden = small(r.hidden) ? r.hidden : 3;
    const nodes: Record<string, H5Node> = {
      input: group({ type: dataset('Input'), shape: shapeSet([...r.inputShape]) }),
      fc1: group({ type: dataset('Linear'), weight: weight(hidden, win) }),
      lif: cuba(small(r.hidden) ? r.hidden : r.hidden === 0 ? 0 : 3, true, r.tau),
      fc2: group({ type: dataset('Linear'), weight: weight(r.outputs, hidden) }),
      li: cuba(r.outputs, false, r.tau),
      output: group({ type: dataset('Output'), shape: shapeSet([r.outputs]) }),
    };
    const pairs: [string, string][] = r.direct
      ? [
          ['input', 'lif'],
          ['lif', 'fc2'],
        ]
      : [
          ['input', 'fc1'],
          ['fc1', 'lif'],
          ['lif', 'fc2'],
        ];
    pairs.push(['fc2', 'li'], ['li', 'output']);
    if (r.strayNode) {
      const t = r.strayNode.type;
      nodes[r.strayNode.name || 'stray'] = group({
        type: dataset(t),
        ...(t === 'NIRGraph' ? { nodes: group({}), edges: dataset([], [0, 2]) } : {}),
        ...(t === 'Input' ? { shape: shapeSet([2]) } : {}),
        ...(t === 'Scale' ? { scale: vec(2, 1) } : {}),
      });
    }
    if (r.strayEdge) pairs.push(r.strayEdge);
    const metadata: Record<string, H5Node> = {};
    if (r.dt !== undefined) metadata.dt = dataset(Float64Array.of(r.dt));
    if (r.extrasShape === 'good')
      metadata.spikewright = dataset(
        JSON.stringify({
          format: 'spikewright.nir-extras',
          version: 1,
          nodes: { lif: { id: 'lif', name: 'hidden', params: { size: 3 } } },
          connections: {},
          dropped: { nodes: [], edges: [] },
          metadata: { name: 'x', description: '' },
        }),
      );
    if (r.extrasShape === 'broken')
      metadata.spikewright = dataset(
        JSON.stringify({
          format: 'spikewright.nir-extras',
          version: 1,
          nodes: r.extra ?? { lif: null },
          connections: r.extra ?? 7,
          dropped: r.extra ?? { nodes: 'x' },
          metadata: r.extra ?? {},
        }),
      );
    return group({
      version: dataset('1.0.7'),
      node: group({ type: dataset('NIRGraph'), nodes: group(nodes), edges: edgeSet(pairs), metadata: group(metadata) }),
    });
  });
