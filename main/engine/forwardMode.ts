// An independent float64 oracle for the fast engine's gradients: forward-mode directional
// derivatives. The network is run once more here, densely, carrying beside every state
// value its tangent along a random direction D in parameter space (weights, bias currents,
// delay positions and per-neuron parameters; dual numbers), under both discretisations
// (SpyTorch's and NIR's forward Euler). The spike's tangent is the surrogate derivative
// times the tangent of the membrane minus the threshold; a detached reset has none. The
// result, dL/de of L(W + e D) at e = 0, must equal sum_i grad_i D_i from the fast engine's
// reverse sweep (float64) to a relative 1e-9 of itself: no floor, no largest-gradient scale.
// This shares no code with the engine beyond the compiled plan's constants (alpha, beta, c,
// theta, topology) and the spike-batch data; the surrogates, losses and the per-neuron
// parameterisation (a decay is the sigmoid of its logit) are written out again below
// (docs/model.md has the equations). Used by the forwardMode*.test.ts files; not by the app.
import { expect } from 'vitest';
import type { DiscretisationName, SurrogateName } from '../../shared/graph/kinds';
import { LOSSES, SURROGATES } from '../../shared/graph/kinds';
import type { SpikeBatch } from '../data/types';
import { Random } from '../util/random';
import { delayKey, delayWidthKey, initDelays } from './delays';
import { FastEngine } from './fast/fastEngine';
import { initWeights } from './init';
import { type ConnectionPlan, compilePlan, type Plan, type PopulationPlan } from './plan';
import { buildGraph, type NetSpec, randomBatch } from './testing';

function surrogateDerivative(name: SurrogateName, s: number): (x: number) => number {
  switch (name) {
    case 'fast-sigmoid':
      return (x) => 1 / (s * Math.abs(x) + 1) ** 2;
    case 'sigmoid':
      return (x) => {
        const g = 1 / (1 + Math.exp(-s * x));
        return 4 * g * (1 - g);
      };
    case 'piecewise-linear':
      return (x) => Math.max(0, 1 - s * Math.abs(x));
    case 'exponential':
      return (x) => Math.exp(-s * Math.abs(x));
    case 'arctan':
      return (x) => 1 / (1 + ((Math.PI * s * x) / 2) ** 2);
  }
}

export type Weights = Record<string, Float64Array>;

/** Loss of the batch and its derivative along D, in forward mode. */
function directional(plan: Plan, batch: SpikeBatch, W: Weights, D: Weights): { loss: number; dLoss: number } {
  const B = batch.batchSize;
  const T = plan.timeSteps;
  const full = surrogateDerivative(plan.training.surrogate, plan.training.surrogateScale);
  const { sparseBackward, sparseWindow } = plan.training;
  // Sparse backward (Perez-Nieves & Goodman 2021): no surrogate outside |x| < window.
  const sg = sparseBackward ? (x: number) => (Math.abs(x) < sparseWindow ? full(x) : 0) : full;
  const nir = plan.discretisation === 'nir';
  let loss = 0;
  let dLoss = 0;
  for (let b = 0; b < B; b++) {
    // Per population: spikes S[n][j] and tangents dS (input: data, no tangent); readout: trace.
    const S: Float64Array[] = [];
    const dS: Float64Array[] = [];
    const Y: Float64Array[] = [];
    const dY: Float64Array[] = [];
    const input = new Float64Array(T * plan.inputUnits);
    for (let n = 0; n < T; n++)
      for (let e = batch.offsets[b * T + n] as number; e < (batch.offsets[b * T + n + 1] as number); e++)
        input[n * plan.inputUnits + (batch.units[e] as number)] = 1;
    S[0] = input;
    dS[0] = new Float64Array(input.length);
    for (const p of plan.populations) {
      if (p.kind === 'input') continue;
      const N = p.size;
      const s = new Float64Array(T * N);
      const ds = new Float64Array(T * N);
      const y = new Float64Array((T + 1) * N);
      const dy = new Float64Array((T + 1) * N);
      let U = new Float64Array(N);
      let dU = new Float64Array(N);
      let I = new Float64Array(N);
      let dI = new Float64Array(N);
      // The population's constants per neuron, with their tangents (zero unless per-neuron).
      const k = constantsOf(p, W, D);
      // adLIF: the adaptation current A (the one the membrane update of step n reads) and the
      // coupling P = a R + b S of the previous step, with tangents.
      const ad = p.adaptation;
      let A = new Float64Array(N);
      let dA = new Float64Array(N);
      let Pprev = new Float64Array(N);
      let dPprev = new Float64Array(N);
      const bias = p.bias ? (W[p.id] as Float64Array) : null;
      const dBias = p.bias ? (D[p.id] as Float64Array) : null;
      for (let n = 0; n < T; n++) {
        if (p.kind === 'lif')
          for (let j = 0; j < N; j++) {
            const x = (U[j] as number) - (k.th[j] as number);
            s[n * N + j] = x > 0 ? 1 : 0;
            ds[n * N + j] = sg(x) * ((dU[j] as number) - (k.dth[j] as number));
          }
        // drive[n] = sum_in W^T S_in[n] + V^T S[n] (SpyTorch) or V^T S[n-1] (NIR) + b, and its
        // tangent (product rule).
        const drive = bias ? Float64Array.from(bias) : new Float64Array(N);
        const dDrive = dBias ? Float64Array.from(dBias) : new Float64Array(N);
        const conns = p.recurrent ? [...p.incoming, p.recurrent] : p.incoming;
        for (const conn of conns) {
          const src = conn.recurrent ? s : (S[conn.source] as Float64Array);
          const dsrc = conn.recurrent ? ds : (dS[conn.source] as Float64Array);
          connectionDrive(conn, n, conn.recurrent && nir ? 1 : 0, W, D, src, dsrc, drive, dDrive);
        }
        const nU = new Float64Array(N);
        const ndU = new Float64Array(N);
        const nI = new Float64Array(N);
        const ndI = new Float64Array(N);
        // The membrane after the reset, R = U (1 - S) or U - theta S, and its tangent.
        const reset = (j: number): [number, number] => {
          const sj = s[n * N + j] as number;
          const dsReset = p.detachReset ? 0 : (ds[n * N + j] as number);
          const u = U[j] as number;
          const du = dU[j] as number;
          const th = k.th[j] as number;
          return p.reset === 'zero'
            ? [u * (1 - sj), du * (1 - sj) - u * dsReset]
            : [u - th * sj, du - th * dsReset - (k.dth[j] as number) * sj];
        };
        // A[n] = gamma A[n-1] + (1 - gamma) q P[n] (symplectic) or P[n-1] (forward Euler),
        // P[n] = a R[n] + b S[n], R the membrane after the reset.
        const w = new Float64Array(N);
        const dw = new Float64Array(N);
        if (ad) {
          const nP = new Float64Array(N);
          const ndP = new Float64Array(N);
          for (let j = 0; j < N; j++) {
            const sj = s[n * N + j] as number;
            const dsj = ds[n * N + j] as number;
            const [r, dr] = reset(j);
            const a = k.a[j] as number;
            const b = k.b[j] as number;
            nP[j] = a * r + b * sj;
            ndP[j] = a * dr + (k.da[j] as number) * r + b * dsj + (k.db[j] as number) * sj;
            const from = (ad.symplectic ? nP : Pprev)[j] as number;
            const dfrom = (ad.symplectic ? ndP : dPprev)[j] as number;
            const g = k.ga[j] as number;
            const kk = k.k[j] as number;
            w[j] = g * (A[j] as number) + kk * from;
            dw[j] =
              g * (dA[j] as number) + (k.dga[j] as number) * (A[j] as number) + kk * dfrom + (k.dk[j] as number) * from;
          }
          A = w;
          dA = dw;
          Pprev = nP;
          dPprev = ndP;
        }
        for (let j = 0; j < N; j++) {
          const al = k.al[j] as number;
          const be = k.be[j] as number;
          const c = k.c[j] as number;
          const dbe = k.dbe[j] as number;
          const dc = k.dc[j] as number;
          nI[j] = al * (I[j] as number) + (drive[j] as number);
          ndI[j] = al * (dI[j] as number) + (k.dal[j] as number) * (I[j] as number) + (dDrive[j] as number);
          if (nir && p.kind === 'lif') {
            // NIR's reference loop: the spike was read from P[n] = U; reset to v_reset = 0 or
            // subtract theta; the next membrane takes the current just updated (its I_last
            // at step n+1).
            const [v, dv] = reset(j);
            const x = (nI[j] as number) - (w[j] as number);
            nU[j] = be * v + c * x;
            ndU[j] = be * dv + dbe * v + c * ((ndI[j] as number) - (dw[j] as number)) + dc * x;
            continue;
          }
          // SpyTorch's order, and the readout under both: U[n+1] from I[n].
          const x = (I[j] as number) - (w[j] as number);
          const v = be * (U[j] as number) + c * x;
          const dv =
            be * (dU[j] as number) + dbe * (U[j] as number) + c * ((dI[j] as number) - (dw[j] as number)) + dc * x;
          if (p.kind === 'readout') {
            nU[j] = v;
            ndU[j] = dv;
            continue;
          }
          const sj = s[n * N + j] as number;
          const dsReset = p.detachReset ? 0 : (ds[n * N + j] as number);
          if (p.reset === 'zero') {
            nU[j] = v * (1 - sj);
            ndU[j] = dv * (1 - sj) - v * dsReset;
          } else {
            const th = k.th[j] as number;
            nU[j] = v - th * sj;
            ndU[j] = dv - th * dsReset - (k.dth[j] as number) * sj;
          }
        }
        U = nU;
        dU = ndU;
        I = nI;
        dI = ndI;
        if (p.kind === 'readout') {
          y.set(U, (n + 1) * N);
          dy.set(dU, (n + 1) * N);
        }
      }
      S[p.index] = s;
      dS[p.index] = ds;
      Y[p.index] = y;
      dY[p.index] = dy;
    }
    const counts = (pop: number) => {
      const N = plan.populations[pop]?.size as number;
      const z = new Float64Array(N);
      const dz = new Float64Array(N);
      const s = S[pop] as Float64Array;
      const ds = dS[pop] as Float64Array;
      for (let n = 0; n < T; n++)
        for (let j = 0; j < N; j++) {
          z[j] = (z[j] as number) + (s[n * N + j] as number);
          dz[j] = (dz[j] as number) + (ds[n * N + j] as number);
        }
      return { z, dz, N };
    };
    const label = batch.labels[b] as number;
    const lp = plan.loss;
    if (lp.kind === 'spike-count-mse') {
      const { z, dz, N } = counts(lp.population);
      for (let k = 0; k < N; k++) {
        const d = (z[k] as number) - (k === label ? lp.targetCountCorrect : lp.targetCountWrong);
        loss += (d * d) / N;
        dLoss += (2 * d * (dz[k] as number)) / N;
      }
    } else {
      const y = Y[lp.population] as Float64Array;
      const dy = dY[lp.population] as Float64Array;
      const K = plan.populations[lp.population]?.size as number;
      const score = new Float64Array(K);
      const dScore = new Float64Array(K);
      for (let k = 0; k < K; k++) {
        if (lp.kind === 'max-over-time') {
          let at = 0;
          for (let n = 1; n <= T; n++) if ((y[n * K + k] as number) > (y[at * K + k] as number)) at = n;
          score[k] = y[at * K + k] as number;
          dScore[k] = dy[at * K + k] as number;
        } else if (lp.kind === 'sum-over-time') {
          for (let n = 1; n <= T; n++) {
            score[k] = (score[k] as number) + (y[n * K + k] as number) / T;
            dScore[k] = (dScore[k] as number) + (dy[n * K + k] as number) / T;
          }
        } else {
          score[k] = y[T * K + k] as number;
          dScore[k] = dy[T * K + k] as number;
        }
      }
      const max = Math.max(...score);
      const lse = max + Math.log(score.reduce((a, v) => a + Math.exp(v - max), 0));
      loss += lse - (score[label] as number);
      // p_label - 1 = -(the other classes' p), without the cancellation near p_label = 1.
      let others = 0;
      for (let k = 0; k < K; k++) {
        if (k === label) continue;
        const p = Math.exp((score[k] as number) - lse);
        others += p;
        dLoss += p * (dScore[k] as number);
      }
      dLoss -= others * (dScore[label] as number);
    }
    for (const r of plan.regularizers) {
      const { z, dz, N } = counts(r.population);
      if (r.bound === 'lower') {
        for (let j = 0; j < N; j++) {
          const d = r.target - (z[j] as number);
          if (d <= 0) continue;
          loss += (r.strength * d * d) / N;
          dLoss += (-2 * r.strength * d * (dz[j] as number)) / N;
        }
      } else {
        const mean = z.reduce((a, v) => a + v, 0) / N;
        const dMean = dz.reduce((a, v) => a + v, 0) / N;
        const excess = mean - r.target;
        if (excess <= 0) continue;
        loss += r.power === 1 ? r.strength * excess : r.strength * excess * excess;
        dLoss += (r.power === 1 ? r.strength : 2 * r.strength * excess) * dMean;
      }
    }
  }
  return { loss: loss / B, dLoss: dLoss / B };
}

/**
 * A population's constants per neuron and their tangents along D: the plan's numbers (tangent
 * 0), or per-neuron values from W under `${id}.${name}` (a time constant as the logit z of its
 * decay d = 1 / (1 + e^-z), dd = d (1 - d) dz; c = 1 - beta with scaleInput; k = (1 - gamma) q).
 */
function constantsOf(p: PopulationPlan, W: Weights, D: Weights) {
  const N = p.size;
  const ad = p.adaptation;
  const field = (name: string, plain: number, decay: boolean): [Float64Array, Float64Array] => {
    const v = new Float64Array(N).fill(plain);
    const dv = new Float64Array(N);
    if (!p.perNeuron?.names.includes(name as never)) return [v, dv];
    const z = W[`${p.id}.${name}`] as Float64Array;
    const dz = D[`${p.id}.${name}`] as Float64Array;
    for (let j = 0; j < N; j++) {
      const x = z[j] as number;
      const d = decay ? 1 / (1 + Math.exp(-x)) : x;
      v[j] = d;
      dv[j] = (decay ? d * (1 - d) : 1) * (dz[j] as number);
    }
    return [v, dv];
  };
  const [al, dal] = field('tauSyn', p.alpha, true);
  const [be, dbe] = field('tauMem', p.beta, true);
  const [th, dth] = field('threshold', p.threshold, false);
  const [ga, dga] = field('tauAdapt', ad?.gamma ?? 0, true);
  const [a, da] = field('adaptA', ad?.a ?? 0, false);
  const [b, db] = field('adaptB', ad?.b ?? 0, false);
  const scaled = p.perNeuron?.scaleInput ?? false;
  const c = be.map((x) => (scaled ? 1 - x : p.inputScale));
  const dc = dbe.map((x) => (scaled ? -x : 0));
  const q = ad?.q ?? 0;
  const k = ga.map((g) => (1 - g) * q);
  const dk = dga.map((g) => -g * q);
  return { al, dal, be, dbe, c, dc, th, dth, ga, dga, a, da, b, db, k, dk };
}

/**
 * The drive a connection adds at step n, and its tangent: sum_i sum_k W_ij g_k(d_ij) S_i[n - base - k]
 * (base 1 for NIR's recurrence). Integer delays are one tap of weight 1; learnable ones the
 * normalised Gaussian over the taps within 5.68 sigma of d (docs/model.md), whose derivative
 * along the delay is taken here by the quotient rule.
 */
function connectionDrive(
  conn: ConnectionPlan,
  n: number,
  base: number,
  W: Weights,
  D: Weights,
  src: Float64Array,
  dsrc: Float64Array,
  drive: Float64Array,
  dDrive: Float64Array,
) {
  const w = W[conn.id] as Float64Array;
  const dw = D[conn.id] as Float64Array;
  const M = conn.sourceUnits;
  const N = conn.targetUnits;
  const mode = conn.delay.mode;
  const pos = W[`${conn.id}.delay`];
  const dpos = D[`${conn.id}.delay`];
  const sigma = W[`${conn.id}.delayWidth`]?.[0] ?? 0;
  for (let i = 0; i < M; i++)
    for (let j = 0; j < N; j++) {
      const x = i * N + j;
      // [tap, weight, d weight / d delay]
      let taps: [number, number, number][];
      if (mode === 'none') taps = [[0, 1, 0]];
      else if (mode === 'fixed') taps = [[conn.delay.steps, 1, 0]];
      else if (mode === 'per-synapse' || sigma === 0) taps = [[Math.round(pos?.[x] as number), 1, 0]];
      else {
        const d = pos?.[x] as number;
        const cut = Math.sqrt(2 * Math.log(1e7)) * sigma;
        const e: [number, number, number][] = [];
        for (let k = 0; k <= conn.delay.max; k++)
          if (Math.abs(k - d) <= cut) {
            const v = Math.exp(-((k - d) ** 2) / (2 * sigma * sigma));
            e.push([k, v, (v * (k - d)) / (sigma * sigma)]);
          }
        const sum = e.reduce((a, t) => a + t[1], 0);
        const dsum = e.reduce((a, t) => a + t[2], 0);
        taps = e.map(([k, v, dv]) => [k, v / sum, (dv * sum - v * dsum) / (sum * sum)]);
      }
      const wx = w[x] as number;
      const dwx = dw[x] as number;
      const dd = dpos?.[x] ?? 0;
      for (const [k, g, dg] of taps) {
        const at = n - base - k;
        if (at < 0) continue;
        const si = src[at * M + i] as number;
        const dsi = dsrc[at * M + i] as number;
        if (si === 0 && dsi === 0) continue;
        drive[j] = (drive[j] as number) + wx * g * si;
        dDrive[j] = (dDrive[j] as number) + dwx * g * si + wx * g * dsi + wx * dg * dd * si;
      }
    }
}

export function randomSpec(rng: Random, i: number, discretisation: DiscretisationName = 'spytorch'): NetSpec {
  // Biases are drawn from a stream of their own, so the graphs are the same under both
  // discretisations and as before biases existed.
  const extra = new Random(7919 * (i + 1));
  const pick = <T>(xs: readonly T[]): T => xs[rng.int(xs.length)] as T;
  const loss = LOSSES[i % LOSSES.length] as (typeof LOSSES)[number];
  const surrogate = SURROGATES[Math.floor(i / LOSSES.length) % SURROGATES.length] as (typeof SURROGATES)[number];
  const classes = 2 + rng.int(3);
  const depth = 1 + (i % 3 === 2 ? 1 : rng.int(2));
  const hidden = Array.from({ length: depth }, (_, d) => ({
    size: d === depth - 1 && loss === 'spike-count-mse' ? classes : 3 + rng.int(8),
    reset: pick(['zero', 'subtract'] as const),
    detachReset: i % 2 === 0 ? rng.uniform() < 0.3 : rng.uniform() < 0.7,
    scaleInput: rng.uniform() < 0.3,
    recurrent: i % 4 < 2 || rng.uniform() < 0.4,
    tauMem: pick([5, 10, 20]),
    tauSyn: pick([2, 5, 10]),
    bias: extra.uniform() < 0.5,
  }));
  const scaleInput = hidden.some((h) => h.scaleInput);
  return {
    inputs: 4 + rng.int(10),
    classes,
    timeSteps: 15 + rng.int(20),
    hidden,
    readout: { scaleInput: rng.uniform() < 0.3, tauMem: pick([5, 10, 20]), bias: extra.uniform() < 0.5 },
    loss: { loss, targetCountCorrect: 3, targetCountWrong: 1 },
    regularizers:
      rng.uniform() < 0.5
        ? [
            { bound: 'lower', strength: 0.5, target: 2 },
            { bound: 'upper', strength: 0.1, target: 0.5, power: pick(['l1', 'l2'] as const) },
          ]
        : [],
    // The examples train at 20 (fast sigmoid, Randman) and 100 (Fashion-MNIST, SHD).
    training: { surrogate, surrogateScale: [1, 5, 20, 50, 100][i % 5] as number, discretisation },
    skip: rng.uniform() < 0.3 && loss !== 'spike-count-mse',
    init: { init: 'normal', scale: scaleInput ? 20 : 3 },
  };
}

export function gaussian(rng: Random, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++)
    out[i] = Math.sqrt(-2 * Math.log(1 - rng.uniform())) * Math.cos(2 * Math.PI * rng.uniform());
  return out;
}

export const CASES = 48;

/** What the random graphs must cover: depth, recurrence, and every reset differentiated or not. */
export const STRUCTURES = [
  'layers1',
  'layers2',
  'recurrent',
  'recurrent-two-layer',
  'zero-detached',
  'zero-differentiated',
  'subtract-detached',
  'subtract-differentiated',
];

/** Each direction's forward and reverse derivatives agree to 1e-9 of the derivative. */
export function expectAgreement(results: ReturnType<typeof check>, spec: NetSpec) {
  for (const r of results) {
    // Exactly zero where no surrogate reaches (piecewise-linear at scale 50 has support
    // |x| < 0.02) or no spike path leads to the loss: then the engine must say 0 too.
    if (r.forward === 0) {
      expect(r.reverse, `${r.id} in ${JSON.stringify(spec)}`).toBe(0);
      continue;
    }
    expect(r.error, `${r.id} (forward ${r.forward}, reverse ${r.reverse}) in ${JSON.stringify(spec)}`).toBeLessThan(
      1e-9,
    );
  }
}

export function check(
  spec: NetSpec,
  seed: number,
  keep?: { grads: Record<string, Float64Array> },
  delayWidth = 0,
  samples = 3,
) {
  const plan = compilePlan(buildGraph(spec));
  const W: Weights = {};
  for (const [k, v] of Object.entries(initWeights(plan, seed))) W[k] = Float64Array.from(v);
  // Per-synapse delays and learnable positions as the trainer draws them; the kernel's width.
  for (const [k, v] of Object.entries(initDelays(plan.connections, seed))) W[k] = Float64Array.from(v);
  for (const c of plan.connections)
    if (c.delay.mode === 'learnable') W[delayWidthKey(c.id)] = Float64Array.of(delayWidth);
  // Biases start at 0; trained ones are not: give them values of the size that matters.
  const biasRng = new Random(seed + 31);
  for (const p of plan.populations) if (p.bias) W[p.id] = gaussian(biasRng, p.size).map((v) => 0.2 * v);
  const batch = randomBatch(new Random(seed + 1000), samples, spec.timeSteps, spec.inputs, spec.classes, 0.15);
  const fast = new FastEngine(plan, { precision: 'float64', matmul: 'js' }).gradients(batch, W);
  if (keep) keep.grads = fast.grads as Record<string, Float64Array>;
  const rng = new Random(seed + 77);
  const results: { id: string; forward: number; reverse: number; error: number }[] = [];
  // Parameters the loss depends on: weights, then biases (by population id).
  const trainable = [
    ...plan.connections.filter((c) => c.trainable).map((c) => c.id),
    ...plan.populations.filter((p) => p.bias && p.inLoss).map((p) => p.id),
    ...plan.connections.filter((c) => c.trainable && c.delay.mode === 'learnable').map((c) => delayKey(c.id)),
    ...plan.populations.filter((p) => p.inLoss).flatMap((p) => (p.perNeuron?.learned ?? []).map((n) => `${p.id}.${n}`)),
  ];
  expect(Object.keys(fast.grads).sort()).toEqual([...trainable].sort());
  // One direction per parameter tensor (its gradient alone), and one through all of them at once.
  const directions: [string, Weights][] = [
    ...trainable.map((id): [string, Weights] => [id, { [id]: gaussian(rng, W[id]?.length ?? 0) }]),
    ['all', Object.fromEntries(trainable.map((id) => [id, gaussian(rng, W[id]?.length ?? 0)]))],
  ];
  for (const [id, partial] of directions) {
    const D: Weights = {};
    for (const k of Object.keys(W)) D[k] = partial[k] ?? new Float64Array(W[k]?.length ?? 0);
    const { loss, dLoss } = directional(plan, batch, W, D);
    expect(Math.abs(loss - fast.loss)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(loss)));
    let reverse = 0;
    for (const k of trainable) {
      const g = fast.grads[k] as Float64Array;
      const d = D[k] as Float64Array;
      for (let k = 0; k < g.length; k++) reverse += (g[k] as number) * (d[k] as number);
    }
    results.push({ id, forward: dLoss, reverse, error: Math.abs(dLoss - reverse) / Math.abs(dLoss) });
  }
  return results;
}
