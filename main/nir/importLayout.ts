// Import, stage 4 (layout): what makes the network a whole document. Our own files get their
// loss, regularisers and training settings back from the extras block and keep their order;
// another tool's file gets a default loss and training settings, inputs first, and columns
// by longest path from the inputs.
import type { Position } from '../../shared/file/snnFile';
import {
  type GraphDocument,
  type GraphEdge,
  type GraphNode,
  newNode,
  restoreParams,
} from '../../shared/graph/document';
import type { SpikewrightNirExtras } from './extras';
import type { MappedNetwork, Population } from './importMap';

/** Stage 4: the finished graph and its canvas positions. */
export function layOut(
  mapped: MappedNetwork,
  extras: SpikewrightNirExtras | null,
  notes: string[],
  discretisation: 'nir' | 'spytorch' = 'nir',
): { graph: GraphDocument; positions: Record<string, Position> } {
  const { nodes: graphNodes, edges: graphEdges, ids, idFor } = mapped;
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
  } else addDefaults(graphNodes, graphEdges, mapped.pops, mapped.outputs, idFor, notes, discretisation);

  const graph: GraphDocument = { nodes: graphNodes, edges: graphEdges };
  if (extras) {
    // Our own file: the original order of nodes and edges (HDF5 lists groups by name).
    const rank = (order: string[] | undefined) => {
      const at = new Map<string, number>();
      (order ?? []).forEach((id, k) => {
        if (!at.has(id)) at.set(id, k);
      });
      return (id: string) => at.get(id) ?? at.size;
    };
    const nodeRank = rank(extras.order?.nodes);
    const edgeRank = rank(extras.order?.edges);
    graph.nodes.sort((a, b) => nodeRank(a.id) - nodeRank(b.id));
    graph.edges.sort((a, b) => edgeRank(a.id) - edgeRank(b.id));
  } else {
    // Another tool's file: inputs first, then along the connections.
    const positions = layout(graph);
    graph.nodes.sort((a, b) => (positions[a.id]?.x ?? 0) - (positions[b.id]?.x ?? 0));
  }
  return { graph, positions: layout(graph) };
}

export function addDefaults(
  nodes: GraphNode[],
  edges: GraphEdge[],
  pops: Map<string, Population>,
  outputs: Set<string>,
  idFor: (wanted: string) => string,
  notes: string[],
  discretisation: 'nir' | 'spytorch' = 'nir',
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
  nodes.push(newNode('training', idFor('training'), 'Training', { discretisation }));
  if (scored) edges.push({ id: idFor('s_scores'), kind: 'signal', source: scored.id, target: lossId });
  if (dataset) edges.push({ id: idFor('s_labels'), kind: 'signal', source: dataset.id, target: lossId });
  if (scored && dataset) {
    const d = nodes.find((n) => n.id === dataset.id);
    if (d?.kind === 'dataset') d.params.classes = scored.size;
  }
  notes.push(
    `Added a ${lossKind === 'max-over-time' ? 'max-over-time cross-entropy' : 'spike-count MSE'} loss${scored ? ` on '${scored.nirName}'` : ''} and default training settings; the dataset is 'custom'.`,
  );
}

/** Columns by longest path from the inputs (nodes on a loop keep the column they reached); loss and training to the right. */
function layout(graph: GraphDocument): Record<string, Position> {
  const layer = new Map<string, number>(graph.nodes.map((n) => [n.id, 0]));
  const indegree = new Map<string, number>(graph.nodes.map((n) => [n.id, 0]));
  const next = new Map<string, string[]>();
  for (const e of graph.edges) {
    if (e.kind !== 'connection' || e.source === e.target || !layer.has(e.source) || !layer.has(e.target)) continue;
    indegree.set(e.target, (indegree.get(e.target) ?? 0) + 1);
    const list = next.get(e.source);
    if (list) list.push(e.target);
    else next.set(e.source, [e.target]);
  }
  const queue = graph.nodes.filter((n) => indegree.get(n.id) === 0).map((n) => n.id);
  for (let head = 0; head < queue.length; head++) {
    const id = queue[head] as string;
    for (const t of next.get(id) ?? []) {
      layer.set(t, Math.max(layer.get(t) ?? 0, (layer.get(id) ?? 0) + 1));
      const d = (indegree.get(t) ?? 0) - 1;
      indegree.set(t, d);
      if (d === 0) queue.push(t);
    }
  }
  let last = 0;
  for (const v of layer.values()) last = Math.max(last, v);
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
