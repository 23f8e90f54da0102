// Reads a NIR file (HDF5) into a Spikewright document: the way snnTorch, Norse and Spikewright
// itself write them. Neuron parameters are read through the forward-Euler convention of
// ./convention.ts at a step dt chosen from the file; docs/nir-mapping.md explains the mapping.
import { readFile } from 'node:fs/promises';
import { float32ToBase64 } from '../../shared/file/base64';
import {
  newSnnFile,
  type Position,
  type SnnFile,
  type StoredTensor,
  serializeSnnFile,
} from '../../shared/file/snnFile';
import {
  type GraphDocument,
  type GraphEdge,
  type GraphNode,
  newConnection,
  newNode,
  restoreConnectionParams,
  restoreParams,
} from '../../shared/graph/document';
import { validateGraph } from '../../shared/graph/validate';
import { DEFAULT_IMPORT_DT_SECONDS, decayOf, MS_PER_SECOND, tauMsOfDecay, tidy } from './convention';
import type { SpikewrightNirExtras } from './export';
import type { H5Dataset, H5Group, H5Node } from './h5';
import { readH5 } from './h5';

export interface NirImportOptions {
  /** Step (seconds) at which to read the NIR equations; default: the file's metadata, else inferred. */
  dtSeconds?: number;
  /** Version written into the document's `app` field. */
  appVersion?: string;
  /** Document name; default: the one the file carries, else 'Imported NIR graph'. */
  name?: string;
}

export interface NirImportResult {
  file: SnnFile;
  /** What the document could not keep, one sentence each, naming the NIR node. */
  unmapped: string[];
  /** How the file was read (the dt chosen, gains folded into weights, defaults added). */
  notes: string[];
  /** Validation errors of the imported graph, if it cannot be trained as is. */
  problems: string[];
  dtSeconds: number;
}

/** A broken or unreadable NIR file. */
export class NirImportError extends Error {
  override name = 'NirImportError';
}

/** Fields the reference reader (nir 1.0.7) accepts per node type. */
export const NIR_FIELDS: Record<string, { required: string[]; optional: string[] }> = {
  Input: { required: ['shape'], optional: [] },
  Output: { required: ['shape'], optional: [] },
  NIRGraph: { required: ['nodes', 'edges'], optional: [] },
  Affine: { required: ['weight', 'bias'], optional: [] },
  Linear: { required: ['weight'], optional: [] },
  Scale: { required: ['scale'], optional: [] },
  Threshold: { required: ['threshold'], optional: [] },
  Delay: { required: ['delay'], optional: [] },
  Flatten: { required: ['start_dim', 'end_dim'], optional: ['input_type'] },
  Conv1d: { required: ['weight', 'stride', 'padding', 'dilation', 'groups', 'bias'], optional: ['input_shape'] },
  Conv2d: { required: ['weight', 'stride', 'padding', 'dilation', 'groups', 'bias'], optional: ['input_shape'] },
  SumPool2d: { required: ['kernel_size', 'stride', 'padding'], optional: [] },
  AvgPool2d: { required: ['kernel_size', 'stride', 'padding'], optional: [] },
  I: { required: ['r'], optional: [] },
  IF: { required: ['r', 'v_threshold'], optional: ['v_reset'] },
  LI: { required: ['tau', 'r', 'v_leak'], optional: [] },
  LIF: { required: ['tau', 'r', 'v_leak', 'v_threshold'], optional: ['v_reset'] },
  CubaLI: { required: ['tau_syn', 'tau_mem', 'r', 'v_leak'], optional: ['w_in'] },
  CubaLIF: { required: ['tau_syn', 'tau_mem', 'r', 'v_leak', 'v_threshold'], optional: ['v_reset', 'w_in'] },
};
/** Present in files the reference writer produces (types it recomputes, metadata); never an error. */
const ALWAYS_ALLOWED = ['type', 'metadata', 'input_type', 'output_type'];

interface FlatNode {
  /** Flattened name: nested graph nodes are 'graph.child'. */
  name: string;
  type: string;
  group: H5Group;
  /** An Input or Output inside a nested graph: an identity the flattening removes. */
  passThrough: boolean;
}

/** Reads a NIR file's bytes. Throws NirImportError naming what is broken. */
export async function importNir(bytes: Uint8Array, options: NirImportOptions = {}): Promise<NirImportResult> {
  let root: H5Group;
  try {
    root = await readH5(bytes);
  } catch (error) {
    throw new NirImportError(`This is not a NIR file: ${(error as Error).message}.`);
  }
  return importNirTree(root, options);
}

export async function importNirFromPath(path: string, options: NirImportOptions = {}): Promise<NirImportResult> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (error) {
    throw new NirImportError(`Cannot read ${path}: ${(error as Error).message}`);
  }
  return importNirTree(await readTree(bytes, path), options);
}

/**
 * For the backend and the CLI: NIR bytes in, canonical `.snn.json` text out, with what could
 * not be mapped (show it to the user) and how the file was read.
 */
export async function importNirDocument(
  bytes: Uint8Array,
  options: NirImportOptions = {},
): Promise<{ text: string } & Omit<NirImportResult, 'file'>> {
  const { file, ...rest } = await importNir(bytes, options);
  return { text: serializeSnnFile(file), ...rest };
}

async function readTree(bytes: Uint8Array, what: string): Promise<H5Group> {
  try {
    return await readH5(bytes);
  } catch (error) {
    throw new NirImportError(`${what} is not a NIR file: ${(error as Error).message}.`);
  }
}

/** The import, from an HDF5 tree already in memory. */
export function importNirTree(root: H5Group, options: NirImportOptions = {}): NirImportResult {
  const unmapped: string[] = [];
  const notes: string[] = [];
  const top = root.children.node;
  if (top?.kind !== 'group')
    throw new NirImportError('This is not a NIR file: it has no /node group (the graph NIR files keep there).');
  const topType = stringOf(top.children.type);
  if (topType !== 'NIRGraph')
    throw new NirImportError(
      `The /node group has type ${topType === null ? '(missing)' : `'${topType}'`}; a NIR file's top node must be a NIRGraph.`,
    );

  // 1. Flatten nested graphs (snnTorch writes recurrent layers as subgraphs).
  const nodes = new Map<string, FlatNode>();
  const edges: [string, string][] = [];
  flatten(top, '', nodes, edges, unmapped);

  // 2. Shapes: every edge joins equal shapes.
  const shapes = new Map<string, { input: number[] | null; output: number[] | null }>();
  for (const node of nodes.values()) shapes.set(node.name, shapeOf(node));
  inferShapes(nodes, edges, shapes);
  for (const [a, b] of edges) {
    const out = shapes.get(a)?.output;
    const inp = shapes.get(b)?.input;
    if (out && inp && !sameShape(out, inp))
      throw new NirImportError(
        `Shape mismatch on the edge '${a}' → '${b}': '${a}' emits shape [${out.join(', ')}] but '${b}' takes [${inp.join(', ')}].`,
      );
  }

  // 3. Identity pass-throughs (nested Input/Output) are spliced out.
  const flatEdges = splice(nodes, edges);

  // 4. The step at which the equations are read.
  const metadata = top.children.metadata?.kind === 'group' ? top.children.metadata : null;
  const dtSeconds = chooseDt(options.dtSeconds, metadata, nodes, notes);
  const dtMs = tidy(dtSeconds * MS_PER_SECOND);
  const extras = readExtras(metadata);

  // 5. Populations.
  const pops = new Map<string, Population>();
  const ids = new Set<string>();
  const idFor = (wanted: string) => {
    const base = wanted.replace(/[^A-Za-z0-9_-]+/g, '_') || 'node';
    let id = base;
    for (let k = 2; ids.has(id); k++) id = `${base}_${k}`;
    ids.add(id);
    return id;
  };
  const graphNodes: GraphNode[] = [];
  for (const node of nodes.values()) {
    if (node.passThrough) continue;
    const known = shapes.get(node.name)?.output;
    const pop = population(node, known ? known.reduce((x, y) => x * y, 1) : null, dtSeconds, unmapped, notes);
    if (!pop) continue;
    const extra = extras?.nodes[node.name];
    const id = idFor(extra?.id ?? node.name);
    const name = extra?.name ?? node.name;
    pop.id = id;
    pops.set(node.name, pop);
    if (pop.kind === 'dataset') {
      const params = restoreParams('dataset', { ...(extra?.params ?? { dataset: 'custom' }), dt: dtMs });
      if (params.dataset === 'custom' || !extra) {
        params.dataset = 'custom';
        params.inputs = pop.size;
      }
      graphNodes.push({ id, kind: 'dataset', name, params });
    } else if (pop.kind === 'lif') {
      const params = restoreParams('lif', {
        ...(extra?.params ?? {}),
        size: pop.size,
        tauMem: pop.tauMem,
        tauSyn: pop.tauSyn,
        threshold: pop.threshold,
        scaleInput: pop.scaleInput,
        reset: 'zero',
      });
      graphNodes.push({ id, kind: 'lif', name, params });
    } else {
      const params = restoreParams('readout', {
        ...(extra?.params ?? {}),
        size: pop.size,
        tauMem: pop.tauMem,
        tauSyn: pop.tauSyn,
        scaleInput: pop.scaleInput,
      });
      graphNodes.push({ id, kind: 'readout', name, params });
    }
  }

  // 6. Connections: a Linear/Affine node between two populations, or a direct edge.
  const conns = new Map<string, { source: Population; target: Population; w: Float64Array; extra?: string }>();
  const addConnection = (source: Population, target: Population, w: Float64Array, via?: string) => {
    const key = `${source.id}->${target.id}`;
    const existing = conns.get(key);
    if (existing) {
      for (let k = 0; k < w.length; k++) existing.w[k] = (existing.w[k] as number) + (w[k] as number);
      notes.push(`Parallel paths from '${source.nirName}' to '${target.nirName}' were summed into one connection.`);
    } else conns.set(key, { source, target, w, ...(via ? { extra: via } : {}) });
  };
  const inbound = (name: string) => flatEdges.filter(([, b]) => b === name).map(([a]) => a);
  const outbound = (name: string) => flatEdges.filter(([a]) => a === name).map(([, b]) => b);
  const outputs = new Set<string>();
  for (const node of nodes.values()) {
    if (node.passThrough) continue;
    if (node.type === 'Output') {
      for (const a of inbound(node.name)) outputs.add(a);
      continue;
    }
    if (node.type === 'Linear' || node.type === 'Affine') {
      const weight = requireField(node, 'weight');
      if (weight.shape.length !== 2)
        throw new NirImportError(
          `Node '${node.name}' (${node.type}) has a weight of shape [${weight.shape}]; expected 2-D (out, in).`,
        );
      const [outs, ins] = weight.shape as [number, number];
      const values = numbers(weight, node.name, 'weight');
      if (node.type === 'Affine') {
        const bias = numbers(requireField(node, 'bias'), node.name, 'bias');
        if (bias.some((b) => b !== 0))
          unmapped.push(
            `Affine '${node.name}': its bias was dropped (Spikewright synapses have no bias; max |bias| ${bias.reduce((m, b) => Math.max(m, Math.abs(b)), 0).toPrecision(3)}).`,
          );
      }
      const sources = inbound(node.name);
      const targets = outbound(node.name);
      for (const a of sources) {
        const source = pops.get(a);
        if (!source || source.kind === 'readout') {
          unmapped.push(
            `${node.type} '${node.name}': its input comes from '${a}', which is not a spiking population; the weights were dropped.`,
          );
          continue;
        }
        for (const b of targets) {
          const target = pops.get(b);
          if (!target || target.kind === 'dataset') {
            if (nodes.get(b)?.type !== 'Output')
              unmapped.push(
                `${node.type} '${node.name}': it feeds '${b}', which is not a population; that path was dropped.`,
              );
            continue;
          }
          // Ours is [in, out] row-major; NIR's is (out, in). The target's gain folds in.
          const w = new Float64Array(ins * outs);
          for (let j = 0; j < outs; j++)
            for (let i = 0; i < ins; i++)
              w[i * outs + j] = (values[j * ins + i] as number) * (target.gain[j] as number);
          addConnection(source, target, w, node.name);
        }
      }
      continue;
    }
    const source = pops.get(node.name);
    if (!source) continue;
    for (const b of outbound(node.name)) {
      const target = pops.get(b);
      if (!target || target.kind === 'dataset') continue;
      // A direct edge is the identity: unit i drives unit i.
      const n = source.size;
      const w = new Float64Array(n * n);
      for (let i = 0; i < n; i++) w[i * n + i] = target.gain[i] as number;
      addConnection(source, target, w);
      notes.push(`The direct edge '${node.name}' → '${b}' became a one-to-one connection.`);
    }
  }

  const graphEdges: GraphEdge[] = [];
  const weights: Record<string, StoredTensor> = {};
  for (const c of conns.values()) {
    const extra = c.extra ? extras?.connections[c.extra] : undefined;
    const id = idFor(extra?.id ?? `w_${c.source.id}_${c.target.id}`);
    const edge = newConnection(id, c.source.id, c.target.id);
    if (extra && edge.kind === 'connection') edge.params = restoreConnectionParams(extra.params);
    graphEdges.push(edge);
    weights[id] = {
      shape: [c.source.size, c.target.size],
      dtype: 'float32',
      data: float32ToBase64(Float32Array.from(c.w)),
    };
  }

  // 7. Loss and training: the file's own (Spikewright exports), or defaults.
  const present = new Set(graphNodes.map((n) => n.id));
  if (extras?.dropped.nodes.length) {
    for (const n of extras.dropped.nodes) {
      if (present.has(n.id)) continue;
      graphNodes.push({
        ...n,
        params: restoreParams(n.kind, n.params as unknown as Record<string, unknown>),
      } as GraphNode);
      present.add(n.id);
    }
    for (const e of extras.dropped.edges)
      if (present.has(e.source) && present.has(e.target) && !ids.has(e.id)) {
        graphEdges.push(e);
        ids.add(e.id);
      }
  } else addDefaults(graphNodes, graphEdges, pops, outputs, idFor, notes);

  const graph: GraphDocument = { nodes: graphNodes, edges: graphEdges };
  if (extras) {
    // Our own file: the original order of nodes and edges (HDF5 lists groups by name).
    const nodeOrder = extras.order?.nodes ?? [];
    const edgeOrder = extras.order?.edges ?? [];
    const rank = (order: string[], id: string) => {
      const k = order.indexOf(id);
      return k === -1 ? order.length : k;
    };
    graph.nodes.sort((a, b) => rank(nodeOrder, a.id) - rank(nodeOrder, b.id));
    graph.edges.sort((a, b) => rank(edgeOrder, a.id) - rank(edgeOrder, b.id));
  } else {
    // Another tool's file: inputs first, then along the connections.
    const positions = layout(graph);
    graph.nodes.sort((a, b) => (positions[a.id]?.x ?? 0) - (positions[b.id]?.x ?? 0));
  }
  const problems = validateGraph(graph)
    .filter((p) => p.severity === 'error')
    .map((p) => p.message);
  const name = options.name ?? extras?.metadata.name ?? 'Imported NIR graph';
  const file = newSnnFile(
    graph,
    { positions: layout(graph) },
    {
      name,
      description:
        extras?.metadata.description ?? `Imported from NIR (read with forward Euler at dt = ${dtSeconds} s).`,
      ...(extras?.metadata.training ? { training: extras.metadata.training } : {}),
    },
    options.appVersion ?? '0.0.0',
  );
  file.weights = weights;
  return { file, unmapped, notes, problems, dtSeconds };
}

interface Population {
  id: string;
  nirName: string;
  kind: 'dataset' | 'lif' | 'readout';
  size: number;
  tauMem: number;
  tauSyn: number;
  threshold: number;
  scaleInput: boolean;
  /** Per-unit factor folded into every weight column that targets this population. */
  gain: Float64Array;
}

function flatten(
  graph: H5Group,
  prefix: string,
  out: Map<string, FlatNode>,
  edges: [string, string][],
  unmapped: string[],
) {
  const where = prefix ? `graph '${prefix.slice(0, -1)}'` : 'the top graph';
  const nodesGroup = graph.children.nodes;
  if (nodesGroup?.kind !== 'group') throw new NirImportError(`The NIR ${where} has no 'nodes' group.`);
  const edgesSet = graph.children.edges;
  if (edgesSet?.kind !== 'dataset') throw new NirImportError(`The NIR ${where} has no 'edges' dataset.`);
  const local = new Map<string, FlatNode>();
  const subgraphs = new Map<string, { inputs: string[]; outputs: string[] }>();
  for (const [name, node] of Object.entries(nodesGroup.children)) {
    const full = `${prefix}${name}`;
    if (node.kind !== 'group') throw new NirImportError(`Node '${full}' is a dataset, not a group of fields.`);
    const type = stringOf(node.children.type);
    if (type === null)
      throw new NirImportError(
        `Node '${full}' has no 'type' dataset${node.attributes?.includes('type') ? ' (it is an HDF5 attribute; NIR stores it as a dataset)' : ''}.`,
      );
    const spec = NIR_FIELDS[type];
    if (!spec) throw new NirImportError(`Node '${full}' has type '${type}', which is not a NIR node type.`);
    for (const field of spec.required)
      if (!(field in node.children)) throw new NirImportError(`Node '${full}' (${type}) lacks its '${field}' field.`);
    for (const field of Object.keys(node.children))
      if (!spec.required.includes(field) && !spec.optional.includes(field) && !ALWAYS_ALLOWED.includes(field))
        unmapped.push(`Node '${full}' (${type}) has a field '${field}' that NIR does not define; it was ignored.`);
    if (type === 'NIRGraph') {
      flatten(node, `${full}.`, out, edges, unmapped);
      const children = (node.children.nodes as H5Group).children;
      const typed = (t: string) =>
        Object.entries(children)
          .filter(([, c]) => c.kind === 'group' && stringOf(c.children.type) === t)
          .map(([n]) => `${full}.${n}`);
      subgraphs.set(name, { inputs: typed('Input'), outputs: typed('Output') });
      continue;
    }
    const flat: FlatNode = {
      name: full,
      type,
      group: node,
      passThrough: (prefix !== '' && (type === 'Input' || type === 'Output')) || type === 'Flatten',
    };
    local.set(name, flat);
    out.set(full, flat);
  }
  const raw = edgesSet.value;
  const list = typeof raw === 'string' ? [raw] : Array.isArray(raw) ? raw : [];
  if (list.length % 2 !== 0) throw new NirImportError(`The edges of ${where} are not pairs of node names.`);
  const resolve = (name: string, end: 'source' | 'target'): string[] => {
    const sub = subgraphs.get(name);
    if (sub) return end === 'source' ? sub.outputs : sub.inputs;
    if (local.has(name) || out.has(`${prefix}${name}`)) return [`${prefix}${name}`];
    throw new NirImportError(`An edge of ${where} names the node '${prefix}${name}', which does not exist.`);
  };
  for (let k = 0; k < list.length; k += 2) {
    const a = list[k] as string;
    const b = list[k + 1] as string;
    for (const s of resolve(a, 'source')) for (const t of resolve(b, 'target')) edges.push([s, t]);
  }
}

function splice(nodes: Map<string, FlatNode>, edges: [string, string][]): [string, string][] {
  let current = edges;
  for (const node of nodes.values()) {
    if (!node.passThrough) continue;
    const ins = current.filter(([, b]) => b === node.name).map(([a]) => a);
    const outs = current.filter(([a]) => a === node.name).map(([, b]) => b);
    current = current.filter(([a, b]) => a !== node.name && b !== node.name);
    for (const a of ins) for (const b of outs) current.push([a, b]);
  }
  return current;
}

/** Node types whose output has the shape of their input. */
const SAME_SHAPE = new Set(['LI', 'LIF', 'I', 'IF', 'CubaLI', 'CubaLIF', 'Scale', 'Threshold', 'Delay', 'Output']);

/** Fills shapes a node does not state (scalar parameters, Flatten without input_type) from its neighbours. */
function inferShapes(
  nodes: Map<string, FlatNode>,
  edges: [string, string][],
  shapes: Map<string, { input: number[] | null; output: number[] | null }>,
) {
  for (let pass = 0; pass <= nodes.size; pass++) {
    let changed = false;
    for (const [a, b] of edges) {
      const A = shapes.get(a);
      const B = shapes.get(b);
      if (!A || !B) continue;
      if (A.output && !B.input) {
        B.input = A.output;
        const type = nodes.get(b)?.type;
        if (type && SAME_SHAPE.has(type) && !B.output) B.output = A.output;
        if (type === 'Flatten' && !B.output) B.output = [A.output.reduce((x, y) => x * y, 1)];
        changed = true;
      }
      if (B.input && !A.output) {
        A.output = B.input;
        const type = nodes.get(a)?.type;
        if (type && SAME_SHAPE.has(type) && !A.input) A.input = B.input;
        changed = true;
      }
    }
    if (!changed) break;
  }
}

function shapeOf(node: FlatNode): { input: number[] | null; output: number[] | null } {
  const f = node.group.children;
  const vec = (name: string) => {
    const d = f[name];
    if (d?.kind !== 'dataset') return null;
    return d.shape.length === 0 ? [1] : d.shape;
  };
  switch (node.type) {
    case 'Input':
    case 'Output': {
      const d = f.shape;
      const s = d && d.kind === 'dataset' ? numbers(d, node.name, 'shape').map(Math.round) : null;
      return { input: s, output: s };
    }
    case 'Linear':
    case 'Affine': {
      const s = vec('weight');
      if (!s || s.length < 2) return { input: null, output: null };
      return { input: [s[s.length - 1] as number], output: [s[s.length - 2] as number] };
    }
    case 'Scale':
      return { input: vec('scale'), output: vec('scale') };
    case 'Threshold':
      return { input: vec('threshold'), output: vec('threshold') };
    case 'Flatten': {
      const d = f.input_type;
      const inp = d?.kind === 'dataset' ? numbers(d, node.name, 'input_type').map(Math.round) : null;
      return { input: inp, output: inp ? [inp.reduce((a, b) => a * b, 1)] : null };
    }
    case 'LI':
    case 'LIF':
    case 'I':
    case 'IF':
    case 'CubaLI':
    case 'CubaLIF': {
      // Every parameter of a neuron node shares the population shape; 0-d ones (older
      // writers) broadcast, and a node of only scalars takes its shape from its neighbours.
      let s: number[] | null = null;
      let from = '';
      for (const [name, d] of Object.entries(f)) {
        if (d.kind !== 'dataset' || name === 'type' || d.shape.length === 0 || typeof d.value === 'string') continue;
        if (!s) {
          s = d.shape;
          from = name;
        } else if (!sameShape(d.shape, s))
          throw new NirImportError(
            `Node '${node.name}' (${node.type}): its '${name}' has shape [${d.shape.join(', ')}] but '${from}' has [${s.join(', ')}]; all parameters of a neuron node share one shape.`,
          );
      }
      return { input: s, output: s };
    }
    default:
      return { input: null, output: null };
  }
}

function population(
  node: FlatNode,
  units: number | null,
  dt: number,
  unmapped: string[],
  notes: string[],
): Population | null {
  const base = { id: '', nirName: node.name, threshold: 1, scaleInput: false };
  const what = `${node.type} '${node.name}'`;
  switch (node.type) {
    case 'Input': {
      const shape = numbers(requireField(node, 'shape'), node.name, 'shape').map(Math.round);
      const size = shape.reduce((a, b) => a * b, 1);
      if (shape.length > 1)
        notes.push(`Input '${node.name}' of shape [${shape.join(', ')}] became ${size} input units.`);
      return { ...base, kind: 'dataset', size, tauMem: 0, tauSyn: 0, gain: new Float64Array(size).fill(1) };
    }
    case 'CubaLIF':
    case 'CubaLI':
    case 'LIF':
    case 'LI': {
      const cuba = node.type.startsWith('Cuba');
      const spiking = node.type.endsWith('F');
      const get = (field: string, fallback?: number) => {
        if (!(field in node.group.children) && fallback !== undefined) return null;
        return numbers(requireField(node, field), node.name, field);
      };
      const lengths = Object.entries(node.group.children)
        .filter(([f, d]) => f !== 'type' && d.kind === 'dataset' && d.shape.length > 0)
        .map(([, d]) => (d as H5Dataset).shape.reduce((a, b) => a * b, 1));
      const size = units ?? Math.max(1, ...lengths);
      if (units === null && lengths.length === 0)
        unmapped.push(
          `${what}: its size could not be told (scalar parameters, no neighbour with a shape); 1 unit assumed.`,
        );
      const broadcast = (v: number[] | null, fallback: number) =>
        v === null
          ? new Array<number>(size).fill(fallback)
          : v.length === 1
            ? new Array<number>(size).fill(v[0] as number)
            : v;
      const r = broadcast(get('r'), 1);
      const tauMem = broadcast(get(cuba ? 'tau_mem' : 'tau'), 0);
      const tauSyn = cuba ? broadcast(get('tau_syn'), 0) : null;
      const wIn = cuba ? broadcast(get('w_in', 1), 1) : null;
      const vLeak = broadcast(get('v_leak'), 0);
      const threshold = spiking ? broadcast(get('v_threshold'), 1) : null;
      const vReset = spiking ? broadcast(get('v_reset', 0), 0) : null;
      if (vLeak.some((v) => v !== 0))
        unmapped.push(`${what}: v_leak ≠ 0 was dropped (Spikewright membranes leak towards 0).`);
      if (vReset?.some((v) => v !== 0))
        unmapped.push(`${what}: v_reset ≠ 0 was dropped (Spikewright resets the membrane to 0).`);

      const beta = one(
        tauMem.map((t) => decayOf(dt, t)),
        `${what}: ${cuba ? 'tau_mem' : 'tau'}`,
        unmapped,
      );
      const betaOk = clampDecay(beta, `${what}: ${cuba ? 'tau_mem' : 'tau'}`, dt, unmapped);
      let tauSynMs: number;
      if (tauSyn) {
        const alpha = one(
          tauSyn.map((t) => decayOf(dt, t)),
          `${what}: tau_syn`,
          unmapped,
        );
        tauSynMs = tidy(tauMsOfDecay(dt, clampDecay(alpha, `${what}: tau_syn`, dt, unmapped)));
      } else {
        // No synaptic current in NIR: a synapse that forgets within a step (alpha = 0).
        tauSynMs = tidy(dt * MS_PER_SECOND * 1e-3);
        notes.push(
          `${what} has no synaptic current; it became a population with alpha = 0 (tauSyn ${tauSynMs} ms), which adds one step of delay.`,
        );
      }
      // Forward Euler: input gain dt w_in / tau_syn (1 without a synapse), membrane gain dt r / tau_mem.
      const gIn = tauSyn && wIn ? tauSyn.map((t, j) => (dt * (wIn[j] as number)) / t) : new Array<number>(size).fill(1);
      const cNir = tauMem.map((t, j) => (dt * (r[j] as number)) / t);
      const oneMinusBeta = 1 - betaOk;
      const scaleInput =
        cNir.every((c) => close(c, oneMinusBeta)) && !cNir.every((c) => close(c, 1)) && oneMinusBeta < 1;
      const cOurs = scaleInput ? oneMinusBeta : 1;
      let theta = 1;
      let thetaScale = new Array<number>(size).fill(1);
      if (threshold) {
        if (threshold.some((t) => !(t > 0)))
          throw new NirImportError(`${what} has a threshold ≤ 0, which Spikewright cannot simulate.`);
        const first = threshold[0] as number;
        if (threshold.every((t) => close(t, first))) theta = first;
        else {
          thetaScale = threshold.map((t) => 1 / t);
          notes.push(`${what}: per-neuron thresholds were folded into its input weights (threshold 1).`);
        }
      }
      const gain = new Float64Array(size);
      for (let j = 0; j < size; j++) {
        const g = ((gIn[j] as number) * (cNir[j] as number) * (thetaScale[j] as number)) / cOurs;
        gain[j] = Math.abs(g - 1) < 1e-12 ? 1 : g;
      }
      if (gain.some((g) => g !== 1))
        notes.push(
          `${what}: its input gains (dt·w_in/tau_syn and dt·r/tau_mem) were folded into the weights that reach it.`,
        );
      return {
        ...base,
        kind: spiking ? 'lif' : 'readout',
        size,
        tauMem: tidy(tauMsOfDecay(dt, betaOk)),
        tauSyn: tauSynMs,
        threshold: theta,
        scaleInput,
        gain,
      };
    }
    case 'Linear':
    case 'Affine':
    case 'Output':
      return null;
    default:
      unmapped.push(`${node.type} '${node.name}' has no Spikewright counterpart; it was dropped with its edges.`);
      return null;
  }
}

function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-6 * Math.max(Math.abs(a), Math.abs(b), 1e-12);
}

/** One value for the population; the mean (noted as unmapped) when neurons differ. */
function one(values: number[], what: string, unmapped: string[]): number {
  const first = values[0] as number;
  if (values.every((v) => close(v, first))) return first;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  unmapped.push(
    `${what} differs between neurons; Spikewright uses one value per population, so the mean step decay was used.`,
  );
  return mean;
}

function clampDecay(decay: number, what: string, dt: number, unmapped: string[]): number {
  if (decay > 0 && decay < 1) return decay;
  if (!Number.isFinite(decay)) throw new NirImportError(`${what} is not a finite time constant.`);
  const clamped = decay <= 0 ? 1e-6 : 1 - 1e-9;
  unmapped.push(
    `${what}: a forward-Euler step of ${dt} s gives a decay of ${decay.toPrecision(4)} per step, outside (0, 1); clamped to ${clamped}.`,
  );
  return clamped;
}

function chooseDt(
  given: number | undefined,
  metadata: H5Group | null,
  nodes: Map<string, FlatNode>,
  notes: string[],
): number {
  if (given !== undefined) {
    if (!(given > 0)) throw new NirImportError(`The time step must be positive (got ${given} s).`);
    notes.push(`Read the NIR equations with the given dt = ${given} s.`);
    return given;
  }
  const stored = metadata?.children.dt;
  if (stored && stored.kind === 'dataset') {
    const v = numbers(stored, 'metadata', 'dt')[0];
    if (v !== undefined && v > 0) {
      notes.push(`Read the NIR equations with dt = ${v} s from /node/metadata/dt.`);
      return v;
    }
  }
  // snnTorch hides its step in the parameters: r = tau_mem / dt.
  const candidates: number[] = [];
  for (const node of nodes.values()) {
    if (!['CubaLIF', 'CubaLI', 'LIF', 'LI'].includes(node.type)) continue;
    const tauField = node.type.startsWith('Cuba') ? 'tau_mem' : 'tau';
    const r = node.group.children.r;
    const tau = node.group.children[tauField];
    if (r?.kind !== 'dataset' || !tau || tau.kind !== 'dataset') continue;
    const rv = numbers(r, node.name, 'r')[0] as number;
    const tv = numbers(tau, node.name, tauField)[0] as number;
    if (rv > 0 && !close(rv, 1)) candidates.push(tv / rv);
  }
  const first = candidates[0];
  if (first !== undefined && candidates.every((c) => Math.abs(c - first) <= 1e-4 * first)) {
    const dt = Number(first.toPrecision(6));
    notes.push(`Inferred dt = ${dt} s from r = tau_mem / dt (the snnTorch convention).`);
    return dt;
  }
  notes.push(`The file does not say its time step; read it with dt = ${DEFAULT_IMPORT_DT_SECONDS} s (as Norse does).`);
  return DEFAULT_IMPORT_DT_SECONDS;
}

function readExtras(metadata: H5Group | null): SpikewrightNirExtras | null {
  // Files written by Spikeforge 0.1 (this app's former name) keep the block under its old name.
  const text = stringOf(metadata?.children.spikewright) ?? stringOf(metadata?.children.spikeforge);
  if (!text) return null;
  try {
    const value = JSON.parse(text) as SpikewrightNirExtras;
    const format = value.format as string;
    if ((format !== 'spikewright.nir-extras' && format !== 'spikeforge.nir-extras') || value.version !== 1) return null;
    if (typeof value.nodes !== 'object' || typeof value.connections !== 'object') return null;
    if (!Array.isArray(value.dropped?.nodes) || !Array.isArray(value.dropped?.edges)) return null;
    return value;
  } catch {
    return null;
  }
}

function addDefaults(
  nodes: GraphNode[],
  edges: GraphEdge[],
  pops: Map<string, Population>,
  outputs: Set<string>,
  idFor: (wanted: string) => string,
  notes: string[],
) {
  const all = [...pops.values()];
  const readouts = all.filter((p) => p.kind === 'readout');
  const lifs = all.filter((p) => p.kind === 'lif');
  const scored =
    readouts.find((p) => outputs.has(p.nirName)) ??
    readouts[0] ??
    lifs.find((p) => outputs.has(p.nirName)) ??
    lifs[lifs.length - 1];
  const dataset = all.find((p) => p.kind === 'dataset');
  const lossKind = scored?.kind === 'lif' ? 'spike-count-mse' : 'max-over-time';
  const lossId = idFor('loss');
  nodes.push(newNode('loss', lossId, 'Loss', { loss: lossKind }));
  nodes.push(newNode('training', idFor('training'), 'Training'));
  if (scored) edges.push({ id: idFor('s_scores'), kind: 'signal', source: scored.id, target: lossId });
  if (dataset) edges.push({ id: idFor('s_labels'), kind: 'signal', source: dataset.id, target: lossId });
  if (scored && dataset) {
    const d = nodes.find((n) => n.id === dataset.id);
    if (d?.kind === 'dataset') d.params.classes = Math.max(2, scored.size);
  }
  notes.push(
    `Added a ${lossKind === 'max-over-time' ? 'max-over-time cross-entropy' : 'spike-count MSE'} loss${scored ? ` on '${scored.nirName}'` : ''} and default training settings; the dataset is 'custom'.`,
  );
}

/** Columns by longest path from the inputs; loss and training to the right. */
function layout(graph: GraphDocument): Record<string, Position> {
  const layer = new Map<string, number>(graph.nodes.map((n) => [n.id, 0]));
  const forward = graph.edges.filter((e) => e.kind === 'connection' && e.source !== e.target);
  for (let pass = 0; pass < graph.nodes.length; pass++) {
    let changed = false;
    for (const e of forward) {
      const next = (layer.get(e.source) ?? 0) + 1;
      if (next > (layer.get(e.target) ?? 0)) {
        layer.set(e.target, next);
        changed = true;
      }
    }
    if (!changed) break;
  }
  const last = Math.max(0, ...[...layer.values()]);
  for (const n of graph.nodes)
    if (n.kind === 'loss' || n.kind === 'regularizer' || n.kind === 'training') layer.set(n.id, last + 1);
  const rows = new Map<number, number>();
  const positions: Record<string, Position> = {};
  for (const n of graph.nodes) {
    const col = layer.get(n.id) ?? 0;
    const row = rows.get(col) ?? 0;
    rows.set(col, row + 1);
    positions[n.id] = { x: 80 + col * 280, y: 80 + row * 160 };
  }
  return positions;
}

function requireField(node: FlatNode, field: string): H5Dataset {
  const d = node.group.children[field];
  if (!d) throw new NirImportError(`Node '${node.name}' (${node.type}) lacks its '${field}' field.`);
  if (d.kind !== 'dataset')
    throw new NirImportError(`Node '${node.name}' (${node.type}): '${field}' is a group, not a dataset.`);
  return d;
}

function numbers(d: H5Dataset, node: string, field: string): number[] {
  const v = d.value;
  if (typeof v === 'string' || Array.isArray(v))
    throw new NirImportError(`Node '${node}': '${field}' holds text, not numbers.`);
  const out = Array.from(v as ArrayLike<number | bigint>, (x) => Number(x));
  if (out.some((x) => Number.isNaN(x))) throw new NirImportError(`Node '${node}': '${field}' holds NaN values.`);
  return out;
}

function stringOf(node: H5Node | undefined): string | null {
  if (node?.kind !== 'dataset') return null;
  if (typeof node.value === 'string') return node.value;
  if (Array.isArray(node.value) && node.value.length === 1) return node.value[0] as string;
  return null;
}

function sameShape(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
