// Document nodes and edges as React Flow elements. Elements whose inputs did not change keep
// their object identity, so React Flow (and the memoised node views) skip them: a drag of
// one node in a 500-node graph re-renders one node.
import { useMemo, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Position } from '../../../shared/file/snnFile';
import type { GraphEdge, GraphNode } from '../../../shared/graph/document';
import type { NodeKind } from '../../../shared/graph/kinds';
import { outputSize } from '../../../shared/graph/shapes';
import { problemsOf, worst } from '../graph/problems';
import { useAppStore } from '../store';
import type { SnnFlowEdge } from './edges';
import { delayText } from './labels';
import type { SnnFlowNode } from './SnnNode';

const ORIGIN: Position = { x: 0, y: 0 };

/**
 * The last measured size of a node of each kind. Nodes of one kind have one size (fixed width,
 * one-line texts), so a node not yet measured starts with it: React Flow then draws a whole
 * opened document in one pass instead of hiding every node until a ResizeObserver round trip.
 */
const kindSizes = new Map<NodeKind, { width: number; height: number }>();

export function rememberKindSize(kind: NodeKind, size: { width: number; height: number }) {
  kindSizes.set(kind, size);
}

interface NodeInputs {
  node: GraphNode;
  position: Position;
  selected: boolean;
  severity: SnnFlowNode['data']['severity'];
  count: number;
  first: string | null;
  measured: { width: number; height: number } | undefined;
}

export function useFlowNodes(measured: Record<string, { width: number; height: number }>): SnnFlowNode[] {
  const { graph, positions, selectedIds } = useAppStore(
    useShallow((s) => ({ graph: s.graph, positions: s.layout.positions, selectedIds: s.selectedNodeIds })),
  );
  const cache = useRef(new Map<string, { inputs: NodeInputs; element: SnnFlowNode }>());
  return useMemo(() => {
    const problems = problemsOf(graph);
    const selected = new Set(selectedIds);
    const next = new Map<string, { inputs: NodeInputs; element: SnnFlowNode }>();
    const out: SnnFlowNode[] = [];
    for (const node of graph.nodes) {
      const list = problems.byNode.get(node.id);
      const inputs: NodeInputs = {
        node,
        position: positions[node.id] ?? ORIGIN,
        selected: selected.has(node.id),
        severity: worst(list),
        count: list?.length ?? 0,
        first: list?.[0]?.message ?? null,
        measured: measured[node.id] ?? kindSizes.get(node.kind),
      };
      const prev = cache.current.get(node.id);
      let element: SnnFlowNode;
      if (prev && sameInputs(prev.inputs, inputs)) element = prev.element;
      else {
        element = {
          id: node.id,
          type: 'snn',
          position: inputs.position,
          selected: inputs.selected,
          data: { node, severity: inputs.severity, problemCount: inputs.count, firstProblem: inputs.first },
          ...(inputs.measured ? { measured: inputs.measured } : {}),
        };
      }
      next.set(node.id, { inputs, element });
      out.push(element);
    }
    cache.current = next;
    return out;
  }, [graph, positions, selectedIds, measured]);
}

function sameInputs(a: NodeInputs, b: NodeInputs) {
  return (
    a.node === b.node &&
    a.position === b.position &&
    a.selected === b.selected &&
    a.severity === b.severity &&
    a.count === b.count &&
    a.first === b.first &&
    a.measured === b.measured
  );
}

interface EdgeInputs {
  edge: GraphEdge;
  selected: boolean;
  severity: SnnFlowEdge['data'] extends infer D ? (D extends { severity: infer S } ? S : never) : never;
  weights: number;
}

export function useFlowEdges(): SnnFlowEdge[] {
  const { graph, selectedIds } = useAppStore(useShallow((s) => ({ graph: s.graph, selectedIds: s.selectedEdgeIds })));
  const cache = useRef(new Map<string, { inputs: EdgeInputs; element: SnnFlowEdge }>());
  return useMemo(() => {
    const problems = problemsOf(graph);
    const sizes = new Map<string, number | null>();
    for (const n of graph.nodes) sizes.set(n.id, outputSize(n));
    const selected = new Set(selectedIds);
    const next = new Map<string, { inputs: EdgeInputs; element: SnnFlowEdge }>();
    const out: SnnFlowEdge[] = [];
    for (const edge of graph.edges) {
      const a = sizes.get(edge.source);
      const b = sizes.get(edge.target);
      const inputs: EdgeInputs = {
        edge,
        selected: selected.has(edge.id),
        severity: worst(problems.byEdge.get(edge.id)),
        weights: edge.kind === 'connection' && a != null && b != null ? a * b : 0,
      };
      const prev = cache.current.get(edge.id);
      let element: SnnFlowEdge;
      if (
        prev &&
        prev.inputs.edge === edge &&
        prev.inputs.selected === inputs.selected &&
        prev.inputs.severity === inputs.severity &&
        prev.inputs.weights === inputs.weights
      )
        element = prev.element;
      else
        element = {
          id: edge.id,
          source: edge.source,
          target: edge.target,
          sourceHandle: 'out',
          targetHandle: 'in',
          type: edge.source === edge.target ? 'loop' : edge.kind === 'signal' ? 'signal' : 'weighted',
          // Signals lie beneath connections: where they meet, the connection (and its label) is on top.
          zIndex: edge.kind === 'signal' ? 0 : 1,
          selected: inputs.selected,
          data: {
            kind: edge.kind,
            weights: inputs.weights,
            severity: inputs.severity,
            delay: edge.kind === 'connection' ? delayText(edge.params) : null,
          },
        };
      next.set(edge.id, { inputs, element });
      out.push(element);
    }
    cache.current = next;
    return out;
  }, [graph, selectedIds]);
}
