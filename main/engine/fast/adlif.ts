// adLIF populations in the fast engine (docs/model.md "Adaptive LIF"): the forward and the
// adjoint of one sample, JS loops in float32 or float64 (the WebAssembly kernels run plain
// LIF only). With R[n] the membrane after the reset (U[n] (1 - S[n]) or U[n] - theta S[n]),
// P[n] = a R[n] + b S[n] and k = (1 - gamma) q:
//   W[n]   = gamma W[n-1] + k P[n]          symplectic Euler (the new membrane)
//   W[n]   = gamma W[n-1] + k P[n-1]        forward Euler (the previous one)
// and the membrane update of plan.ts with c (I - W[n]) in place of c I.
//
// Adjoint, from n = last down to 0, per unit (lu = dL/dU[n+1], li as LIF, lw = dL/dW[n] from
// W[n+1]'s recursion, wt' = the total dL/dW[n+1] of the previous iteration):
//   wt  = lw - c keepW lu                   keepW = 1 - S[n] (SpyTorch zero reset) or 1
//   lP  = k wt (symplectic) or k wt' (forward);  lw' = gamma wt
//   gS += lP (b + a dR/dS)                  dR/dS = -U[n] (zero) or -theta, 0 when detached
//   lu' = gS sg(U[n] - theta) + beta keep lu + a keep lP
// with LIF's reset terms and current adjoint unchanged (fastEngine.ts header).
import type { FloatArray } from '../loss';
import type { AdaptationPlan, PopulationPlan } from '../plan';
import type { SurrogateFn } from '../surrogate';
import { detectSpikes } from './fastEngine';

/** One sample's state, reused across samples. */
export interface AdlifState {
  U: FloatArray;
  I: FloatArray;
  /** W[n-1] and P[n-1] at the start of step n. */
  W: FloatArray;
  P: FloatArray;
}

export function adlifState(F: Float32ArrayConstructor | Float64ArrayConstructor, N: number): AdlifState {
  return { U: new F(N), I: new F(N), W: new F(N), P: new F(N) };
}

/**
 * The forward of sample b: drive holds its T (+ scratch) rows of input drive; the recurrence V
 * (undelayed) is added here. Writes spikes (dense bytes at base (b T + n) N, units from cursor,
 * offsets), the membrane the spike is read from, and the zero reset's -dU[n+1]/dS[n].
 */
export function adlifForwardSample(
  p: PopulationPlan,
  nir: boolean,
  st: AdlifState,
  drive: FloatArray,
  V: FloatArray | null,
  b: number,
  T: number,
  spiked: Uint8Array,
  offsets: Int32Array,
  units: Int32Array,
  cursor: number,
  sgOut: FloatArray | null,
  pre: FloatArray | null,
  mem: FloatArray | null,
): number {
  const N = p.size;
  const ad = p.adaptation as AdaptationPlan;
  const { alpha, beta, inputScale: c, threshold: theta } = p;
  const { gamma, a, b: bb, k, symplectic } = ad;
  const zero = p.reset === 'zero';
  const { U, I, W, P } = st;
  U.fill(0);
  I.fill(0);
  W.fill(0);
  P.fill(0);
  for (let n = 0; n < T; n++) {
    const base = (b * T + n) * N;
    const d = n * N;
    const first = cursor;
    cursor = detectSpikes(U, N, theta, spiked, base, units, cursor, sgOut, mem);
    offsets[b * T + n + 1] = cursor;
    // Recurrent spikes of step n join the drive of n (SpyTorch) or n + 1 (NIR).
    const rd = nir ? d + N : d;
    if (V && (!nir || n + 1 < T))
      for (let e = first; e < cursor; e++) {
        const row = (units[e] as number) * N;
        for (let j = 0; j < N; j++) drive[rd + j] = (drive[rd + j] as number) + (V[row + j] as number);
      }
    for (let j = 0; j < N; j++) {
      const u = U[j] as number;
      const s = spiked[base + j] as number;
      const r = zero ? (s ? 0 : u) : u - theta * s;
      const pn = a * r + bb * s;
      const w = gamma * (W[j] as number) + k * (symplectic ? pn : (P[j] as number));
      W[j] = w;
      P[j] = pn;
      if (nir) {
        const i = alpha * (I[j] as number) + (drive[d + j] as number);
        I[j] = i;
        if (pre) pre[base + j] = beta * u;
        U[j] = beta * r + c * (i - w);
      } else {
        const i = I[j] as number;
        const v = beta * u + c * (i - w);
        if (pre) pre[base + j] = v;
        U[j] = zero ? (s ? 0 : v) : v - theta * s;
        I[j] = alpha * i + (drive[d + j] as number);
      }
    }
  }
  return cursor;
}

/** Adjoint scratch for one sample. */
export interface AdlifAdjoint {
  lu: FloatArray;
  li: FloatArray;
  lw: FloatArray;
  wtLater: FloatArray;
  rec: FloatArray;
}

export function adlifAdjoint(F: Float32ArrayConstructor | Float64ArrayConstructor, N: number): AdlifAdjoint {
  return { lu: new F(N), li: new F(N), lw: new F(N), wtLater: new F(N), rec: new F(N) };
}

/**
 * The adjoint of sample b from step `last` down to 0: writes gD (dL/d drive) at base (b T + n) N.
 * gS holds dL/dS from downstream and regularisers; gCount (per sample and unit) the count terms.
 */
export function adlifAdjointSample(
  p: PopulationPlan,
  nir: boolean,
  sg: SurrogateFn,
  adj: AdlifAdjoint,
  V: FloatArray | null,
  b: number,
  T: number,
  last: number,
  gD: FloatArray,
  gS: FloatArray,
  gCount: Float64Array | null,
  um: FloatArray,
  spiked: Uint8Array,
  pre: FloatArray | null,
) {
  const N = p.size;
  const ad = p.adaptation as AdaptationPlan;
  const { alpha, beta, inputScale: c, threshold: theta } = p;
  const { gamma, a, b: bb, k, symplectic } = ad;
  const zero = p.reset === 'zero';
  const differentiated = !p.detachReset;
  const thetaR = nir ? beta * theta : theta;
  const { lu, li, lw, wtLater, rec } = adj;
  lu.fill(0);
  li.fill(0);
  lw.fill(0);
  wtLater.fill(0);
  const co = b * N;
  for (let n = last; n >= 0; n--) {
    const base = (b * T + n) * N;
    for (let j = 0; j < N; j++) gD[base + j] = li[j] as number;
    // The recurrence's gradient to S[n]: V gD[n] (SpyTorch) or V gD[n+1] (NIR).
    rec.fill(0);
    const go = nir ? base + N : base;
    if (V && (!nir || n + 1 < T))
      for (let i = 0; i < N; i++) {
        let acc = 0;
        const row = i * N;
        for (let j = 0; j < N; j++) acc += (V[row + j] as number) * (gD[go + j] as number);
        rec[i] = acc;
      }
    for (let j = 0; j < N; j++) {
      const s = spiked[base + j] as number;
      const u = lu[j] as number;
      const l = li[j] as number;
      const m = um[base + j] as number;
      const keep = zero ? 1 - s : 1;
      const wt = (lw[j] as number) - c * (nir ? 1 : keep) * u;
      const lP = k * (symplectic ? wt : (wtLater[j] as number));
      wtLater[j] = wt;
      lw[j] = gamma * wt;
      let g = (gS[base + j] as number) + (rec[j] as number);
      if (gCount) g += gCount[co + j] as number;
      if (differentiated) g -= zero ? u * ((pre as FloatArray)[base + j] as number) : u * thetaR;
      g += lP * (bb + (differentiated ? -a * (zero ? m : theta) : 0));
      const nu = g * sg(m - theta) + beta * keep * u + a * keep * lP;
      lu[j] = nu;
      li[j] = alpha * l + c * (nir ? nu : keep * u);
    }
  }
}
