// The plain-JS loops the WebAssembly kernels replace: fastEngine.ts's own step functions where
// it has them (the LIF steps, the row adds), composed per sample as the kernels are, and
// written out in fastEngine.ts's order of operations where its loop is inline (float64
// arithmetic stored to the arrays' precision). The kernel tests
// check each kernel against these bit for bit (the dense products to float32 rounding), and
// bench/wasm-kernels.ts times the two side by side.

import type { Random } from '../../util/random';
import { addRow, addRows, detectSpikes, lifStep, nirStep, readoutSample, updateState } from '../fast/fastEngine';
import type { FloatArray } from '../loss';
import type { SurrogateFn } from '../surrogate';

/** a[ao + j] += b[bo + j] for j < N: fastEngine.ts's own row add. */
export { addRow };

/** drive[n, :] += w[units[e], :] over sample b's spikes at each step n < T (offsets over (sample, step)). */
export function addSpikeRowsJs(
  drive: FloatArray,
  w: FloatArray,
  N: number,
  T: number,
  b: number,
  units: Int32Array,
  offsets: Int32Array,
) {
  for (let n = 0; n < T; n++) {
    const end = offsets[b * T + n + 1] as number;
    for (let e = offsets[b * T + n] as number; e < end; e++) addRow(drive, n * N, w, (units[e] as number) * N, N);
  }
}

export function accumulateWeightGradJs(
  dW: FloatArray,
  gD: FloatArray,
  units: Int32Array,
  offsets: Int32Array,
  lastActive: Int32Array,
  B: number,
  T: number,
  N: number,
) {
  for (let b = 0; b < B; b++) {
    const stop = lastActive[b] as number;
    for (let n = 0; n <= stop; n++) {
      const o = (b * T + n) * N;
      const end = offsets[b * T + n + 1] as number;
      for (let e = offsets[b * T + n] as number; e < end; e++) addRow(dW, (units[e] as number) * N, gD, o, N);
    }
  }
}

export interface LifJsState {
  U: FloatArray;
  I: FloatArray;
  drive: FloatArray;
  rec: FloatArray | null;
  spiked: Uint8Array;
  units: Int32Array;
  offsets: Int32Array;
  sg: FloatArray | null;
  mem: FloatArray | null;
  pre: FloatArray | null;
}

/**
 * Sample b of a LIF population's forward pass (fastEngine.ts's forward, LIF branch): the
 * fused lifStep without recurrence, detectSpikes + row adds + updateState with it. Returns
 * the cursor; offsets[b * T + n + 1] is set for each step.
 */
export function lifForwardJs(
  s: LifJsState,
  N: number,
  T: number,
  b: number,
  cursor: number,
  alpha: number,
  beta: number,
  c: number,
  theta: number,
  zero: boolean,
  nir = false,
): number {
  const { U, I, drive, rec, spiked, units, offsets, sg: sgOut, mem, pre } = s;
  U.fill(0);
  I.fill(0);
  for (let n = 0; n < T; n++) {
    const base = (b * T + n) * N;
    const d = n * N;
    const first = cursor;
    if (nir) {
      // nirStep, then the recurrent rows into the next step's drive.
      cursor = nirStep(U, I, N, drive, d, spiked, base, units, cursor, alpha, beta, c, theta, zero, sgOut, pre, mem);
      if (rec && n + 1 < T) addRows(drive, d + N, rec, N, units, first, cursor);
    } else if (rec) {
      cursor = detectSpikes(U, N, theta, spiked, base, units, cursor, sgOut, mem);
      addRows(drive, d, rec, N, units, first, cursor);
      updateState(U, I, N, drive, d, spiked, base, alpha, beta, c, theta, zero, pre);
    } else {
      cursor = lifStep(U, I, N, drive, d, spiked, base, units, cursor, alpha, beta, c, theta, zero, sgOut, pre, mem);
    }
    offsets[b * T + n + 1] = cursor;
  }
  return cursor;
}

/** Sample b of a readout's forward pass: fastEngine.ts's readoutSample. */
export { readoutSample as readoutForwardJs };

export interface AdjointJsArrays {
  gD: FloatArray;
  gS: FloatArray;
  gCount: Float64Array | null;
  pre: FloatArray | null;
  um: FloatArray;
  spiked: Uint8Array;
}

export interface AdjointJsConstants {
  theta: number;
  alpha: number;
  beta: number;
  c: number;
  zero: boolean;
  differentiated: boolean;
  sg: SurrogateFn;
  /** NIR's adjoint (li' takes the new lu; the subtractive reset's term is beta theta). */
  nir?: boolean;
}

/**
 * One (sample, step) row of the adjoint recursion, fastEngine.ts's general loop: lu, li at
 * `so`, the [B, T, N] arrays at `base`, gCount at `co`, recG (recurrent) at `so` or null.
 */
export function adjointRowJs(
  lu: FloatArray,
  li: FloatArray,
  so: number,
  a: AdjointJsArrays,
  base: number,
  co: number,
  recG: FloatArray | null,
  N: number,
  k: AdjointJsConstants,
) {
  const { gD, gS, gCount, pre, um, spiked } = a;
  const { theta, alpha, beta, c, zero, differentiated, sg } = k;
  for (let j = 0; j < N; j++) {
    const s = spiked[base + j] as number;
    const u = lu[so + j] as number;
    const l = li[so + j] as number;
    gD[base + j] = l;
    let g = gS[base + j] as number;
    if (recG) g += recG[so + j] as number;
    if (gCount) g += gCount[co + j] as number;
    const thetaR = k.nir ? beta * theta : theta;
    if (differentiated) g -= zero ? u * ((pre as FloatArray)[base + j] as number) : u * thetaR;
    const keep = zero ? 1 - s : 1;
    const nu = g * sg((um[base + j] as number) - theta) + beta * keep * u;
    lu[so + j] = nu;
    li[so + j] = alpha * l + c * (k.nir ? nu : keep * u);
  }
}

/** fastEngine.ts's lifAdjointStep: zero reset, detached, no recurrence, no count terms. */
export function adjointRowPlainJs(
  lu: FloatArray,
  li: FloatArray,
  a: AdjointJsArrays,
  base: number,
  N: number,
  k: AdjointJsConstants,
) {
  const { gD, gS, um, spiked } = a;
  const { theta, alpha, beta, c, sg } = k;
  for (let j = 0; j < N; j++) {
    const u = lu[j] as number;
    const l = li[j] as number;
    gD[base + j] = l;
    const keepU = spiked[base + j] ? 0 : u;
    const nu = (gS[base + j] as number) * sg((um[base + j] as number) - theta) + beta * keepU;
    lu[j] = nu;
    li[j] = alpha * l + c * (k.nir ? nu : keepU);
  }
}

/** Sample b of a feed-forward LIF population's adjoint recursion, n = last..0. */
export function adjointSampleJs(
  lu: FloatArray,
  li: FloatArray,
  a: AdjointJsArrays,
  b: number,
  last: number,
  T: number,
  N: number,
  k: AdjointJsConstants,
) {
  lu.fill(0);
  li.fill(0);
  for (let n = last; n >= 0; n--) {
    const base = (b * T + n) * N;
    if (!k.differentiated && !a.gCount && k.zero) adjointRowPlainJs(lu, li, a, base, N, k);
    else adjointRowJs(lu, li, 0, a, base, b * N, null, N, k);
  }
}

/** out[b, j] = sum_k li[b, k] Vt[k, j] (fast/products.ts's RecurrentProduct in JS). */
export function recurrentProductJs(out: FloatArray, li: FloatArray, Vt: FloatArray, B: number, N: number) {
  out.fill(0);
  for (let b = 0; b < B; b++) {
    const o = b * N;
    for (let k = 0; k < N; k++) {
      const l = li[o + k] as number;
      if (l === 0) continue;
      const r = k * N;
      for (let j = 0; j < N; j++) out[o + j] = (out[o + j] as number) + (Vt[r + j] as number) * l;
    }
  }
}

/** Test and benchmark data: n normal(mean, std) values, a share `zeros` of them 0. */
export function randomF32(rng: Random, n: number, mean = 0, std = 1, zeros = 0): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform() < zeros ? 0 : rng.normal(mean, std);
  return a;
}

/** Test and benchmark data: CSR spikes over `rows` (sample, step) rows of `units` units, each cell spiking with `rate`. */
export function randomSpikes(rng: Random, rows: number, units: number, rate: number) {
  const offsets = new Int32Array(rows + 1);
  const list: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < units; i++) if (rng.uniform() < rate) list.push(i);
    offsets[r + 1] = list.length;
  }
  return { offsets, units: Int32Array.from(list) };
}
