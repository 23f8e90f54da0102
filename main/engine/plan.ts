// Compiles a validated graph document once into a plan both engines run many times: the
// order of populations, their constants, which connections carry spikes, and what the
// backward pass must keep.
//
// Time is stepped under the training node's `discretisation` (docs/model.md has both in full).
// Steps n = 0..T-1, all state 0 before step 0; x[n] = sum_in W^T S_in[n] + recurrence + b (the
// population's bias current, when it has one); c = 1, or (1 - beta) with scaleInput.
//
// 'spytorch' (SpyTorch tutorial 2, exactly): alpha = exp(-dt/tauSyn), beta = exp(-dt/tauMem)
//   S[n]   = H(U[n] - theta)                      spikes at n are read from the membrane at n
//   I[n+1] = alpha I[n] + x[n],  x[n] with V^T S[n]
//   U[n+1] = (beta U[n] + c I[n]) (1 - S[n])      reset 'zero'  (drops the step's input too)
//   U[n+1] =  beta U[n] + c I[n] - theta S[n]     reset 'subtract'
// An input event at step n reaches I at n+1 and U at n+2: two steps of delay per layer.
//
// 'nir' (NIR's reference forward Euler, nir_reference_impl.py, reset to v_reset = 0):
//   alpha = 1 - dt/tauSyn, beta = 1 - dt/tauMem (validation keeps tau >= dt)
//   S[n]   = H(U[n] - theta)                      U[n] = P[n], the membrane after step n's update
//   I[n]   = alpha I[n-1] + x[n],  x[n] with V^T S[n-1]
//   U[n+1] = beta (U[n] (1 - S[n])) + c I[n]      reset 'zero'
//   U[n+1] = beta (U[n] - theta S[n]) + c I[n]    reset 'subtract' (the reference impl as written)
// i.e. the reference's v = v_last + dt/tau_mem (-v_last + r I_last) with the current of the
// previous step: an input event at step n reaches I at n and U at n+1: one step per layer.
// Under both, a recurrent spike at n reaches the membrane at n+2.
//
// Readout (leaky integrator, both): I[n+1] = alpha I[n] + x[n], U[n+1] = beta U[n] + c I[n];
// its trace is U[0..T] (T+1 values, U[0] = 0), as SpyTorch's out_rec; under 'nir' U[k] is the
// reference's CubaLI v after step k-1, the same equations.

import type { NeuronParamName } from '../../shared/file/snnFile';
import { type GraphDocument, type GraphNode, nodesOfKind } from '../../shared/graph/document';
import type {
  ConnectionParams,
  DiscretisationName,
  LossParams,
  RegularizerParams,
  TrainingParams,
} from '../../shared/graph/kinds';
import { datasetShape } from '../../shared/graph/shapes';
import { topologicalOrder, validateGraph } from '../../shared/graph/validate';
import { type DelayPlan, delayPlanOf } from './delays';

export interface PopulationPlan {
  id: string;
  name: string;
  kind: 'input' | 'lif' | 'readout';
  /** Position in `plan.populations` (topological order; the input is 0). */
  index: number;
  size: number;
  alpha: number;
  beta: number;
  /** Factor on the current in the membrane update: 1, or (1 - beta) with scaleInput. */
  inputScale: number;
  /** A trainable per-neuron bias current (its parameter is keyed by this population's id). */
  bias: boolean;
  threshold: number;
  reset: 'zero' | 'subtract';
  detachReset: boolean;
  /** adLIF's adaptation current (docs/model.md "Adaptive LIF"); null for plain LIF. */
  adaptation: AdaptationPlan | null;
  /** Per-neuron parameters (neuronParams.ts), when the population is heterogeneous or learns them; else null. */
  perNeuron: PerNeuronPlan | null;
  /** Feed-forward connections into this population (recurrence excluded). */
  incoming: ConnectionPlan[];
  recurrent: ConnectionPlan | null;
  /** True when the loss depends on this population, so the backward pass visits it. */
  inLoss: boolean;
}

/**
 * adLIF: W[n] = gamma W[n-1] + k (a R[n - lag] + b S[n - lag]), k = (1 - gamma) q, R the membrane
 * after the reset; lag 0 (symplectic Euler, the new membrane) or 1 (forward Euler, the previous
 * one); the membrane update takes c (I - W[n]) where LIF takes c I.
 */
export interface AdaptationPlan {
  gamma: number;
  a: number;
  b: number;
  k: number;
  /** The adaptation scale: k = (1 - gamma) q. */
  q: number;
  symplectic: boolean;
}

/**
 * A population with one value per neuron of its parameters (docs/model.md "Per-neuron
 * parameters"), held in the parameter record under neuronKey(id, name): all of `names`, of which
 * the optimizer trains `learned`. Time constants start as `init` says around `nominal`.
 */
export interface PerNeuronPlan {
  names: NeuronParamName[];
  learned: NeuronParamName[];
  init: 'constant' | 'uniform' | 'gamma';
  spread: number;
  nominal: Record<NeuronParamName, number>;
  /** c = 1 - beta per neuron (scaleInput). */
  scaleInput: boolean;
}

export interface ConnectionPlan {
  id: string;
  source: number;
  target: number;
  /** Weight shape [sourceUnits, targetUnits], row-major: row i holds the weights out of unit i. */
  sourceUnits: number;
  targetUnits: number;
  recurrent: boolean;
  init: ConnectionParams['init'];
  scale: number;
  /** Its synaptic delay (delays.ts): spikes of step n enter the drive of step n + d. */
  delay: DelayPlan;
  /** The backward pass must send a gradient to the source's spikes (source is a LIF in the loss). */
  gradToSource: boolean;
  /** The loss depends on these weights. */
  trainable: boolean;
}

export interface RegularizerPlan {
  id: string;
  population: number;
  bound: RegularizerParams['bound'];
  strength: number;
  target: number;
  power: 1 | 2;
}

export interface LossPlan {
  kind: LossParams['loss'];
  /** The readout (cross-entropy losses) or LIF population (spike-count MSE) scored. */
  population: number;
  targetCountCorrect: number;
  targetCountWrong: number;
}

export interface Plan {
  populations: PopulationPlan[];
  connections: ConnectionPlan[];
  loss: LossPlan;
  regularizers: RegularizerPlan[];
  training: TrainingParams;
  /** How time is stepped (see the header): the training node's `discretisation`. */
  discretisation: DiscretisationName;
  timeSteps: number;
  dt: number;
  inputUnits: number;
  classes: number;
}

export class PlanError extends Error {}

export function compilePlan(graph: GraphDocument): Plan {
  const errors = validateGraph(graph).filter((p) => p.severity === 'error');
  if (errors.length) throw new PlanError(`The graph cannot be trained: ${errors.map((e) => e.message).join('; ')}`);
  const dataset = nodesOfKind(graph, 'dataset')[0] as Extract<GraphNode, { kind: 'dataset' }>;
  const training = (nodesOfKind(graph, 'training')[0] as Extract<GraphNode, { kind: 'training' }>).params;
  const lossNode = nodesOfKind(graph, 'loss')[0] as Extract<GraphNode, { kind: 'loss' }>;
  const dt = dataset.params.dt;
  const shape = datasetShape(dataset.params);
  const discretisation: DiscretisationName = training.discretisation;
  // Decay per step of tau dx/dt = -x: the exact solution (SpyTorch) or one forward-Euler step (NIR).
  const decay = (tau: number) => (discretisation === 'nir' ? 1 - dt / tau : Math.exp(-dt / tau));

  const populations: PopulationPlan[] = [];
  const indexOf = new Map<string, number>();
  for (const node of topologicalOrder(graph)) {
    if (node.kind !== 'dataset' && node.kind !== 'lif' && node.kind !== 'readout') continue;
    if (node.kind === 'dataset' && node.id !== dataset.id) continue;
    const base = {
      id: node.id,
      name: node.name,
      index: populations.length,
      incoming: [],
      recurrent: null,
      inLoss: false,
    };
    if (node.kind === 'dataset') {
      populations.push({
        ...base,
        kind: 'input',
        size: shape.units,
        alpha: 0,
        beta: 0,
        inputScale: 1,
        bias: false,
        threshold: 1,
        reset: 'zero',
        detachReset: true,
        adaptation: null,
        perNeuron: null,
      });
    } else {
      const p = node.params;
      const beta = decay(p.tauMem);
      const lif = node.kind === 'lif' ? node.params : null;
      populations.push({
        ...base,
        kind: node.kind,
        size: p.size,
        alpha: decay(p.tauSyn),
        beta,
        inputScale: p.scaleInput ? 1 - beta : 1,
        bias: p.bias,
        threshold: lif ? lif.threshold : 1,
        reset: lif ? lif.reset : 'zero',
        detachReset: lif ? lif.detachReset : true,
        adaptation: lif?.neuron === 'adlif' ? adaptationOf(lif, decay, node.name) : null,
        perNeuron: perNeuronOf(node),
      });
    }
    indexOf.set(node.id, populations.length - 1);
  }
  // The input population must come first: everything downstream reads its spikes.
  const inputIndex = indexOf.get(dataset.id);
  if (inputIndex !== 0) throw new PlanError('The dataset must feed the network, not be fed by it.');

  const connections: ConnectionPlan[] = [];
  for (const edge of graph.edges) {
    if (edge.kind !== 'connection') continue;
    const source = indexOf.get(edge.source);
    const target = indexOf.get(edge.target);
    if (source === undefined || target === undefined) continue;
    const sp = populations[source] as PopulationPlan;
    const tp = populations[target] as PopulationPlan;
    const conn: ConnectionPlan = {
      id: edge.id,
      source,
      target,
      sourceUnits: sp.size,
      targetUnits: tp.size,
      recurrent: source === target,
      init: edge.params.init,
      scale: edge.params.scale,
      delay: delayPlanOf(edge.params),
      gradToSource: false,
      trainable: false,
    };
    connections.push(conn);
    if (conn.recurrent) tp.recurrent = conn;
    else tp.incoming.push(conn);
  }

  const scoredKind = lossNode.params.loss === 'spike-count-mse' ? 'lif' : 'readout';
  const lossSources = graph.edges
    .filter((e) => e.kind === 'signal' && e.target === lossNode.id)
    .map((e) => indexOf.get(e.source))
    .filter((i): i is number => i !== undefined && populations[i]?.kind === scoredKind);
  const scored = lossSources[0];
  if (scored === undefined) throw new PlanError('The loss scores no population.');

  const regularizers: RegularizerPlan[] = [];
  for (const node of nodesOfKind(graph, 'regularizer')) {
    for (const e of graph.edges) {
      if (e.kind !== 'signal' || e.target !== node.id) continue;
      const population = indexOf.get(e.source);
      if (population === undefined || populations[population]?.kind !== 'lif') continue;
      regularizers.push({
        id: node.id,
        population,
        bound: node.params.bound,
        strength: node.params.strength,
        target: node.params.target,
        power: node.params.power === 'l1' ? 1 : 2,
      });
    }
  }

  // A population is in the loss when the loss or a regulariser reads it, or when it feeds
  // one that is. Walking in reverse topological order settles each before its sources.
  const roots = new Set<number>([scored, ...regularizers.map((r) => r.population)]);
  for (let i = populations.length - 1; i >= 0; i--) {
    const p = populations[i] as PopulationPlan;
    if (p.kind === 'input') continue;
    p.inLoss =
      roots.has(i) || connections.some((c) => !c.recurrent && c.source === i && populations[c.target]?.inLoss === true);
  }
  for (const c of connections) {
    const tp = populations[c.target] as PopulationPlan;
    const sp = populations[c.source] as PopulationPlan;
    c.trainable = tp.inLoss;
    c.gradToSource = tp.inLoss && sp.kind === 'lif' && sp.inLoss;
  }

  return {
    populations,
    connections,
    loss: {
      kind: lossNode.params.loss,
      population: scored,
      targetCountCorrect: lossNode.params.targetCountCorrect,
      targetCountWrong: lossNode.params.targetCountWrong,
    },
    regularizers,
    training,
    discretisation,
    timeSteps: dataset.params.timeSteps,
    dt,
    inputUnits: shape.units,
    classes: shape.classes,
  };
}

function adaptationOf(
  p: Extract<GraphNode, { kind: 'lif' }>['params'],
  decay: (tau: number) => number,
  name: string,
): AdaptationPlan {
  const gamma = decay(p.tauAdapt);
  if (!(gamma > 0 && gamma < 1))
    throw new PlanError(`'${name}': the adaptation time constant must be longer than the time step.`);
  return {
    gamma,
    a: p.adaptA,
    b: p.adaptB,
    k: (1 - gamma) * p.adaptScale,
    q: p.adaptScale,
    symplectic: p.adaptation === 'symplectic-euler',
  };
}

/** A population's per-neuron parameters as its node's fields ask for them, or null (none). */
export function perNeuronOf(node: Extract<GraphNode, { kind: 'lif' | 'readout' }>): PerNeuronPlan | null {
  const p = node.params;
  const lif = node.kind === 'lif' ? node.params : null;
  const adlif = lif?.neuron === 'adlif';
  const learned: NeuronParamName[] = [];
  if (p.learnTauMem) learned.push('tauMem');
  if (p.learnTauSyn) learned.push('tauSyn');
  if (lif?.learnThreshold) learned.push('threshold');
  if (adlif && lif?.learnAdaptation) learned.push('tauAdapt', 'adaptA', 'adaptB');
  const init = p.tauInit ?? 'constant';
  if (!learned.length && init === 'constant') return null;
  const names: NeuronParamName[] = lif
    ? ['tauMem', 'tauSyn', 'threshold', ...(adlif ? (['tauAdapt', 'adaptA', 'adaptB'] as const) : [])]
    : ['tauMem', 'tauSyn'];
  return {
    names,
    learned,
    init,
    spread: p.tauSpread ?? 0,
    nominal: {
      tauMem: p.tauMem,
      tauSyn: p.tauSyn,
      threshold: lif?.threshold ?? 1,
      tauAdapt: lif?.tauAdapt ?? 0,
      adaptA: lif?.adaptA ?? 0,
      adaptB: lif?.adaptB ?? 0,
    },
    scaleInput: p.scaleInput,
  };
}

/**
 * The trainable parameters: weights of every connection, row-major [sourceUnits, targetUnits],
 * keyed by edge id, and the bias currents [size] of populations with `bias`, keyed by node id
 * (ids are unique across nodes and edges).
 */
export type WeightSet<A extends Float32Array | Float64Array = Float32Array> = Record<string, A>;
