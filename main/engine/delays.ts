// Synaptic delays of connections, the parts both engines and the trainer share: the parameter
// record's keys, the per-connection plan, the seeded initial delays, the learnable kernel's
// width schedule and the final rounding (docs/model.md, "Synaptic delays").
//
// A connection with delays adds W[i, j] S_i[n - d_ij] into the target's drive x_j[n] (where
// x[n] enters the population as the discretisation says: I[n+1] under 'spytorch', I[n] under
// 'nir'); a recurrent connection's own step (S[n] into x[n] or x[n+1]) comes on top.
// Learnable delays (Hammouamri, Khalfaoui-Hassani & Masquelier 2023; DCLS) spread each synapse
// over the integer delays k = 0..maxDelay with a Gaussian of width sigma centred on its
// continuous position d_ij, normalised over the taps it keeps:
//   x_j[n] += sum_i sum_k W_ij g_k(d_ij) S_i[n - k],   g_k(d) = e_k / sum_m e_m,
//   e_k = exp(-(k - d)^2 / (2 sigma^2)) for |k - d| <= KERNEL_CUTOFF sigma, else 0,
// so dg_k/dd = g_k (k - mu) / sigma^2 with mu = sum_k g_k k. sigma = 0 is the rounded kernel:
// the one tap round(d).
import type { ConnectionParams } from '../../shared/graph/kinds';
import { mixSeeds, Random } from '../util/random';
import type { ConnectionPlan } from './plan';

export interface DelayPlan {
  mode: ConnectionParams['delay'];
  /** The fixed delay (mode 'fixed'), in steps. */
  steps: number;
  /** The largest delay a synapse may take (per-synapse and learnable), in steps. */
  max: number;
}

export function delayPlanOf(params: ConnectionParams): DelayPlan {
  return { mode: params.delay, steps: params.delaySteps, max: params.maxDelay };
}

/** Whether a connection's spikes are held back at all (a fixed delay of 0 is none). */
export function isDelayed(d: DelayPlan): boolean {
  return d.mode === 'per-synapse' || d.mode === 'learnable' || (d.mode === 'fixed' && d.steps > 0);
}

/** The parameter record's key of a connection's per-synapse delays (steps, row-major like its weights). */
export const delayKey = (edgeId: string) => `${edgeId}.delay`;
/**
 * The key of a learnable connection's kernel width sigma (one value, in steps), which the
 * trainer sets from the schedule; absent or 0: the rounded kernel. Not a trained parameter.
 */
export const delayWidthKey = (edgeId: string) => `${edgeId}.delayWidth`;

/**
 * Taps whose unnormalised Gaussian weight is below 1e-7 of its peak (|k - d| > 5.68 sigma) are
 * left out of the kernel: below float32's resolution beside the kept ones, and what lets the
 * kernel's cost shrink with its width.
 */
export const KERNEL_CUTOFF = Math.sqrt(2 * Math.log(1e7));

/** The kernel's width at the start of training: half the span of delays (SNN-delays: max_delay // 2). */
export const initialWidth = (maxDelay: number) => maxDelay / 2;
/** The width it shrinks to (SNN-delays' floor, 0.23 steps), reached a quarter of the way through training. */
export const FINAL_WIDTH = 0.23;
export const WIDTH_SHRINK_FRACTION = 0.25;
/** Learning rate of delay positions relative to the weights' (SNN-delays: lr_pos = 100 lr_w). */
export const DELAY_LEARNING_RATE_FACTOR = 100;

/**
 * sigma at a point of training, `progress` = optimizer steps taken / steps the training node
 * asks for (epochs x batches per epoch): exponential decay from initialWidth to FINAL_WIDTH
 * over the first quarter, then constant (SNN-delays decreases per epoch over epochs // 4; per
 * step here, so short runs narrow too and a resumed run continues where its steps left off).
 */
export function delayWidth(maxDelay: number, progress: number): number {
  const start = initialWidth(maxDelay);
  if (start <= FINAL_WIDTH) return FINAL_WIDTH;
  const x = Math.min(1, Math.max(0, progress / WIDTH_SHRINK_FRACTION));
  return start * (FINAL_WIDTH / start) ** x;
}

/**
 * Initial per-synapse delays, by delayKey: per-synapse ones from U{0..maxDelay} (integers),
 * learnable positions from U[0, maxDelay] (SNN-delays draws them uniformly over the kernel).
 * Each connection has its own stream (seed, position, a constant), so they do not change the
 * weights' streams.
 */
export function initDelays(connections: readonly ConnectionPlan[], seed: number): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  connections.forEach((c, position) => {
    const d = c.delay;
    if (d.mode !== 'per-synapse' && d.mode !== 'learnable') return;
    const rng = new Random(mixSeeds(mixSeeds(seed, position), 0x64656c61));
    const v = new Float32Array(c.sourceUnits * c.targetUnits);
    for (let i = 0; i < v.length; i++) v[i] = d.mode === 'per-synapse' ? rng.int(d.max + 1) : rng.uniform() * d.max;
    out[delayKey(c.id)] = v;
  });
  return out;
}

/** Learnable positions back into [0, maxDelay] after an update (DCLS's clamp_parameters). */
export function clampDelays(values: Float32Array | Float64Array, maxDelay: number): void {
  for (let i = 0; i < values.length; i++) values[i] = Math.min(maxDelay, Math.max(0, values[i] as number));
}

/** The end of training: positions rounded to whole steps (half away from zero), within bounds. */
export function roundDelays(values: Float32Array | Float64Array, maxDelay: number): void {
  for (let i = 0; i < values.length; i++) values[i] = Math.min(maxDelay, Math.max(0, Math.round(values[i] as number)));
}
