// Judges whether a graph document describes a network Spikewright can train, and says what
// is wrong in sentences that name the node or edge concerned. Never throws on user data.
import { budgetProblems, defaultMemoryLimit } from './budgets';
import { delayProblems } from './delays';
import { type GraphDocument, type GraphEdge, type GraphNode, nodesOfKind } from './document';
import { applicableFields, type FieldSet, fieldProblem } from './fields';
import { connectionFields, type NodeKind, nodeKindFields, nodeKindInfo } from './kinds';
import { datasetShape, outputSize } from './shapes';

export interface Problem {
  severity: 'error' | 'warning';
  /** The node or edge concerned; absent for problems of the whole graph. */
  target?: { type: 'node' | 'edge'; id: string };
  /** The parameter concerned, when one is. */
  field?: string;
  message: string;
}

const TAUS = ['tauSyn', 'tauMem'] as const;
const TAUS_ADLIF = [...TAUS, 'tauAdapt'] as const;
const TAU_NAMES: Record<(typeof TAUS_ADLIF)[number], string> = {
  tauSyn: 'Synaptic',
  tauMem: 'Membrane',
  tauAdapt: 'Adaptation',
};

const SPIKE_SOURCES: readonly NodeKind[] = ['dataset', 'lif'];
const CONNECTION_TARGETS: readonly NodeKind[] = ['lif', 'readout'];

export interface ValidateOptions {
  /** Bytes a training run may use (see budgets.ts); default: the process default, 8 GB unless set. */
  memoryLimitBytes?: number;
}

export function validateGraph(graph: GraphDocument, options: ValidateOptions = {}): Problem[] {
  const problems: Problem[] = [];
  const byId = new Map<string, GraphNode>();
  for (const node of graph.nodes) byId.set(node.id, node);
  const label = (node: GraphNode) => `${nodeKindInfo[node.kind].label} '${node.name || node.id}'`;
  const nodeError = (node: GraphNode, message: string, field?: string) =>
    problems.push({ severity: 'error', target: { type: 'node', id: node.id }, message, ...(field ? { field } : {}) });
  const edgeError = (edge: GraphEdge, message: string, field?: string) =>
    problems.push({ severity: 'error', target: { type: 'edge', id: edge.id }, message, ...(field ? { field } : {}) });

  for (const node of graph.nodes) {
    if (!node.name.trim()) nodeError(node, `${nodeKindInfo[node.kind].label} '${node.id}' needs a name`, 'name');
    checkFields(nodeKindFields[node.kind], node.params, (field, message) =>
      nodeError(node, `${label(node)}: ${message}`, field),
    );
  }
  const names = new Map<string, GraphNode>();
  for (const node of graph.nodes) {
    const other = names.get(node.name);
    if (other && node.name.trim())
      problems.push({
        severity: 'warning',
        target: { type: 'node', id: node.id },
        field: 'name',
        message: `Two nodes are named '${node.name}'; exports and plots tell them apart by name`,
      });
    names.set(node.name, node);
  }

  const incoming = new Map<string, GraphEdge[]>();
  const outgoing = new Map<string, GraphEdge[]>();
  const pairs = new Set<string>();
  for (const edge of graph.edges) {
    const source = byId.get(edge.source);
    const target = byId.get(edge.target);
    if (!source || !target) {
      edgeError(edge, `Edge '${edge.id}' joins a node that does not exist (${source ? edge.target : edge.source})`);
      continue;
    }
    const pair = `${edge.source}->${edge.target}`;
    if (pairs.has(pair)) edgeError(edge, `${label(source)} is connected to ${label(target)} twice`);
    pairs.add(pair);
    if (edge.kind === 'connection') {
      if (!SPIKE_SOURCES.includes(source.kind))
        edgeError(edge, `A connection must start at a dataset or LIF population, not at ${label(source)}`);
      else if (!CONNECTION_TARGETS.includes(target.kind))
        edgeError(edge, `A connection must end at a LIF population or readout, not at ${label(target)}`);
      else if (source.id === target.id && source.kind !== 'lif')
        edgeError(edge, `Only LIF populations can connect to themselves`);
      checkFields(connectionFields, edge.params, (field, message) =>
        edgeError(edge, `Connection ${source.name} → ${target.name}: ${message}`, field),
      );
    } else {
      if (target.kind === 'loss' && source.kind !== 'readout' && source.kind !== 'dataset' && source.kind !== 'lif')
        edgeError(
          edge,
          `A loss takes a readout (scores), a dataset (labels) or a population (spike counts), not ${label(source)}`,
        );
      else if (target.kind === 'regularizer' && source.kind !== 'lif')
        edgeError(edge, `An activity regulariser takes a LIF population, not ${label(source)}`);
      else if (target.kind !== 'loss' && target.kind !== 'regularizer')
        edgeError(edge, `${label(target)} takes no signal inputs; connect populations with connections`);
    }
    push(incoming, edge.target, edge);
    push(outgoing, edge.source, edge);
  }

  const count = <K extends NodeKind>(kind: K) => nodesOfKind(graph, kind);
  const datasets = count('dataset');
  const losses = count('loss');
  const trainings = count('training');
  if (datasets.length === 0) problems.push({ severity: 'error', message: 'The graph has no dataset' });
  if (datasets.length > 1)
    for (const d of datasets.slice(1)) nodeError(d, `The graph has more than one dataset; Spikewright trains on one`);
  if (count('readout').length === 0 && !losses.some((l) => l.params.loss === 'spike-count-mse'))
    problems.push({ severity: 'error', message: 'The graph has no readout' });
  if (losses.length === 0) problems.push({ severity: 'error', message: 'The graph has no loss' });
  if (losses.length > 1)
    for (const l of losses.slice(1)) nodeError(l, 'The graph has more than one loss; combine them in one');
  if (trainings.length === 0) problems.push({ severity: 'error', message: 'The graph has no training settings' });
  if (trainings.length > 1)
    for (const t of trainings.slice(1)) nodeError(t, 'The graph has more than one training settings node');

  const classes = datasets[0] ? datasetShape(datasets[0].params).classes : null;
  const discretisation = trainings[0]?.params.discretisation;
  const dt = datasets[0]?.params.dt;
  if (discretisation === 'nir' && typeof dt === 'number' && dt > 0)
    for (const node of graph.nodes) {
      if (node.kind !== 'lif' && node.kind !== 'readout') continue;
      // Forward Euler decays 1 - dt/tau per step: below dt they turn negative.
      const keys = node.kind === 'lif' && node.params.neuron === 'adlif' ? TAUS_ADLIF : TAUS;
      for (const key of keys) {
        const tau = (node.params as Record<string, unknown>)[key];
        if (typeof tau === 'number' && tau > 0 && tau < dt)
          nodeError(
            node,
            `${label(node)}: ${TAU_NAMES[key]} time constant (${tau} ms) is shorter than the time step (${dt} ms); under the NIR discretisation the decay per step is 1 - dt/tau, which must not be negative. Lengthen it, shorten dt, or use the SpyTorch discretisation`,
            key,
          );
      }
    }
  // Synaptic delays need the trial's length (shared/graph/delays.ts).
  const timeSteps = datasets[0]?.params.timeSteps;
  for (const edge of graph.edges) {
    const source = byId.get(edge.source);
    const target = byId.get(edge.target);
    if (edge.kind !== 'connection' || !source || !target) continue;
    for (const { field, message } of delayProblems(edge, source, target, timeSteps)) edgeError(edge, message, field);
  }
  for (const node of graph.nodes) {
    const ins = incoming.get(node.id) ?? [];
    const outs = outgoing.get(node.id) ?? [];
    const conns = ins.filter((e) => e.kind === 'connection' && e.source !== node.id);
    if (node.kind === 'lif') {
      if (conns.length === 0) nodeError(node, `Population '${node.name}' receives no input`);
      if (!outs.some((e) => e.target !== node.id))
        problems.push({
          severity: 'warning',
          target: { type: 'node', id: node.id },
          message: `Population '${node.name}' feeds nothing; its spikes cannot affect the loss`,
        });
    }
    if (node.kind === 'readout' && conns.length === 0) nodeError(node, `Readout '${node.name}' receives no input`);
    if (node.kind === 'loss') {
      const sources = ins.map((e) => byId.get(e.source)).filter((n): n is GraphNode => !!n);
      const scoring = node.params.loss === 'spike-count-mse' ? 'lif' : 'readout';
      const scored = sources.filter((s) => s.kind === scoring);
      if (scored.length === 0)
        nodeError(
          node,
          scoring === 'readout'
            ? `A loss needs a readout: connect one to '${node.name}'`
            : `A spike-count loss needs the output population: connect one to '${node.name}'`,
        );
      if (scored.length > 1) nodeError(node, `Loss '${node.name}' has ${scored.length} inputs to score; it takes one`);
      const scoredSize = scored[0] ? outputSize(scored[0]) : null;
      if (classes !== null && scoredSize !== null && scoredSize !== classes)
        nodeError(
          scored[0] as GraphNode,
          `${label(scored[0] as GraphNode)} has ${scoredSize} outputs but the dataset has ${classes} classes`,
          'size',
        );
    }
    if (node.kind === 'regularizer' && ins.length === 0)
      nodeError(node, `Regulariser '${node.name}' watches no population: connect one`);
  }

  const cycle = findCycle(graph, byId);
  if (cycle)
    problems.push({
      severity: 'error',
      target: { type: 'node', id: cycle[0] as string },
      message: `Connections form a loop through ${cycle.map((id) => `'${byId.get(id)?.name ?? id}'`).join(' → ')}; only a population connecting to itself (recurrence) is supported`,
    });
  problems.push(...budgetProblems(graph, options.memoryLimitBytes ?? defaultMemoryLimit()));
  return problems;
}

function checkFields(
  fields: FieldSet,
  params: Record<string, unknown>,
  report: (field: string, message: string) => void,
) {
  // A field that does not apply (its `when` fails) is hidden in the editor and unused by the
  // engine: its value is no error.
  for (const [key, field] of applicableFields(fields, params)) {
    const problem = fieldProblem(field, params[key]);
    if (problem) report(key, `${field.label} ${problem}`);
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** A cycle of connections longer than a self-loop, as node ids, or null. */
function findCycle(graph: GraphDocument, byId: Map<string, GraphNode>): string[] | null {
  return findLoop(graph.edges.filter((e) => e.kind === 'connection' && byId.has(e.source) && byId.has(e.target)));
}

/**
 * A loop through the given edges longer than a self-loop (self-loops are recurrence), as node
 * ids, or null. Depth-first with an explicit stack: a chain of any length cannot overflow.
 */
export function findLoop(edges: readonly { source: string; target: string }[]): string[] | null {
  const next = new Map<string, string[]>();
  for (const e of edges) if (e.source !== e.target) push(next, e.source, e.target);
  const state = new Map<string, 1 | 2>();
  const path: string[] = [];
  const onPath = new Map<string, number>();
  // Per frame on the path: which successor to try next.
  const cursor: number[] = [];
  for (const root of next.keys()) {
    if (state.has(root)) continue;
    state.set(root, 1);
    onPath.set(root, 0);
    path.push(root);
    cursor.push(0);
    while (path.length) {
      const top = path.length - 1;
      const id = path[top] as string;
      const succ = next.get(id) ?? [];
      const k = cursor[top] as number;
      if (k < succ.length) {
        cursor[top] = k + 1;
        const n = succ[k] as string;
        if (state.get(n) === 1) return path.slice(onPath.get(n));
        if (!state.has(n)) {
          state.set(n, 1);
          onPath.set(n, path.length);
          path.push(n);
          cursor.push(0);
        }
      } else {
        path.pop();
        cursor.pop();
        onPath.delete(id);
        state.set(id, 2);
      }
    }
  }
  return null;
}

/** Nodes in an order where every connection (self-loops aside) goes forwards. Assumes no cycles. */
export function topologicalOrder(graph: GraphDocument): GraphNode[] {
  const indegree = new Map<string, number>(graph.nodes.map((n) => [n.id, 0]));
  const next = new Map<string, string[]>();
  for (const e of graph.edges) {
    if (e.source === e.target || !indegree.has(e.source) || !indegree.has(e.target)) continue;
    indegree.set(e.target, (indegree.get(e.target) ?? 0) + 1);
    push(next, e.source, e.target);
  }
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const queue = graph.nodes.filter((n) => indegree.get(n.id) === 0).map((n) => n.id);
  const out: GraphNode[] = [];
  for (let head = 0; head < queue.length; head++) {
    const id = queue[head] as string;
    out.push(byId.get(id) as GraphNode);
    for (const n of next.get(id) ?? []) {
      const d = (indegree.get(n) ?? 0) - 1;
      indegree.set(n, d);
      if (d === 0) queue.push(n);
    }
  }
  return out;
}
