// Validation problems of the open graph, computed once per graph object (every edit makes a
// new one) and indexed by the node or edge they concern.
import type { GraphDocument } from '../../../shared/graph/document';
import { type Problem, validateGraph } from '../../../shared/graph/validate';

export interface ProblemIndex {
  all: Problem[];
  /** Problems by node id and by edge id. */
  byNode: Map<string, Problem[]>;
  byEdge: Map<string, Problem[]>;
  errors: number;
  warnings: number;
}

const cache = new WeakMap<GraphDocument, ProblemIndex>();

export function problemsOf(graph: GraphDocument): ProblemIndex {
  const cached = cache.get(graph);
  if (cached) return cached;
  const all = validateGraph(graph);
  const byNode = new Map<string, Problem[]>();
  const byEdge = new Map<string, Problem[]>();
  for (const p of all) {
    if (!p.target) continue;
    const map = p.target.type === 'node' ? byNode : byEdge;
    const list = map.get(p.target.id);
    if (list) list.push(p);
    else map.set(p.target.id, [p]);
  }
  const index: ProblemIndex = {
    all,
    byNode,
    byEdge,
    errors: all.filter((p) => p.severity === 'error').length,
    warnings: all.filter((p) => p.severity === 'warning').length,
  };
  cache.set(graph, index);
  return index;
}

/** The worst severity among problems, or null. */
export function worst(problems: readonly Problem[] | undefined): Problem['severity'] | null {
  if (!problems?.length) return null;
  return problems.some((p) => p.severity === 'error') ? 'error' : 'warning';
}
