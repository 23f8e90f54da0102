// Populations with per-neuron constants in the fast engine: adLIF (docs/model.md "Adaptive
// LIF") and LIF, adLIF or readouts with per-neuron parameters ("Per-neuron parameters"). The
// forward and the adjoint of one sample, JS loops in float32 or float64, with every constant
// per neuron (neuronParams.ts's NeuronArrays; plain LIF is a = b = k = 0). On the float32 path
// the WebAssembly kernels run per-neuron LIF themselves (lifForwardNeurons and
// adjointStepBatchNeurons, bit for bit these loops' results); adLIF, readouts and populations
// with a delayed recurrence stay here.
// With R[n] the membrane after the reset (U[n] (1 - S[n]) or U[n] - theta S[n]),
// P[n] = a R[n] + b S[n] and k = (1 - gamma) q:
//   W[n]   = gamma W[n-1] + k Q[n],  Q[n] = P[n] (symplectic Euler) or P[n-1] (forward Euler)
// and the membrane update of plan.ts with c (I - W[n]) in place of c I.
//
// Adjoint, from n = last down to 0, per unit (lu = dL/dU[n+1], li as LIF, lw = dL/dW[n] from
// W[n+1]'s recursion, wt' = the total dL/dW[n+1] of the previous iteration):
//   wt  = lw - c keepW lu                   keepW = 1 - S[n] (SpyTorch zero reset) or 1
//   lP  = k wt (symplectic) or k wt' (forward);  lw' = gamma wt
//   gS += lP (b + a dR/dS)                  dR/dS = -U[n] (zero) or -theta, 0 when detached
//   lu' = gS sg(U[n] - theta) + beta keep lu + a keep lP
// with LIF's reset terms and current adjoint unchanged (fastEngine.ts header).
//
// The constants' own gradients, summed over samples and steps (the forward keeps I[n], W[n]
// and Q[n] for them when a population learns its parameters):
//   alpha += dL/dI[n+1] I[n]  (SpyTorch)      dL/dI[n] I[n-1]  (NIR)
//   beta  += lu keepW U[n]    (SpyTorch)      lu R[n]          (NIR)
//   c     += lu keepW (I[n] - W[n])
//   theta += -gS sg(U[n] - theta) - S[n] (lu + a lP)   (subtractive reset; NIR: beta lu)
//   a += lP R[n],  b += lP S[n],  gamma += wt (W[n-1] - q Q[n])   (k = (1 - gamma) q)
import type { FloatArray } from '../loss';
import type { NeuronArrays, NeuronGrads } from '../neuronParams';
import type { PopulationPlan } from '../plan';
import type { SurrogateFn } from '../surrogate';

/** One sample's state, reused across samples. */
export interface NeuronState {
  U: FloatArray;
  I: FloatArray;
  /** W[n-1] and P[n-1] at the start of step n. */
  W: FloatArray;
  P: FloatArray;
}

export function neuronState(F: Float32ArrayConstructor | Float64ArrayConstructor, N: number): NeuronState {
  return { U: new F(N), I: new F(N), W: new F(N), P: new F(N) };
}

/** What the forward keeps, per (sample, step, unit), for the gradients of the constants. */
export interface NeuronTrace {
  I: FloatArray;
  W: FloatArray;
  Q: FloatArray;
}

export function neuronTrace(F: Float32ArrayConstructor | Float64ArrayConstructor, size: number): NeuronTrace {
  return { I: new F(size), W: new F(size), Q: new F(size) };
}

/**
 * The forward of sample b: drive holds its T (+ scratch) rows of input drive; the recurrence V
 * (undelayed) is added here. Writes spikes (dense bytes at base (b T + n) N, units from cursor,
 * offsets), the membrane the spike is read from, and the zero reset's -dU[n+1]/dS[n].
 */
export function neuronForwardSample(
  p: PopulationPlan,
  k: NeuronArrays,
  nir: boolean,
  st: NeuronState,
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
  trace: NeuronTrace | null,
  /** A delayed recurrence: adds step n's spikes units[first..end) to the drive rows they enter (fast/delays.ts), in place of V's rows. */
  delayedRows: ((n: number, first: number, end: number) => void) | null = null,
): number {
  const N = p.size;
  const { alpha, beta, c, theta, gamma, a, b: bb, k: kk } = k;
  const symplectic = p.adaptation?.symplectic ?? true;
  const adaptive = p.adaptation !== null;
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
    for (let j = 0; j < N; j++) {
      const u = U[j] as number;
      const s = u - (theta[j] as number) > 0 ? 1 : 0;
      spiked[base + j] = s;
      if (s) units[cursor++] = j;
      if (sgOut) sgOut[base + j] = u;
      if (mem) mem[base + j] = u;
    }
    offsets[b * T + n + 1] = cursor;
    // Recurrent spikes of step n join the drive of n (SpyTorch) or n + 1 (NIR).
    const rd = nir ? d + N : d;
    if (delayedRows) delayedRows(n, first, cursor);
    else if (V && (!nir || n + 1 < T))
      for (let e = first; e < cursor; e++) {
        const row = (units[e] as number) * N;
        for (let j = 0; j < N; j++) drive[rd + j] = (drive[rd + j] as number) + (V[row + j] as number);
      }
    for (let j = 0; j < N; j++) {
      const u = U[j] as number;
      const s = spiked[base + j] as number;
      const th = theta[j] as number;
      const r = zero ? (s ? 0 : u) : u - th * s;
      // The adaptation current (adLIF only; LIF's is 0).
      let w = 0;
      let q = 0;
      if (adaptive) {
        const pn = (a[j] as number) * r + (bb[j] as number) * s;
        q = symplectic ? pn : (P[j] as number);
        w = (gamma[j] as number) * (W[j] as number) + (kk[j] as number) * q;
        W[j] = w;
        P[j] = pn;
      }
      const al = alpha[j] as number;
      const be = beta[j] as number;
      const cj = c[j] as number;
      if (nir) {
        const i = al * (I[j] as number) + (drive[d + j] as number);
        I[j] = i;
        if (pre) pre[base + j] = be * u;
        U[j] = be * r + cj * (i - w);
        if (trace) trace.I[base + j] = i;
      } else {
        const i = I[j] as number;
        const v = be * u + cj * (i - w);
        if (pre) pre[base + j] = v;
        U[j] = zero ? (s ? 0 : v) : v - th * s;
        I[j] = al * i + (drive[d + j] as number);
        if (trace) trace.I[base + j] = i;
      }
      if (trace && adaptive) {
        trace.W[base + j] = w;
        trace.Q[base + j] = q;
      }
    }
  }
  return cursor;
}

/**
 * The adjoint of all B samples, time-major from the latest active step down to 0 (sample b from
 * lastOf[b]): writes gD (dL/d drive) at base (b T + n) N. gS holds dL/dS from downstream and
 * regularisers; gCount (per sample and unit) the count terms. The recurrence's gradient to the
 * population's own spikes, `recurrent(n, li, liLater)` ([B, N] out: the gradient to S[n]; li
 * is dL/d drive[n], liLater dL/d drive[n+1] under NIR), is one dense product per step over all
 * samples as the LIF path's, or a delayed recurrence's term (reading the later rows of gD).
 * With a trace, the constants' gradients are added to g.
 */
export function neuronAdjointBatch(
  p: PopulationPlan,
  k: NeuronArrays,
  nir: boolean,
  sg: SurrogateFn,
  F: Float32ArrayConstructor | Float64ArrayConstructor,
  recurrent: ((n: number, li: FloatArray, liLater: FloatArray) => FloatArray) | null,
  B: number,
  T: number,
  lastOf: Int32Array,
  gD: FloatArray,
  gS: FloatArray,
  gCount: Float64Array | null,
  um: FloatArray,
  spiked: Uint8Array,
  pre: FloatArray | null,
  trace: NeuronTrace | null,
  g: NeuronGrads | null,
) {
  const N = p.size;
  const { alpha, beta, c, theta, gamma, a, b: bb, k: kk, q } = k;
  const symplectic = p.adaptation?.symplectic ?? true;
  const zero = p.reset === 'zero';
  const differentiated = !p.detachReset;
  const adaptive = p.adaptation !== null;
  // Per (sample, unit): lu = dL/dU[n+1], li, lw = dL/dW[n] from W[n+1], wt of the later step.
  const lu = new F(B * N);
  const li = new F(B * N);
  const lw = new F(B * N);
  const wtLater = new F(B * N);
  // NIR: S[n] enters the drive of n + 1, so its gradient is V gD[n+1], the li of the later iteration.
  const liLater = nir && recurrent ? new F(B * N) : li;
  let top = -1;
  for (let b = 0; b < B; b++) top = Math.max(top, lastOf[b] as number);
  for (let n = top; n >= 0; n--) {
    const rec = recurrent ? recurrent(n, li, liLater) : null;
    if (nir && recurrent) liLater.set(li);
    for (let b = 0; b < B; b++) {
      if (n > (lastOf[b] as number)) continue;
      const base = (b * T + n) * N;
      const so = b * N;
      const co = b * N;
      for (let j = 0; j < N; j++) {
        const x = so + j;
        const s = spiked[base + j] as number;
        const u = lu[x] as number;
        const l = li[x] as number;
        gD[base + j] = l;
        const m = um[base + j] as number;
        const th = theta[j] as number;
        const be = beta[j] as number;
        const cj = c[j] as number;
        const keep = zero ? 1 - s : 1;
        const keepW = nir ? 1 : keep;
        let gs = gS[base + j] as number;
        if (rec) gs += rec[x] as number;
        if (gCount) gs += gCount[co + j] as number;
        if (differentiated) gs -= zero ? u * ((pre as FloatArray)[base + j] as number) : u * (nir ? be * th : th);
        // The adaptation's terms (adLIF only; LIF has a = b = k = 0 and skips them).
        let wt = 0;
        let lP = 0;
        let aj = 0;
        if (adaptive) {
          aj = a[j] as number;
          wt = (lw[x] as number) - cj * keepW * u;
          lP = (kk[j] as number) * (symplectic ? wt : (wtLater[x] as number));
          wtLater[x] = wt;
          lw[x] = (gamma[j] as number) * wt;
          gs += lP * ((bb[j] as number) + (differentiated ? -aj * (zero ? m : th) : 0));
        }
        const dsdu = sg(m - th);
        // (LIF adds no adaptation terms, not even zeros, so that the kernels' per-neuron LIF,
        // lifForwardNeurons and adjointStepBatchNeurons, give these loops' results bit for bit.)
        let nu = gs * dsdu + be * keep * u;
        if (adaptive) nu += aj * keep * lP;
        if (g && trace) {
          const r = zero ? m * keep : m - th * s;
          const iN = trace.I[base + j] as number;
          const wN = adaptive ? (trace.W[base + j] as number) : 0;
          // alpha: I[n+1] = alpha I[n] + x (SpyTorch, l = dL/dI[n+1]); I[n] = alpha I[n-1] + x (NIR, l = dL/dI[n]).
          const iPrev = nir ? (n > 0 ? (trace.I[base - N + j] as number) : 0) : iN;
          g.alpha[j] = (g.alpha[j] as number) + l * iPrev;
          g.beta[j] = (g.beta[j] as number) + u * (nir ? r : keep * m);
          g.c[j] = (g.c[j] as number) + u * keepW * (iN - wN);
          let dth = -gs * dsdu;
          if (!zero) dth -= s * (adaptive ? (nir ? be : 1) * u + aj * lP : nir ? be * u : u);
          g.theta[j] = (g.theta[j] as number) + dth;
          if (adaptive) {
            g.a[j] = (g.a[j] as number) + lP * r;
            g.b[j] = (g.b[j] as number) + lP * s;
            // W[n] = gamma W[n-1] + (1 - gamma) q Q[n], wt = dL/dW[n] (Q[n] = P[n], or P[n-1] in forward Euler).
            const wPrev = n > 0 ? (trace.W[base - N + j] as number) : 0;
            g.gamma[j] = (g.gamma[j] as number) + wt * (wPrev - q * (trace.Q[base + j] as number));
          }
        }
        lu[x] = nu;
        li[x] = (alpha[j] as number) * l + cj * (nir ? nu : keep * u);
      }
    }
  }
}

/**
 * A readout with per-neuron constants, sample b (plan.ts: I[n+1] = alpha I[n] + x[n],
 * U[n+1] = beta U[n] + c I[n], both rules): its trace U[0..T] into y, I[n] into iTrace.
 */
export function readoutForwardSample(
  k: NeuronArrays,
  U: FloatArray,
  I: FloatArray,
  N: number,
  T: number,
  b: number,
  drive: FloatArray,
  y: FloatArray,
  iTrace: FloatArray | null,
) {
  const { alpha, beta, c } = k;
  U.fill(0);
  I.fill(0);
  const yo = b * (T + 1) * N;
  for (let j = 0; j < N; j++) y[yo + j] = 0;
  for (let n = 0; n < T; n++) {
    const d = n * N;
    const o = yo + (n + 1) * N;
    for (let j = 0; j < N; j++) {
      const i = I[j] as number;
      if (iTrace) iTrace[(b * T + n) * N + j] = i;
      const u = (beta[j] as number) * (U[j] as number) + (c[j] as number) * i;
      U[j] = u;
      y[o + j] = u;
      I[j] = (alpha[j] as number) * i + (drive[d + j] as number);
    }
  }
}

/** The readout's adjoint of sample b with per-neuron constants; adds the constants' gradients to g. */
export function readoutAdjointSample(
  k: NeuronArrays,
  lu: FloatArray,
  li: FloatArray,
  N: number,
  T: number,
  b: number,
  gy: FloatArray,
  y: FloatArray,
  gD: FloatArray,
  iTrace: FloatArray | null,
  g: NeuronGrads | null,
) {
  const { alpha, beta, c } = k;
  const yo = b * (T + 1) * N;
  for (let j = 0; j < N; j++) {
    lu[j] = gy[yo + T * N + j] as number;
    li[j] = 0;
  }
  for (let n = T - 1; n >= 0; n--) {
    const o = (b * T + n) * N;
    const go = yo + n * N;
    for (let j = 0; j < N; j++) {
      const l = li[j] as number;
      const u = lu[j] as number;
      gD[o + j] = l;
      if (g && iTrace) {
        const i = iTrace[o + j] as number;
        g.alpha[j] = (g.alpha[j] as number) + l * i;
        g.beta[j] = (g.beta[j] as number) + u * (y[go + j] as number);
        g.c[j] = (g.c[j] as number) + u * i;
      }
      li[j] = (alpha[j] as number) * l + (c[j] as number) * u;
      lu[j] = (gy[go + j] as number) + (beta[j] as number) * u;
    }
  }
}
