// The fast engine's delayed connections (main/engine/delays.ts has the model): the delayed
// row adds of the forward pass, the delayed weight gradient, the gradient to the source's
// spikes, the recurrent adjoint term, and the learnable kernel with its delay gradient. JS
// loops on the engine's arrays, float32 or float64 as the engine runs.
//
// Every mode is one shape: synapse (i, j) keeps R taps, k = lo_ij .. lo_ij + R - 1, with the
// weight taps[i, r, j] (W_ij g_k(d_ij) for learnable delays, W_ij itself with R = 1 for the
// integer ones), and off[i, j] = (lo_ij + shift) N + j, the offset into the target's drive
// rows of the step the spike enters (shift: 1 for NIR's recurrence, else 0). A spike of unit i
// at step n then adds, for every tap r, taps[i, r, :] at drive[(n + r) N + off[i, :]]: event
// driven, R rows per spike. R is the width of the kernel's support, floor(2 c sigma) + 1 taps
// (c = KERNEL_CUTOFF), at most maxDelay + 1: it starts at every tap and falls to 3 as sigma
// shrinks to 0.23, so a learnable connection ends at three row adds per spike and a rounded
// one at one. A fixed delay is a plain row add at n + d (no tables).
//
// Backward, with gD = dL/d drive: the taps' gradient G[i, r, :] += gD[n + r, off[i, :]] over
// the presynaptic spikes (for the integer modes G is dW itself); then dW_ij = sum_r G g_r and
// dL/dd_ij = W_ij sum_r G g_r (k_r - mu_ij) / sigma^2. The gradient to the source's spikes is
// gS[n, i] += sum_r sum_j taps[i, r, j] gD[n + r, off[i, j]], dense over (sample, step, unit).

import { type DelayPlan, delayKey, delayWidthKey, isDelayed, KERNEL_CUTOFF } from '../delays';
import type { FloatArray } from '../loss';
import type { ConnectionPlan, WeightSet } from '../plan';

type FloatCtor = Float32ArrayConstructor | Float64ArrayConstructor;

interface Spikes {
  offsets: Int32Array;
  units: Int32Array;
}

/** The kernel of one synapse at position d: writes g (length R) and returns lo, its first tap. */
export function kernelTaps(d: number, sigma: number, maxDelay: number, R: number, g: Float64Array): number {
  if (sigma <= 0 || R === 1) {
    // The rounded kernel: one tap.
    g[0] = 1;
    return Math.min(maxDelay, Math.max(0, Math.round(d)));
  }
  const h = KERNEL_CUTOFF * sigma;
  const lo = Math.max(0, Math.min(Math.ceil(d - h), maxDelay + 1 - R));
  let sum = 0;
  for (let r = 0; r < R; r++) {
    const k = lo + r;
    const x = k - d;
    const e = k <= maxDelay && Math.abs(x) <= h ? Math.exp((-x * x) / (2 * sigma * sigma)) : 0;
    g[r] = e;
    sum += e;
  }
  for (let r = 0; r < R; r++) g[r] = (g[r] as number) / sum;
  return lo;
}

/** Taps a kernel of width sigma keeps per synapse. */
export function kernelWidthTaps(sigma: number, maxDelay: number): number {
  if (sigma <= 0) return 1;
  return Math.max(1, Math.min(maxDelay + 1, Math.floor(2 * KERNEL_CUTOFF * sigma) + 1));
}

export class DelayedConnection {
  readonly delay: DelayPlan;
  readonly M: number;
  readonly N: number;
  /** Steps between a spike and the drive it enters without a delay: 1 for NIR's recurrence. */
  readonly shift: number;
  /** Rows past the T steps of the drive that the forward may write: shift + the largest delay. */
  readonly span: number;
  /** Taps per synapse in the current tables. */
  R = 1;
  /** The kernel width of the current tables (learnable; 0: rounded). */
  sigma = 0;
  private readonly off: Int32Array;
  private taps: FloatArray | null = null;
  private tapGrad: FloatArray | null = null;
  private W: FloatArray | null = null;
  private D: FloatArray | null = null;
  private readonly g: Float64Array;

  constructor(
    readonly conn: ConnectionPlan,
    nir: boolean,
    private readonly F: FloatCtor,
  ) {
    this.delay = conn.delay;
    this.M = conn.sourceUnits;
    this.N = conn.targetUnits;
    this.shift = conn.recurrent && nir ? 1 : 0;
    const d = conn.delay;
    this.span = this.shift + (d.mode === 'fixed' ? d.steps : d.mode === 'none' ? 0 : d.max);
    this.off = new Int32Array(d.mode === 'per-synapse' || d.mode === 'learnable' ? this.M * this.N : 0);
    this.g = new Float64Array(d.max + 1);
  }

  get fixed(): boolean {
    return this.delay.mode === 'fixed';
  }

  get learnable(): boolean {
    return this.delay.mode === 'learnable';
  }

  /** Builds this batch's tables from the weights, the delays and the kernel width. */
  prepare(weights: WeightSet<FloatArray>) {
    const { M, N } = this;
    const W = weights[this.conn.id];
    if (W?.length !== M * N) throw new Error(`No weights for connection '${this.conn.id}'.`);
    this.W = W;
    if (this.fixed) return;
    const D = weights[delayKey(this.conn.id)];
    if (D?.length !== M * N) throw new Error(`No delays for connection '${this.conn.id}'.`);
    this.D = D;
    const max = this.delay.max;
    this.sigma = this.learnable ? (weights[delayWidthKey(this.conn.id)]?.[0] ?? 0) : 0;
    if (!(this.sigma >= 0) || !Number.isFinite(this.sigma))
      throw new Error(`The delay kernel width of connection '${this.conn.id}' must be a number >= 0.`);
    const R = kernelWidthTaps(this.sigma, max);
    this.R = R;
    const g = this.g;
    const taps = R === 1 && !this.learnable ? null : new this.F(M * R * N);
    for (let i = 0; i < M; i++)
      for (let j = 0; j < N; j++) {
        const s = i * N + j;
        const lo = kernelTaps(D[s] as number, this.sigma, max, R, g);
        this.off[s] = (lo + this.shift) * N + j;
        if (taps) for (let r = 0; r < R; r++) taps[(i * R + r) * N + j] = (W[s] as number) * (g[r] as number);
      }
    this.taps = taps;
    this.tapGrad = null;
  }

  /**
   * Sample b's spikes into its drive rows (length (T + span) N; rows past T are scratch): the
   * forward of a feed-forward connection.
   */
  addSample(drive: FloatArray, spikes: Spikes, b: number, T: number) {
    const { offsets, units } = spikes;
    for (let n = 0; n < T; n++)
      this.addSpikes(drive, n, units, offsets[b * T + n] as number, offsets[b * T + n + 1] as number);
  }

  /** The spikes units[start..end) of step n into the drive rows (recurrence: one step at a time). */
  addSpikes(drive: FloatArray, n: number, units: Int32Array, start: number, end: number) {
    const { N } = this;
    const W = this.W as FloatArray;
    if (this.fixed) {
      const d = (n + this.shift + this.delay.steps) * N;
      for (let e = start; e < end; e++) {
        const row = (units[e] as number) * N;
        for (let j = 0; j < N; j++) drive[d + j] = (drive[d + j] as number) + (W[row + j] as number);
      }
      return;
    }
    const taps = this.taps ?? W;
    for (let e = start; e < end; e++) this.spikeTaps(units[e] as number, n, taps, drive, 0, 0, true);
  }

  /**
   * The taps of one spike of unit i at step n: for each tap r and target j, a = (n + r) N +
   * off[i, j] is the drive row entry it enters. Forward: drive[a] += taps[i, r, j]. Backward:
   * G[i, r, j] += gD[sb + a] for a < limit (taps past the trial's end carry nothing).
   */
  private spikeTaps(
    i: number,
    n: number,
    tapsOrG: FloatArray,
    x: FloatArray,
    sb: number,
    limit: number,
    forward: boolean,
  ) {
    const { N, R, off } = this;
    const o = i * N;
    for (let r = 0; r < R; r++) {
      const base = (n + r) * N;
      const t = (i * R + r) * N;
      if (forward)
        for (let j = 0; j < N; j++) {
          const a = base + (off[o + j] as number);
          x[a] = (x[a] as number) + (tapsOrG[t + j] as number);
        }
      else
        for (let j = 0; j < N; j++) {
          const a = base + (off[o + j] as number);
          if (a < limit) tapsOrG[t + j] = (tapsOrG[t + j] as number) + (x[sb + a] as number);
        }
    }
  }

  /** The first tap of synapse s in the current tables. */
  private lo(s: number): number {
    const j = s % this.N;
    return ((this.off[s] as number) - j) / this.N - this.shift;
  }

  /**
   * The tables as one dense matrix per delay, for the kernels' row adds (per-synapse and
   * learnable): out [K, M, N], K = maxDelay + 1, out[k, i, j] the weight synapse (i, j) gives a
   * spike k steps later (W_ij g_{k - lo}(d_ij), 0 outside its taps). A spike of unit i at step n
   * then adds row i of matrix k at drive row n + k + shift, for every k: dense SIMD row adds
   * instead of a scatter per synapse and tap.
   */
  fillDelayMatrices(out: Float32Array) {
    const { M, N, R } = this;
    const W = this.W as FloatArray;
    const taps = this.taps;
    out.fill(0);
    for (let i = 0; i < M; i++)
      for (let j = 0; j < N; j++) {
        const s = i * N + j;
        const lo = this.lo(s);
        for (let r = 0; r < R; r++)
          out[((lo + r) * M + i) * N + j] = taps ? (taps[(i * R + r) * N + j] as number) : (W[s] as number);
      }
  }

  /**
   * dW and (learnable) dL/dd from the per-delay weight gradients C [K, M, N] the kernels
   * accumulated (C[k, i, j] = sum over spikes of unit i at n of gD_j[n + k + shift]).
   */
  delayMatrixGrads(C: Float32Array, dW: FloatArray, gDelay: FloatArray | null) {
    const { M, N, R } = this;
    if (!this.taps) {
      for (let s = 0; s < M * N; s++)
        dW[s] = (dW[s] as number) + (C[(this.lo(s) * M + Math.floor(s / N)) * N + (s % N)] as number);
      return;
    }
    const G = new this.F(M * R * N);
    for (let i = 0; i < M; i++)
      for (let j = 0; j < N; j++) {
        const lo = this.lo(i * N + j);
        for (let r = 0; r < R; r++) G[(i * R + r) * N + j] = C[((lo + r) * M + i) * N + j] as number;
      }
    this.tapGrad = G;
    this.kernelGrad(dW, gDelay);
  }

  /** dW (and, learnable, dL/dd into gDelay) from the drive gradient gD [B, T, N] over the presynaptic spikes (per-synapse and learnable). */
  weightGrad(dW: FloatArray, gD: FloatArray, spikes: Spikes, B: number, T: number, gDelay: FloatArray | null) {
    const { M, N, R } = this;
    const { offsets, units } = spikes;
    const TN = T * N;
    // A fixed delay is the engine's shifted weight gradient (accumulateWeightGrad with shift = span).
    if (this.fixed) throw new Error('A fixed delay takes the shifted weight gradient of fastEngine.ts.');
    if (this.taps) this.tapGrad = new this.F(M * R * N);
    const G = this.tapGrad ?? dW;
    for (let b = 0; b < B; b++)
      for (let n = 0; n < T; n++)
        for (let e = offsets[b * T + n] as number; e < (offsets[b * T + n + 1] as number); e++)
          this.spikeTaps(units[e] as number, n, G, gD, b * TN, TN, false);
    if (this.taps) this.kernelGrad(dW, gDelay);
  }

  /** dW_ij += sum_r G g_r and dL/dd_ij += W_ij sum_r G g_r (k_r - mu) / sigma^2, from the taps' gradient. */
  private kernelGrad(dW: FloatArray, gDelay: FloatArray | null) {
    const { M, N, R, sigma } = this;
    const G = this.tapGrad as FloatArray;
    const W = this.W as FloatArray;
    const D = this.D as FloatArray;
    const g = this.g;
    const inv = sigma > 0 ? 1 / (sigma * sigma) : 0;
    for (let i = 0; i < M; i++)
      for (let j = 0; j < N; j++) {
        const s = i * N + j;
        const d = D[s] as number;
        const lo = kernelTaps(d, sigma, this.delay.max, R, g);
        let dw = 0;
        let mu = 0;
        for (let r = 0; r < R; r++) {
          const gr = g[r] as number;
          dw += (G[(i * R + r) * N + j] as number) * gr;
          mu += gr * (lo + r);
        }
        dW[s] = (dW[s] as number) + dw;
        if (!gDelay || sigma <= 0) continue;
        let dd = 0;
        for (let r = 0; r < R; r++) dd += (G[(i * R + r) * N + j] as number) * (g[r] as number) * (lo + r - mu);
        gDelay[s] = (gDelay[s] as number) + (W[s] as number) * dd * inv;
      }
    this.tapGrad = null;
  }

  /**
   * The gradient to the source's spikes, gS [B, T, M] (+)= sum over taps of W gD at the
   * delayed rows; rows of gD that are all zero (after the readout's arg-max step) are skipped.
   */
  sourceGrad(gS: FloatArray, gD: FloatArray, B: number, T: number, accumulate: boolean) {
    const { M, N, R } = this;
    if (!accumulate) gS.fill(0, 0, B * T * M);
    const W = this.W as FloatArray;
    const TN = T * N;
    if (this.fixed) {
      const s = this.shift + this.delay.steps;
      for (let b = 0; b < B; b++)
        for (let n = 0; n + s < T; n++) {
          const o = (b * T + n + s) * N;
          if (zeroRow(gD, o, N)) continue;
          const so = (b * T + n) * M;
          for (let i = 0; i < M; i++) {
            let sum = 0;
            const row = i * N;
            for (let j = 0; j < N; j++) sum += (W[row + j] as number) * (gD[o + j] as number);
            gS[so + i] = (gS[so + i] as number) + sum;
          }
        }
      return;
    }
    const off = this.off;
    const taps = this.taps ?? W;
    for (let b = 0; b < B; b++) {
      const sb = b * TN;
      // The last step any tap can read a nonzero gradient from, for skipping the tail.
      let last = T - 1;
      while (last >= 0 && zeroRow(gD, sb + last * N, N)) last--;
      for (let n = 0; n < T; n++) {
        if (n > last) break;
        const so = (b * T + n) * M;
        for (let i = 0; i < M; i++) {
          const o = i * N;
          let sum = 0;
          for (let r = 0; r < R; r++) {
            const base = (n + r) * N;
            const t = (i * R + r) * N;
            for (let j = 0; j < N; j++) {
              const a = base + (off[o + j] as number);
              if (a < TN) sum += (taps[t + j] as number) * (gD[sb + a] as number);
            }
          }
          gS[so + i] = (gS[so + i] as number) + sum;
        }
      }
    }
  }

  /**
   * A delayed recurrence's term of the time-major adjoint at step n: out[b, i] = the gradient
   * to S_i[n] through the recurrence, sum_j V_ij dL/d drive_j[n + shift + d_ij]. gD holds the
   * later steps already; a total shift of 0 (SpyTorch, per-synapse d = 0) reads this step's
   * drive gradient, which is LI (not yet written to gD).
   */
  recurrentGrad(out: FloatArray, LI: FloatArray, gD: FloatArray, n: number, B: number, T: number) {
    const { N } = this;
    const V = this.W as FloatArray;
    const TN = T * N;
    if (this.fixed) {
      const s = n + this.shift + this.delay.steps;
      for (let b = 0; b < B; b++) {
        const o = (b * T + s) * N;
        for (let i = 0; i < N; i++) {
          let sum = 0;
          if (s < T) for (let j = 0; j < N; j++) sum += (V[i * N + j] as number) * (gD[o + j] as number);
          out[b * N + i] = sum;
        }
      }
      return;
    }
    const off = this.off;
    const here = n * N;
    for (let b = 0; b < B; b++) {
      const sb = b * TN;
      for (let i = 0; i < N; i++) {
        const o = i * N;
        let sum = 0;
        for (let j = 0; j < N; j++) {
          const a = here + (off[o + j] as number);
          const g = a === here + j ? (LI[b * N + j] as number) : a < TN ? (gD[sb + a] as number) : 0;
          sum += (V[o + j] as number) * g;
        }
        out[b * N + i] = sum;
      }
    }
  }
}

function zeroRow(a: FloatArray, o: number, N: number): boolean {
  for (let j = 0; j < N; j++) if (a[o + j] !== 0) return false;
  return true;
}

/** The delayed connections of a plan, by id (those with isDelayed). */
export function delayedConnections(
  connections: readonly ConnectionPlan[],
  nir: boolean,
  F: FloatCtor,
): Map<string, DelayedConnection> {
  const out = new Map<string, DelayedConnection>();
  for (const c of connections) if (isDelayed(c.delay)) out.set(c.id, new DelayedConnection(c, nir, F));
  return out;
}
