// The graph document: nodes with typed parameters and the edges between them. This is the
// structure a file carries; `validateGraph` judges whether it makes a trainable network.
import { z } from 'zod';
import { defaultsOf } from './fields';
import { type ConnectionParams, connectionFields, type NodeKind, nodeKindFields, type ParamsByKind } from './kinds';

export type GraphNode = {
  [K in NodeKind]: { id: string; kind: K; name: string; params: ParamsByKind[K] };
}[NodeKind];

export type NodeOfKind<K extends NodeKind> = Extract<GraphNode, { kind: K }>;

/**
 * A connection carries spikes into a population or readout through a dense weight matrix
 * (source === target is recurrence). A signal wires a readout, dataset or population into a
 * loss or regulariser and has no weights.
 */
export type GraphEdge =
  | { id: string; kind: 'connection'; source: string; target: string; params: ConnectionParams }
  | { id: string; kind: 'signal'; source: string; target: string };

export interface GraphDocument {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

const id = z.string().min(1).max(200);

// Parameters are checked loosely here (any JSON scalar): the bounds and option checks are
// validation problems shown to the user, not reasons to refuse a file.
const scalar = z.union([z.number(), z.string(), z.boolean(), z.null()]);
const paramsRecord = z.record(z.string(), scalar);

export const graphNodeSchema = z.object({
  id,
  kind: z.enum(Object.keys(nodeKindFields) as [NodeKind, ...NodeKind[]]),
  name: z.string().max(200),
  params: paramsRecord,
});

export const graphEdgeSchema = z.discriminatedUnion('kind', [
  z.object({ id, kind: z.literal('connection'), source: id, target: id, params: paramsRecord }),
  z.object({ id, kind: z.literal('signal'), source: id, target: id }),
]);

export const graphDocumentSchema = z.object({
  nodes: z.array(graphNodeSchema).max(100000),
  edges: z.array(graphEdgeSchema).max(1000000),
});

/** Fills parameters a document leaves out with their defaults and drops unknown ones. */
export function restoreParams<K extends NodeKind>(kind: K, params: Record<string, unknown>): ParamsByKind[K] {
  return completeParams(nodeKindFields[kind], params) as ParamsByKind[K];
}

export function restoreConnectionParams(params: Record<string, unknown>): ConnectionParams {
  return completeParams(connectionFields, params) as ConnectionParams;
}

function completeParams(fields: Record<string, { default: unknown }>, params: Record<string, unknown>) {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(fields)) {
    out[key] = Object.hasOwn(params, key) && params[key] !== null ? params[key] : field.default;
  }
  return out;
}

/** Parses unknown JSON into a graph document or returns readable problems. Never throws. */
export function parseGraphDocument(
  value: unknown,
): { ok: true; graph: GraphDocument } | { ok: false; errors: string[] } {
  const parsed = graphDocumentSchema.safeParse(value);
  if (!parsed.success) return { ok: false, errors: describeZodIssues(parsed.error.issues, 'graph') };
  const graph: GraphDocument = {
    nodes: parsed.data.nodes.map(
      (n) => ({ id: n.id, kind: n.kind, name: n.name, params: restoreParams(n.kind, n.params) }) as GraphNode,
    ),
    edges: parsed.data.edges.map((e) =>
      e.kind === 'connection'
        ? {
            id: e.id,
            kind: 'connection',
            source: e.source,
            target: e.target,
            params: restoreConnectionParams(e.params),
          }
        : { id: e.id, kind: 'signal', source: e.source, target: e.target },
    ),
  };
  const duplicate = firstDuplicate([...graph.nodes.map((n) => n.id), ...graph.edges.map((e) => e.id)]);
  if (duplicate !== null) return { ok: false, errors: [`The id '${duplicate}' is used twice in the graph.`] };
  return { ok: true, graph };
}

function firstDuplicate(ids: string[]): string | null {
  const seen = new Set<string>();
  for (const x of ids) {
    if (seen.has(x)) return x;
    seen.add(x);
  }
  return null;
}

export function describeZodIssues(issues: readonly z.core.$ZodIssue[], root: string): string[] {
  return issues.slice(0, 10).map((issue) => {
    const where = [root, ...issue.path.map(String)].join('.');
    return `${where}: ${issue.message}`;
  });
}

export function newNode<K extends NodeKind>(kind: K, id: string, name: string, params: Partial<ParamsByKind[K]> = {}) {
  return { id, kind, name, params: { ...defaultsOf(nodeKindFields[kind]), ...params } } as unknown as NodeOfKind<K>;
}

export function newConnection(
  id: string,
  source: string,
  target: string,
  params: Partial<ConnectionParams> = {},
): GraphEdge {
  return { id, kind: 'connection', source, target, params: { ...defaultsOf(connectionFields), ...params } };
}

export function nodesOfKind<K extends NodeKind>(graph: GraphDocument, kind: K): NodeOfKind<K>[] {
  return graph.nodes.filter((n): n is NodeOfKind<K> => n.kind === kind);
}
