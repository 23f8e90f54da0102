// Import, stage 1 (read): the HDF5 tree of a NIR file as one flat graph. Nested graphs
// (snnTorch writes recurrent layers as subgraphs) are flattened to 'graph.child' names, every
// node's input and output shape is found (stated or inferred from its neighbours), edges are
// checked to join equal shapes, and identity pass-throughs are spliced out.
import { ALWAYS_ALLOWED, nirFieldsOf, SAME_SHAPE_TYPES } from './fields';
import type { H5Dataset, H5Group, H5Node } from './h5';

/** A broken or unreadable NIR file. */
export class NirImportError extends Error {
  override name = 'NirImportError';
}

/** Identical paths between two nodes (through pass-throughs) a file may have. */
const MAX_PARALLEL_PATHS = 1024;

/** Edges the flattened graph may have. */
const MAX_FLAT_EDGES = 200000;

/** Graphs nested inside graphs a file may have (snnTorch uses one level; 16 is plenty). */
export const MAX_NIR_NESTING = 16;

export interface FlatNode {
  /** Flattened name: nested graph nodes are 'graph.child'. */
  name: string;
  type: string;
  group: H5Group;
  /** An Input or Output inside a nested graph (or a Flatten): an identity the flattening removes. */
  passThrough: boolean;
}

export type Shapes = Map<string, { input: number[] | null; output: number[] | null }>;

export interface FlatGraph {
  nodes: Map<string, FlatNode>;
  /** Edges between flattened nodes, pass-throughs spliced out. */
  edges: [string, string][];
  shapes: Shapes;
  /** /node/metadata, when the file has one. */
  metadata: H5Group | null;
}

/** Stage 1: the top NIRGraph of a file, flattened, its shapes known and checked. */
export function readNirGraph(root: H5Group, unmapped: string[]): FlatGraph {
  const top = root.children.node;
  if (top?.kind !== 'group')
    throw new NirImportError('This is not a NIR file: it has no /node group (the graph NIR files keep there).');
  const topType = stringOf(top.children.type);
  if (topType !== 'NIRGraph')
    throw new NirImportError(
      `The /node group has type ${topType === null ? '(missing)' : `'${topType}'`}; a NIR file's top node must be a NIRGraph.`,
    );
  const nodes = new Map<string, FlatNode>();
  const edges: [string, string][] = [];
  flatten(top, '', nodes, edges, unmapped, 0);

  const shapes: Shapes = new Map();
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
  const metadata = top.children.metadata?.kind === 'group' ? top.children.metadata : null;
  return { nodes, edges: splice(nodes, edges), shapes, metadata };
}

function flatten(
  graph: H5Group,
  prefix: string,
  out: Map<string, FlatNode>,
  edges: [string, string][],
  unmapped: string[],
  depth: number,
) {
  if (depth > MAX_NIR_NESTING)
    throw new NirImportError(
      `The NIR graph '${prefix.slice(0, 80)}...' is nested more than ${MAX_NIR_NESTING} graphs deep; Spikewright reads at most ${MAX_NIR_NESTING}.`,
    );
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
    const spec = nirFieldsOf(type);
    if (!spec) throw new NirImportError(`Node '${full}' has type '${type}', which is not a NIR node type.`);
    for (const field of spec.required)
      if (!(field in node.children)) throw new NirImportError(`Node '${full}' (${type}) lacks its '${field}' field.`);
    for (const field of Object.keys(node.children))
      if (!spec.required.includes(field) && !spec.optional.includes(field) && !ALWAYS_ALLOWED.includes(field))
        unmapped.push(`Node '${full}' (${type}) has a field '${field}' that NIR does not define; it was ignored.`);
    if (type === 'NIRGraph') {
      flatten(node, `${full}.`, out, edges, unmapped, depth + 1);
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
    for (const s of resolve(a, 'source'))
      for (const t of resolve(b, 'target')) {
        if (edges.length >= MAX_FLAT_EDGES)
          throw new NirImportError(
            `The NIR graph's edges expand to more than ${MAX_FLAT_EDGES.toLocaleString('en-US')} once nested graphs are flattened.`,
          );
        edges.push([s, t]);
      }
  }
}

/**
 * Removes each pass-through node, joining everything that fed it to everything it fed (with
 * multiplicity: two identical paths stay two edges, as the file had them). Indexed by node,
 * so the work grows with the edges touched, not with nodes x edges.
 */
function splice(nodes: Map<string, FlatNode>, edges: [string, string][]): [string, string][] {
  const key = (a: string, b: string) => `${a}\u0000${b}`;
  const all = new Map<string, { a: string; b: string; count: number }>();
  const touching = new Map<string, Set<string>>();
  const touch = (name: string, k: string) => {
    const s = touching.get(name);
    if (s) s.add(k);
    else touching.set(name, new Set([k]));
  };
  const add = (a: string, b: string, count: number) => {
    const k = key(a, b);
    const e = all.get(k);
    if (e) e.count += count;
    if ((e?.count ?? count) > MAX_PARALLEL_PATHS)
      throw new NirImportError(
        `More than ${MAX_PARALLEL_PATHS} parallel paths join '${a}' to '${b}' through pass-through nodes; this is not a network Spikewright can read.`,
      );
    if (!e) {
      all.set(k, { a, b, count });
      touch(a, k);
      touch(b, k);
    }
  };
  for (const [a, b] of edges) add(a, b, 1);
  for (const node of nodes.values()) {
    if (!node.passThrough) continue;
    const ins: { a: string; count: number }[] = [];
    const outs: { b: string; count: number }[] = [];
    for (const k of touching.get(node.name) ?? []) {
      const e = all.get(k);
      if (!e) continue;
      if (e.b === node.name && e.a !== node.name) ins.push({ a: e.a, count: e.count });
      if (e.a === node.name && e.b !== node.name) outs.push({ b: e.b, count: e.count });
      all.delete(k);
    }
    touching.delete(node.name);
    for (const i of ins) for (const o of outs) add(i.a, o.b, i.count * o.count);
  }
  const out: [string, string][] = [];
  for (const { a, b, count } of all.values()) for (let c = 0; c < count; c++) out.push([a, b]);
  return out;
}

/** Fills shapes a node does not state (scalar parameters, Flatten without input_type) from its neighbours. */
/** Fills shapes a node does not state (scalar parameters, Flatten without input_type) from its neighbours. */
function inferShapes(nodes: Map<string, FlatNode>, edges: [string, string][], shapes: Shapes) {
  for (let pass = 0; pass <= nodes.size; pass++) {
    let changed = false;
    for (const [a, b] of edges) {
      const A = shapes.get(a);
      const B = shapes.get(b);
      if (!A || !B) continue;
      if (A.output && !B.input) {
        B.input = A.output;
        const type = nodes.get(b)?.type;
        if (type && SAME_SHAPE_TYPES.has(type) && !B.output) B.output = A.output;
        if (type === 'Flatten' && !B.output) B.output = [A.output.reduce((x, y) => x * y, 1)];
        changed = true;
      }
      if (B.input && !A.output) {
        A.output = B.input;
        const type = nodes.get(a)?.type;
        if (type && SAME_SHAPE_TYPES.has(type) && !A.input) A.input = B.input;
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

export function requireField(node: FlatNode, field: string): H5Dataset {
  const d = node.group.children[field];
  if (!d) throw new NirImportError(`Node '${node.name}' (${node.type}) lacks its '${field}' field.`);
  if (d.kind !== 'dataset')
    throw new NirImportError(`Node '${node.name}' (${node.type}): '${field}' is a group, not a dataset.`);
  return d;
}

export function numbers(d: H5Dataset, node: string, field: string): number[] {
  const v = d.value;
  if (typeof v === 'string' || Array.isArray(v))
    throw new NirImportError(`Node '${node}': '${field}' holds text, not numbers.`);
  const out = Array.from(v as ArrayLike<number | bigint>, (x) => Number(x));
  if (out.some((x) => Number.isNaN(x))) throw new NirImportError(`Node '${node}': '${field}' holds NaN values.`);
  return out;
}

export function stringOf(node: H5Node | undefined): string | null {
  if (node?.kind !== 'dataset') return null;
  if (typeof node.value === 'string') return node.value;
  if (Array.isArray(node.value) && node.value.length === 1) return node.value[0] as string;
  return null;
}

export function sameShape(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
