// Sizes that follow from parameters: how many units a node emits and how many weights an
// edge holds. The editor shows them, validation checks them, the engine allocates by them.
import type { GraphDocument, GraphEdge, GraphNode } from './document';
import type { DatasetParams } from './kinds';

const FIXED_DATASETS: Record<string, { units: number; classes: number }> = {
  'fashion-mnist': { units: 784, classes: 10 },
  mnist: { units: 784, classes: 10 },
  shd: { units: 700, classes: 20 },
  ssc: { units: 700, classes: 35 },
};

/** Input units and classes of a dataset node; custom data reports its own `inputs`/`classes`. */
export function datasetShape(params: DatasetParams): { units: number; classes: number } {
  return FIXED_DATASETS[params.dataset] ?? { units: params.inputs, classes: params.classes };
}

/** Number of units a node emits on its output, or null for nodes that emit nothing. */
export function outputSize(node: GraphNode): number | null {
  switch (node.kind) {
    case 'dataset':
      return datasetShape(node.params).units;
    case 'lif':
    case 'readout':
      return node.params.size;
    default:
      return null;
  }
}

/**
 * Weights an edge holds (source units x target units). Pass `byId` when asking for many edges:
 * looking nodes up in the list costs a pass over it each time.
 */
export function weightCount(graph: GraphDocument, edge: GraphEdge, byId?: ReadonlyMap<string, GraphNode>): number {
  if (edge.kind !== 'connection') return 0;
  const source = byId ? byId.get(edge.source) : graph.nodes.find((n) => n.id === edge.source);
  const target = byId ? byId.get(edge.target) : graph.nodes.find((n) => n.id === edge.target);
  if (!source || !target) return 0;
  const a = outputSize(source);
  const b = outputSize(target);
  return a !== null && b !== null ? a * b : 0;
}
