// One-click layout: ELK's layered algorithm, data flowing left to right.
import type { ELK } from 'elkjs/lib/elk-api';
import type { Position } from '../../../shared/file/snnFile';
import type { GraphDocument } from '../../../shared/graph/document';

// ELK is large (about 1.5 MB); it loads the first time someone asks for a layout.
let elk: Promise<ELK> | null = null;
function loadElk() {
  elk ??= import('elkjs/lib/elk.bundled.js').then(({ default: ELK }) => new ELK());
  return elk;
}
const FALLBACK = { width: 200, height: 110 };

export async function layoutGraph(
  graph: GraphDocument,
  sizes: Record<string, { width: number; height: number }>,
): Promise<Record<string, Position>> {
  const result = await (await loadElk()).layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.spacing.nodeNode': '50',
      'elk.layered.spacing.nodeNodeBetweenLayers': '90',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
    },
    children: graph.nodes.map((n) => ({ id: n.id, ...(sizes[n.id] ?? FALLBACK) })),
    edges: graph.edges
      .filter((e) => e.source !== e.target)
      .map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
  });
  const positions: Record<string, Position> = {};
  for (const child of result.children ?? []) positions[child.id] = { x: child.x ?? 0, y: child.y ?? 0 };
  return positions;
}
