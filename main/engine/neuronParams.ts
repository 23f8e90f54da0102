// Per-neuron parameters (docs/model.md "Per-neuron parameters"; Perez-Nieves et al. 2021):
// populations that are heterogeneous or learn their dynamics hold one value per neuron of
// each parameter, in the parameter record under `${nodeId}.${name}` beside the weights.
//
// The engine's values are what the optimizer steps: a time constant as the logit of its
// decay per step, z = log(d / (1 - d)), so every decay stays in (0, 1) whatever the update;
// a threshold, a and b as themselves (clamped after each update to threshold >= 0.001,
// a in [0, 1], b in [0, 2]). Files hold what a person reads: time constants in ms.
import type { NeuronParamName } from '../../shared/file/snnFile';
import type { DiscretisationName } from '../../shared/graph/kinds';
import { mixSeeds, Random } from '../util/random';
import type { Plan, PopulationPlan, WeightSet } from './plan';

export type { NeuronParamName };

/** The parameter record key of one population's per-neuron parameter. */
export const neuronKey = (nodeId: string, name: NeuronParamName) => `${nodeId}.${name}`;

export const TIME_CONSTANTS: readonly NeuronParamName[] = ['tauMem', 'tauSyn', 'tauAdapt'];
const isTimeConstant = (name: NeuronParamName) => TIME_CONSTANTS.includes(name);

/** Smallest threshold an update may leave (the field's help says so). */
export const MIN_THRESHOLD = 0.001;
const BOUNDS: Partial<Record<NeuronParamName, [number, number]>> = {
  threshold: [MIN_THRESHOLD, Number.POSITIVE_INFINITY],
  adaptA: [0, 1],
  adaptB: [0, 2],
};
/** Decays are kept this far inside (0, 1), so their logits stay finite. */
const DECAY_EPS = 1e-6;

/** Decay per step of tau dx/dt = -x: exact (SpyTorch) or one forward-Euler step (NIR). */
export function decayOf(tau: number, dt: number, rule: DiscretisationName): number {
  return rule === 'nir' ? 1 - dt / tau : Math.exp(-dt / tau);
}

export function tauOfDecay(d: number, dt: number, rule: DiscretisationName): number {
  return rule === 'nir' ? dt / (1 - d) : -dt / Math.log(d);
}

export const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const logit = (d: number) => {
  const c = Math.min(1 - DECAY_EPS, Math.max(DECAY_EPS, d));
  return Math.log(c / (1 - c));
};

/** A value a person reads (ms, or the parameter itself) as the engine holds it. */
export function toEngineValue(name: NeuronParamName, value: number, dt: number, rule: DiscretisationName): number {
  return isTimeConstant(name) ? logit(decayOf(value, dt, rule)) : value;
}

export function fromEngineValue(name: NeuronParamName, value: number, dt: number, rule: DiscretisationName): number {
  return isTimeConstant(name) ? tauOfDecay(sigmoid(value), dt, rule) : value;
}

/**
 * Initial values of every per-neuron population, in engine space: membrane and synaptic time
 * constants drawn as the population's "Initial time constants" says (constant, tau U(1 - s, 1 + s),
 * or gamma with mean tau and coefficient of variation s), each population from its own stream of
 * the seed; draws shorter than 1.1 dt are raised to it (NIR's decay 1 - dt/tau must stay above 0).
 * Thresholds, a, b and the adaptation time constant start at the population's value (short
 * adaptation time constants make the adLIF loop unstable: docs/model.md).
 */
export function initNeuronParams(plan: Plan, seed: number): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  for (const p of plan.populations) {
    const spec = p.perNeuron;
    if (!spec) continue;
    const rng = new Random(mixSeeds(seed, 0x4e50 + p.index));
    for (const name of spec.names) {
      const v = new Float32Array(p.size);
      const nominal = spec.nominal[name];
      for (let j = 0; j < p.size; j++) {
        let x = nominal;
        if ((name === 'tauMem' || name === 'tauSyn') && spec.init !== 'constant') {
          x =
            spec.init === 'uniform'
              ? nominal * (1 + spec.spread * (2 * rng.uniform() - 1))
              : gammaDraw(rng, nominal, spec.spread);
          x = Math.max(x, 1.1 * plan.dt);
        }
        v[j] = toEngineValue(name, x, plan.dt, plan.discretisation);
      }
      out[neuronKey(p.id, name)] = v;
    }
  }
  return out;
}

/** Gamma with the given mean and coefficient of variation (shape 1/cv^2): Marsaglia & Tsang (2000). */
function gammaDraw(rng: Random, mean: number, cv: number): number {
  if (cv === 0) return mean;
  const shape = 1 / (cv * cv);
  const scale = mean / shape;
  // For shape < 1: G(shape) = G(shape + 1) U^(1/shape).
  const boost = shape < 1 ? rng.uniform() ** (1 / shape) : 1;
  const d = (shape < 1 ? shape + 1 : shape) - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = rng.normal();
    const v = (1 + c * x) ** 3;
    if (v <= 0) continue;
    const u = rng.uniform();
    if (Math.log(Math.max(u, 1e-300)) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v * scale * boost;
  }
}

/** Learned thresholds, a and b brought back into their bounds after an update (in place). */
export function clampNeuronParams(plan: Plan, weights: WeightSet<Float32Array | Float64Array>): void {
  for (const p of plan.populations)
    for (const name of p.perNeuron?.learned ?? []) {
      const bounds = BOUNDS[name];
      const v = weights[neuronKey(p.id, name)];
      if (!bounds || !v) continue;
      for (let j = 0; j < v.length; j++) v[j] = Math.min(bounds[1], Math.max(bounds[0], v[j] as number));
    }
}

/** The parameter keys the optimizer trains. */
export function learnedNeuronKeys(plan: Plan): string[] {
  return plan.populations.flatMap((p) => (p.perNeuron?.learned ?? []).map((name) => neuronKey(p.id, name)));
}

/**
 * One population's constants per neuron for a batch: alpha, beta, c (1, or 1 - beta with
 * scaleInput), theta, and adLIF's gamma, a, b and k = (1 - gamma) q (zero for LIF). A
 * population without per-neuron parameters gets its plan's values in every entry.
 */
/** The constants every per-neuron population has per neuron (their gradients have the same shape). */
const CONSTANTS = ['alpha', 'beta', 'c', 'theta', 'gamma', 'a', 'b'] as const;
type PerNeuronConstants = Record<(typeof CONSTANTS)[number], Float64Array>;

export interface NeuronArrays extends PerNeuronConstants {
  /** adLIF's k = (1 - gamma) q per neuron (zero for LIF). */
  k: Float64Array;
  /** adLIF's q, the factor of (1 - gamma) in k. */
  q: number;
  scaleInput: boolean;
}

export function neuronArrays(p: PopulationPlan, weights: WeightSet<Float32Array | Float64Array>): NeuronArrays {
  const N = p.size;
  const ad = p.adaptation;
  const own = (name: NeuronParamName): Float32Array | Float64Array | null => {
    if (!p.perNeuron?.names.includes(name)) return null;
    const v = weights[neuronKey(p.id, name)];
    if (v?.length !== N) throw new Error(`No per-neuron ${name} values for population '${p.id}'.`);
    return v;
  };
  const fill = (name: NeuronParamName, plain: number, decay: boolean) => {
    const v = own(name);
    const out = new Float64Array(N);
    for (let j = 0; j < N; j++) out[j] = v ? (decay ? sigmoid(v[j] as number) : (v[j] as number)) : plain;
    return out;
  };
  const alpha = fill('tauSyn', p.alpha, true);
  const beta = fill('tauMem', p.beta, true);
  const scaleInput = p.perNeuron?.scaleInput ?? false;
  const c = new Float64Array(N);
  for (let j = 0; j < N; j++) c[j] = scaleInput ? 1 - (beta[j] as number) : p.inputScale;
  const gamma = ad ? fill('tauAdapt', ad.gamma, true) : new Float64Array(N);
  const q = ad?.q ?? 0;
  const k = new Float64Array(N);
  for (let j = 0; j < N; j++) k[j] = (1 - (gamma[j] as number)) * q;
  return {
    alpha,
    beta,
    c,
    theta: fill('threshold', p.threshold, false),
    gamma,
    a: ad ? fill('adaptA', ad.a, false) : new Float64Array(N),
    b: ad ? fill('adaptB', ad.b, false) : new Float64Array(N),
    k,
    q,
    scaleInput,
  };
}

/** dL/d each constant per neuron (dL/dalpha and so on), summed over samples and steps by the adjoint. */
export type NeuronGrads = PerNeuronConstants;

export function neuronGrads(N: number): NeuronGrads {
  return Object.fromEntries(CONSTANTS.map((name) => [name, new Float64Array(N)])) as NeuronGrads;
}

/**
 * The constants' gradients as gradients of the learned parameters in engine space: a decay's
 * through its logit (dd/dz = d (1 - d)), and c's folded into beta's when c = 1 - beta.
 */
export function learnedGrads(
  p: PopulationPlan,
  arrays: NeuronArrays,
  g: NeuronGrads,
  F: Float32ArrayConstructor | Float64ArrayConstructor,
): Record<string, Float32Array | Float64Array> {
  const out: Record<string, Float32Array | Float64Array> = {};
  const N = p.size;
  for (const name of p.perNeuron?.learned ?? []) {
    const v = new F(N);
    for (let j = 0; j < N; j++) {
      let x: number;
      if (name === 'tauSyn') {
        const d = arrays.alpha[j] as number;
        x = (g.alpha[j] as number) * d * (1 - d);
      } else if (name === 'tauMem') {
        const d = arrays.beta[j] as number;
        const dBeta = (g.beta[j] as number) - (arrays.scaleInput ? (g.c[j] as number) : 0);
        x = dBeta * d * (1 - d);
      } else if (name === 'tauAdapt') {
        const d = arrays.gamma[j] as number;
        x = (g.gamma[j] as number) * d * (1 - d);
      } else if (name === 'threshold') x = g.theta[j] as number;
      else if (name === 'adaptA') x = g.a[j] as number;
      else x = g.b[j] as number;
      v[j] = x;
    }
    out[neuronKey(p.id, name)] = v;
  }
  return out;
}
