// Which connections the editor lets a user draw, and why it refuses the others. Mirrors the
// rules validateGraph checks, so that the canvas rarely lets a user make a graph it rejects.
import type { GraphDocument, GraphNode } from '../../../shared/graph/document';
import { type NodeKind, nodeKindInfo } from '../../../shared/graph/kinds';

/** What a handle carries: spikes out of datasets and populations, analog membranes out of readouts, and the loss/regulariser inputs. */
export type HandleType = 'spikes' | 'analog' | 'signal';

export function outputHandleType(kind: NodeKind): HandleType | null {
  if (kind === 'dataset' || kind === 'lif') return 'spikes';
  if (kind === 'readout') return 'analog';
  return null;
}

export function inputHandleType(kind: NodeKind): HandleType | null {
  if (kind === 'lif' || kind === 'readout') return 'spikes';
  if (kind === 'loss' || kind === 'regularizer') return 'signal';
  return null;
}

export type ConnectionVerdict = { ok: true; edgeKind: 'connection' | 'signal' } | { ok: false; reason: string };

const label = (node: GraphNode) => `${nodeKindInfo[node.kind].label} '${node.name || node.id}'`;

/** Whether the user may draw an edge from `sourceId` to `targetId`, and of which kind. */
export function judgeConnection(graph: GraphDocument, sourceId: string, targetId: string): ConnectionVerdict {
  const source = graph.nodes.find((n) => n.id === sourceId);
  const target = graph.nodes.find((n) => n.id === targetId);
  if (!source || !target) return { ok: false, reason: 'That node no longer exists' };
  const out = outputHandleType(source.kind);
  const into = inputHandleType(target.kind);
  if (out === null) return { ok: false, reason: `${label(source)} has no output` };
  if (into === null) return { ok: false, reason: `${label(target)} takes no inputs` };
  if (graph.edges.some((e) => e.source === sourceId && e.target === targetId))
    return { ok: false, reason: `${label(source)} is already connected to ${label(target)}` };
  if (into === 'spikes') {
    if (out === 'analog')
      return {
        ok: false,
        reason: `A readout emits analog membrane potentials, not spikes; ${label(target)} needs spikes`,
      };
    if (sourceId === targetId && target.kind !== 'lif')
      return { ok: false, reason: 'Only LIF populations can connect to themselves' };
    if (sourceId !== targetId && reaches(graph, targetId, sourceId))
      return {
        ok: false,
        reason: `This would form a loop back to ${label(source)}; only self-connections (recurrence) are supported`,
      };
    return { ok: true, edgeKind: 'connection' };
  }
  if (sourceId === targetId) return { ok: false, reason: `${label(target)} cannot feed itself` };
  if (target.kind === 'regularizer' && source.kind !== 'lif')
    return { ok: false, reason: `An activity regulariser watches a LIF population, not ${label(source)}` };
  return { ok: true, edgeKind: 'signal' };
}

/** Whether `to` can be reached from `from` along connections (self-loops aside). */
function reaches(graph: GraphDocument, from: string, to: string): boolean {
  const seen = new Set<string>([from]);
  const stack = [from];
  while (stack.length) {
    const id = stack.pop() as string;
    if (id === to) return true;
    for (const e of graph.edges)
      if (e.kind === 'connection' && e.source === id && !seen.has(e.target)) {
        seen.add(e.target);
        stack.push(e.target);
      }
  }
  return false;
}
