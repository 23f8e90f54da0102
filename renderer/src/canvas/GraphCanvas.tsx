// The network as a picture: React Flow drawing the document's nodes and edges.
import { Background, Controls, type Edge, MiniMap, ReactFlow } from '@xyflow/react';
import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { weightCount } from '../../../shared/graph/shapes';
import { useAppStore } from '../store';
import { type SnnFlowNode, SnnNode } from './SnnNode';

const nodeTypes = { snn: SnnNode };

export function GraphCanvas() {
  const { graph, layout } = useAppStore(useShallow((s) => ({ graph: s.graph, layout: s.layout })));
  const nodes = useMemo<SnnFlowNode[]>(
    () =>
      graph.nodes.map((node) => ({
        id: node.id,
        type: 'snn',
        position: layout.positions[node.id] ?? { x: 0, y: 0 },
        data: { node },
      })),
    [graph, layout],
  );
  const edges = useMemo<Edge[]>(
    () =>
      graph.edges.map((edge) => {
        const count = weightCount(graph, edge);
        return {
          id: edge.id,
          source: edge.source,
          target: edge.target,
          className: `snn-edge snn-edge--${edge.kind}`,
          ...(edge.kind === 'connection' ? { label: `${count.toLocaleString()} weights` } : { animated: false }),
        };
      }),
    [graph],
  );
  return (
    <div className="canvas" data-testid="canvas">
      <ReactFlow nodes={nodes} edges={edges} nodeTypes={nodeTypes} fitView minZoom={0.1}>
        <Background gap={20} />
        <MiniMap pannable zoomable />
        <Controls />
      </ReactFlow>
    </div>
  );
}
