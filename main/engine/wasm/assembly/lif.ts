// LIF and readout forward passes, and the sparse backward's kept membranes (keepActive). One
// part of the module whose entry is kernels.ts (its header: the exactness rules every part keeps).

import { addRow, ld2, st2, ldd } from './lanes';

/**
 * Appends to the list at units, values (from cursor on) the j and U[j] of the N membranes
 * at U inside the window, |U[j] - theta_j| < window in f64 (surrogate1's test; thetas: N
 * f64 thresholds, or 0 for the scalar theta), in j order; returns the new cursor.
 * Branch-free: every unit is written at the cursor, which moves on where it is inside.
 */
@inline
function keepActive(units: usize, values: usize, cursor: i32, U: usize, N: i32, theta: f64, thetas: usize, window: f64): i32 {
  const w2 = f64x2.splat(window);
  const t2 = f64x2.splat(theta);
  let j = 0;
  for (; j + 2 <= N; j += 2) {
    const raw = v128.load64_zero(U + (<usize>j << 2));
    const x = f64x2.sub(f64x2.promote_low_f32x4(raw), thetas ? v128.load(thetas + (<usize>j << 3)) : t2);
    const inside = i64x2.bitmask(v128.and(f64x2.lt(x, w2), f64x2.gt(x, f64x2.neg(w2))));
    store<i32>(units + (<usize>cursor << 2), j);
    v128.store32_lane(values + (<usize>cursor << 2), raw, 0);
    cursor += inside & 1;
    store<i32>(units + (<usize>cursor << 2), j + 1);
    v128.store32_lane(values + (<usize>cursor << 2), raw, 1);
    cursor += inside >> 1;
  }
  for (; j < N; j++) {
    const u = load<f32>(U + (<usize>j << 2));
    const x = <f64>u - (thetas ? load<f64>(thetas + (<usize>j << 3)) : theta);
    store<i32>(units + (<usize>cursor << 2), j);
    store<f32>(values + (<usize>cursor << 2), u);
    if (x < window && x > -window) cursor++;
  }
  return cursor;
}

/**
 * A LIF population's forward pass for one sample, T steps (plan.ts's time convention):
 *   S[n] = U[n] > theta;  U[n+1] = zero ? (S ? 0 : v) : v - theta S;  v = beta U[n] + c I[n]
 *   I[n+1] = alpha I[n] + drive[n] (+ the recurrent rows of S[n], added first when rec != 0)
 * U, I (N each) start at zero. It writes spiked (bytes, [T, N]), the step's spike units from
 * units[cursor] on and offsets[n] = the cursor after step n (n < T), and, where the address
 * is not 0: sg and mem (U[n], [T, N]), pre (v, [T, N]). Returns the cursor.
 *
 * Where actUnits is not 0 it keeps, instead of every membrane, only those inside the sparse
 * backward's window, |U[n, j] - theta_j| < window (f64, surrogate1's test): a list per step,
 * from the cursor actOffsets[0] on; it writes actOffsets[n + 1] = that cursor after step n,
 * and the units and membranes at actUnits, actValues (keepActive).
 */
export function lifForward(
  U: usize,
  I: usize,
  N: i32,
  T: i32,
  drive: usize,
  rec: usize,
  spiked: usize,
  units: usize,
  cursor: i32,
  offsets: usize,
  alpha: f64,
  beta: f64,
  c: f64,
  theta: f64,
  zero: bool,
  sg: usize,
  mem: usize,
  pre: usize,
  nir: bool,
  actOffsets: usize,
  actUnits: usize,
  actValues: usize,
  window: f64,
): i32 {
  return lifForwardRows(U, I, N, T, drive, rec, spiked, units, cursor, offsets, alpha, beta, c, theta, zero, sg, mem, pre, nir, 0, 0, false, actOffsets, actUnits, actValues, window);
}

/**
 * lifForward with a constant per neuron (neurons.ts's LIF with per-neuron parameters): consts
 * holds alpha, beta, c and theta as four f64 arrays of N ([4, N]); where traceI is not 0 it
 * gets the current the constants' gradients need ([T, N]: I[n] under SpyTorch's rule, the
 * new I[n] under NIR's), as neurons.ts's trace.I.
 */
export function lifForwardNeurons(
  U: usize,
  I: usize,
  N: i32,
  T: i32,
  drive: usize,
  rec: usize,
  spiked: usize,
  units: usize,
  cursor: i32,
  offsets: usize,
  consts: usize,
  zero: bool,
  sg: usize,
  mem: usize,
  pre: usize,
  nir: bool,
  traceI: usize,
  actOffsets: usize,
  actUnits: usize,
  actValues: usize,
  window: f64,
): i32 {
  return lifForwardRows(U, I, N, T, drive, rec, spiked, units, cursor, offsets, 0, 0, 0, 0, zero, sg, mem, pre, nir, consts, traceI, true, actOffsets, actUnits, actValues, window);
}

@inline
function lifForwardRows(
  U: usize,
  I: usize,
  N: i32,
  T: i32,
  drive: usize,
  rec: usize,
  spiked: usize,
  units: usize,
  cursor: i32,
  offsets: usize,
  alpha: f64,
  beta: f64,
  c: f64,
  theta: f64,
  zero: bool,
  sg: usize,
  mem: usize,
  pre: usize,
  nir: bool,
  consts: usize,
  traceI: usize,
  perNeuron: bool,
  actOffsets: usize,
  actUnits: usize,
  actValues: usize,
  window: f64,
): i32 {
  let kept = actUnits ? load<i32>(actOffsets) : 0;
  memory.fill(U, 0, <usize>N << 2);
  memory.fill(I, 0, <usize>N << 2);
  const rowBytes = <usize>N << 2;
  // Per neuron: the f64 arrays of alpha, beta, c, theta.
  const aP = consts;
  const bP = consts + (<usize>N << 3);
  const cP = consts + (<usize>N << 4);
  const tP = consts + (<usize>N << 3) * 3;
  const alphaS = f64x2.splat(alpha);
  const betaS = f64x2.splat(beta);
  const cS = f64x2.splat(c);
  const thetaS = f64x2.splat(theta);
  const zero2 = f64x2.splat(0);
  for (let n = 0; n < T; n++) {
    const row = <usize>n * rowBytes;
    const sp = spiked + <usize>n * N;
    const d = drive + row;
    const first = cursor;
    // Spikes of step n, from U[n].
    let j = 0;
    for (; j + 2 <= N; j += 2) {
      const o = <usize>j << 2;
      const u = ld2(U + o);
      const bits = i64x2.bitmask(f64x2.gt(u, perNeuron ? ldd(tP, j) : thetaS));
      store<u16>(sp + j, <u16>((bits & 1) | ((bits & 2) << 7)));
      if (bits & 1) store<i32>(units + (<usize>(cursor++) << 2), j);
      if (bits & 2) store<i32>(units + (<usize>(cursor++) << 2), j + 1);
    }
    for (; j < N; j++) {
      const s = <f64>load<f32>(U + (<usize>j << 2)) > (perNeuron ? load<f64>(tP + (<usize>j << 3)) : theta);
      store<u8>(sp + j, <u8>s);
      if (s) store<i32>(units + (<usize>(cursor++) << 2), j);
    }
    if (sg) memory.copy(sg + row, U, rowBytes);
    if (actUnits) {
      kept = keepActive(actUnits, actValues, kept, U, N, theta, perNeuron ? tP : 0, window);
      store<i32>(actOffsets + (<usize>(n + 1) << 2), kept);
    }
    if (mem) memory.copy(mem + row, U, rowBytes);
    if (nir) {
      // NIR's forward Euler (fastEngine.ts's nirStep): I[n] = alpha I + x[n];
      // P[n+1] = beta (zero ? (S ? 0 : P) : P - theta S) + c I[n], the new I unrounded.
      j = 0;
      for (; j + 2 <= N; j += 2) {
        const o = <usize>j << 2;
        const alpha2 = perNeuron ? ldd(aP, j) : alphaS;
        const beta2 = perNeuron ? ldd(bP, j) : betaS;
        const c2 = perNeuron ? ldd(cP, j) : cS;
        const theta2 = perNeuron ? ldd(tP, j) : thetaS;
        const u = ld2(U + o);
        const s = load<u16>(sp + j);
        const m = i64x2.replace_lane(i64x2.splat(-<i64>(s & 1)), 1, -<i64>(s >> 8));
        if (pre) st2(pre + row + o, f64x2.mul(beta2, u));
        const i = f64x2.add(f64x2.mul(alpha2, ld2(I + o)), ld2(d + o));
        st2(I + o, i);
        const r = zero ? v128.bitselect(zero2, u, m) : f64x2.sub(u, v128.and(theta2, m));
        st2(U + o, f64x2.add(f64x2.mul(beta2, r), f64x2.mul(c2, i)));
      }
      for (; j < N; j++) {
        const o = <usize>j << 2;
        const q = <usize>j << 3;
        const al = perNeuron ? load<f64>(aP + q) : alpha;
        const be = perNeuron ? load<f64>(bP + q) : beta;
        const cj = perNeuron ? load<f64>(cP + q) : c;
        const th = perNeuron ? load<f64>(tP + q) : theta;
        const u = <f64>load<f32>(U + o);
        const s = load<u8>(sp + j);
        if (pre) store<f32>(pre + row + o, <f32>(be * u));
        const i = al * <f64>load<f32>(I + o) + <f64>load<f32>(d + o);
        store<f32>(I + o, <f32>i);
        store<f32>(U + o, <f32>(be * (zero ? (s ? 0 : u) : u - th * <f64>s) + cj * i));
      }
      if (traceI) memory.copy(traceI + row, I, rowBytes);
      // The recurrent spikes of step n join the next step's drive.
      if (rec && n + 1 < T)
        for (let e = first; e < cursor; e++)
          addRow(d + rowBytes, rec + <usize>load<i32>(units + (<usize>e << 2)) * rowBytes, N);
      store<i32>(offsets + (<usize>n << 2), cursor);
      continue;
    }
    // Recurrent spikes at n join the drive into I[n+1].
    if (rec)
      for (let e = first; e < cursor; e++)
        addRow(d, rec + <usize>load<i32>(units + (<usize>e << 2)) * rowBytes, N);
    if (traceI) memory.copy(traceI + row, I, rowBytes);
    // State update, in float64 as the JS loop computes it.
    j = 0;
    for (; j + 2 <= N; j += 2) {
      const o = <usize>j << 2;
      const alpha2 = perNeuron ? ldd(aP, j) : alphaS;
      const beta2 = perNeuron ? ldd(bP, j) : betaS;
      const c2 = perNeuron ? ldd(cP, j) : cS;
      const theta2 = perNeuron ? ldd(tP, j) : thetaS;
      const u = ld2(U + o);
      const i = ld2(I + o);
      const s = load<u16>(sp + j);
      const m = i64x2.replace_lane(i64x2.splat(-<i64>(s & 1)), 1, -<i64>(s >> 8));
      const v = f64x2.add(f64x2.mul(beta2, u), f64x2.mul(c2, i));
      if (pre) st2(pre + row + o, v);
      st2(U + o, zero ? v128.bitselect(zero2, v, m) : f64x2.sub(v, v128.and(theta2, m)));
      st2(I + o, f64x2.add(f64x2.mul(alpha2, i), ld2(d + o)));
    }
    for (; j < N; j++) {
      const o = <usize>j << 2;
      const q = <usize>j << 3;
      const al = perNeuron ? load<f64>(aP + q) : alpha;
      const be = perNeuron ? load<f64>(bP + q) : beta;
      const cj = perNeuron ? load<f64>(cP + q) : c;
      const th = perNeuron ? load<f64>(tP + q) : theta;
      const u = <f64>load<f32>(U + o);
      const i = <f64>load<f32>(I + o);
      const s = load<u8>(sp + j);
      const v = be * u + cj * i;
      if (pre) store<f32>(pre + row + o, <f32>v);
      store<f32>(U + o, <f32>(zero ? (s ? 0 : v) : v - th * <f64>s));
      store<f32>(I + o, <f32>(al * i + <f64>load<f32>(d + o)));
    }
    store<i32>(offsets + (<usize>n << 2), cursor);
  }
  return cursor;
}

/**
 * A readout's forward pass for one sample: I[n+1] = alpha I[n] + drive[n],
 * U[n+1] = beta U[n] + c I[n], y[n] = U[n] for n = 0..T ([T + 1, N]; y[0] = 0).
 */
export function readoutForward(
  U: usize,
  I: usize,
  N: i32,
  T: i32,
  drive: usize,
  y: usize,
  alpha: f64,
  beta: f64,
  c: f64,
): void {
  const rowBytes = <usize>N << 2;
  memory.fill(U, 0, rowBytes);
  memory.fill(I, 0, rowBytes);
  memory.fill(y, 0, rowBytes);
  for (let n = 0; n < T; n++) {
    const d = drive + <usize>n * rowBytes;
    const yo = y + <usize>(n + 1) * rowBytes;
    for (let j = 0; j < N; j++) {
      const o = <usize>j << 2;
      const i = <f64>load<f32>(I + o);
      const u = <f32>(beta * <f64>load<f32>(U + o) + c * i);
      store<f32>(U + o, u);
      store<f32>(yo + o, u);
      store<f32>(I + o, <f32>(alpha * i + <f64>load<f32>(d + o)));
    }
  }
}
