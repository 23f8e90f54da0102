// Pure edits of the document (graph, layout, metadata). The store wraps each in one history
// entry; keeping them pure lets tests check them without a store or a DOM.
import type { FileMetadata, Layout, Position } from '../../../shared/file/snnFile';
import {
  type GraphDocument,
  type GraphEdge,
  type GraphNode,
  newConnection,
  newNode,
} from '../../../shared/graph/document';
import type { NodeKind } from '../../../shared/graph/kinds';

/** Everything undo/redo and the dirty flag care about. */
export interface DocSnapshot {
  graph: GraphDocument;
  layout: Layout;
  metadata: FileMetadata;
}

/** A copied piece of a graph: nodes, the edges between them, and where they sat. */
export interface Fragment {
  nodes: GraphNode[];
  edges: GraphEdge[];
  positions: Record<string, Position>;
}

export const DEFAULT_NAMES: Record<NodeKind, string> = {
  dataset: 'data',
  lif: 'hidden',
  readout: 'readout',
  loss: 'loss',
  regularizer: 'regularizer',
  training: 'training',
};

const ID_PREFIX: Record<NodeKind, string> = {
  dataset: 'data',
  lif: 'lif',
  readout: 'out',
  loss: 'loss',
  regularizer: 'reg',
  training: 'train',
};

export function uniqueId(prefix: string, taken: ReadonlySet<string>): string {
  if (!taken.has(prefix)) return prefix;
  for (let i = 2; ; i++) if (!taken.has(`${prefix}_${i}`)) return `${prefix}_${i}`;
}

export function uniqueName(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  const stem = base.replace(/ \d+$/, '');
  for (let i = 2; ; i++) if (!taken.has(`${stem} ${i}`)) return `${stem} ${i}`;
}

function idsOf(graph: GraphDocument): Set<string> {
  return new Set([...graph.nodes.map((n) => n.id), ...graph.edges.map((e) => e.id)]);
}

/** Adds a node of `kind` at `position`; a preset gives parameters that differ from the defaults and a name. */
export function addNode(
  doc: DocSnapshot,
  kind: NodeKind,
  position: Position,
  preset: { params?: Readonly<Record<string, unknown>> | undefined; name?: string | undefined } = {},
): { doc: DocSnapshot; id: string } {
  const id = uniqueId(ID_PREFIX[kind], idsOf(doc.graph));
  const name = uniqueName(preset.name ?? DEFAULT_NAMES[kind], new Set(doc.graph.nodes.map((n) => n.name)));
  const node = newNode(kind, id, name, preset.params as never) as GraphNode;
  return {
    id,
    doc: {
      ...doc,
      graph: { ...doc.graph, nodes: [...doc.graph.nodes, node] },
      layout: { ...doc.layout, positions: { ...doc.layout.positions, [id]: roundPosition(position) } },
    },
  };
}

export function addEdge(
  doc: DocSnapshot,
  kind: 'connection' | 'signal',
  source: string,
  target: string,
): { doc: DocSnapshot; id: string } {
  const prefix =
    kind === 'connection' ? (source === target ? `rec_${source}` : `w_${source}_${target}`) : `s_${source}`;
  const id = uniqueId(prefix, idsOf(doc.graph));
  const edge: GraphEdge = kind === 'connection' ? newConnection(id, source, target) : { id, kind, source, target };
  return { id, doc: { ...doc, graph: { ...doc.graph, edges: [...doc.graph.edges, edge] } } };
}

export function updateNode(doc: DocSnapshot, id: string, update: (node: GraphNode) => GraphNode): DocSnapshot {
  return { ...doc, graph: { ...doc.graph, nodes: doc.graph.nodes.map((n) => (n.id === id ? update(n) : n)) } };
}

export function setNodeParam(doc: DocSnapshot, id: string, key: string, value: unknown): DocSnapshot {
  return updateNode(doc, id, (n) => ({ ...n, params: { ...n.params, [key]: value } }) as GraphNode);
}

export function setEdgeParam(doc: DocSnapshot, id: string, key: string, value: unknown): DocSnapshot {
  return {
    ...doc,
    graph: {
      ...doc.graph,
      edges: doc.graph.edges.map((e) =>
        e.id === id && e.kind === 'connection' ? { ...e, params: { ...e.params, [key]: value } as typeof e.params } : e,
      ),
    },
  };
}

/** Removes nodes (with their edges) and edges. */
export function removeElements(doc: DocSnapshot, nodeIds: Iterable<string>, edgeIds: Iterable<string>): DocSnapshot {
  const nodes = new Set(nodeIds);
  const edges = new Set(edgeIds);
  const positions = { ...doc.layout.positions };
  for (const id of nodes) delete positions[id];
  return {
    ...doc,
    graph: {
      nodes: doc.graph.nodes.filter((n) => !nodes.has(n.id)),
      edges: doc.graph.edges.filter((e) => !edges.has(e.id) && !nodes.has(e.source) && !nodes.has(e.target)),
    },
    layout: { ...doc.layout, positions },
  };
}

/** Moves nodes to new positions, keeping the other positions' objects as they were. */
export function setPositions(doc: DocSnapshot, moved: Record<string, Position>): DocSnapshot {
  const positions = { ...doc.layout.positions };
  for (const [id, p] of Object.entries(moved)) positions[id] = roundPosition(p);
  return { ...doc, layout: { ...doc.layout, positions } };
}

export function nudge(doc: DocSnapshot, ids: readonly string[], dx: number, dy: number): DocSnapshot {
  const moved: Record<string, Position> = {};
  for (const id of ids) {
    const p = doc.layout.positions[id] ?? { x: 0, y: 0 };
    moved[id] = { x: p.x + dx, y: p.y + dy };
  }
  return setPositions(doc, moved);
}

/** Copies the given nodes and the edges among them. */
export function copyFragment(doc: DocSnapshot, nodeIds: readonly string[]): Fragment {
  const ids = new Set(nodeIds);
  const nodes = doc.graph.nodes.filter((n) => ids.has(n.id));
  const edges = doc.graph.edges.filter((e) => ids.has(e.source) && ids.has(e.target));
  const positions: Record<string, Position> = {};
  for (const n of nodes) positions[n.id] = doc.layout.positions[n.id] ?? { x: 0, y: 0 };
  return structuredClone({ nodes, edges, positions });
}

/**
 * Inserts a fragment with fresh ids (and names made unique), shifted by `offset`; edges follow
 * their nodes' new ids. Returns the new node and edge ids so the paste can be selected.
 */
export function pasteFragment(
  doc: DocSnapshot,
  fragment: Fragment,
  offset: Position,
): { doc: DocSnapshot; nodeIds: string[]; edgeIds: string[] } {
  const taken = idsOf(doc.graph);
  const names = new Set(doc.graph.nodes.map((n) => n.name));
  const idMap = new Map<string, string>();
  const nodes: GraphNode[] = [];
  const positions = { ...doc.layout.positions };
  for (const node of fragment.nodes) {
    const id = uniqueId(node.id.replace(/_\d+$/, ''), taken);
    taken.add(id);
    idMap.set(node.id, id);
    const name = uniqueName(node.name, names);
    names.add(name);
    nodes.push({ ...structuredClone(node), id, name });
    const p = fragment.positions[node.id] ?? { x: 0, y: 0 };
    positions[id] = roundPosition({ x: p.x + offset.x, y: p.y + offset.y });
  }
  const edges: GraphEdge[] = [];
  for (const edge of fragment.edges) {
    const source = idMap.get(edge.source);
    const target = idMap.get(edge.target);
    if (!source || !target) continue;
    const id = uniqueId(edge.id.replace(/_\d+$/, ''), taken);
    taken.add(id);
    edges.push({ ...structuredClone(edge), id, source, target });
  }
  return {
    doc: {
      ...doc,
      graph: { nodes: [...doc.graph.nodes, ...nodes], edges: [...doc.graph.edges, ...edges] },
      layout: { ...doc.layout, positions },
    },
    nodeIds: nodes.map((n) => n.id),
    edgeIds: edges.map((e) => e.id),
  };
}

function roundPosition(p: Position): Position {
  return { x: Math.round(p.x * 100) / 100 + 0, y: Math.round(p.y * 100) / 100 + 0 };
}
