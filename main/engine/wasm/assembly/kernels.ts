// The fast engine's hot loops in WebAssembly with 128-bit SIMD (AssemblyScript; built by
// scripts/build-wasm.mjs into ../kernels.wasm.ts, which main/engine/wasm/kernels.ts loads).
//
// Every array lives in the module's linear memory; arguments are byte addresses. Nothing
// here allocates: the caller (kernels.ts) lays the memory out.
//
// Exactness. The engine's float32 path in JS computes each elementwise update in float64 and
// rounds to float32 when it stores (a Float32Array store). The elementwise kernels here do
// the same, two lanes at a time in f64x2 (promote, compute, demote), in the same order of
// operations, so they give the JS loop's float32 results bit for bit. The row adds (input and
// recurrent spikes into the drive, weight-gradient accumulation) are float32 additions in
// the same order, which float64-then-round also gives exactly (double rounding is innocuous
// for one addition of two float32 values). Only the dense products (`gemm`) round
// differently from JS (float32 multiply-adds, as tfjs/XNNPACK and PyTorch do): they agree
// to float32 rounding, not bit for bit, and so do the sparse backward's dot products.
//
// Sections: row adds; LIF forward; the adjoint recursion; dense products (packPanels, gemm,
// the zero scans); the sparse backward's products.

// ---------------------------------------------------------------------------------------
// Row adds

/** a[j] += b[j] for j < n (f32), four lanes at a time. */
@inline
function addRow(a: usize, b: usize, n: i32): void {
  let j = 0;
  for (; j + 16 <= n; j += 16) {
    const o = <usize>j << 2;
    v128.store(a + o, f32x4.add(v128.load(a + o), v128.load(b + o)));
    v128.store(a + o, f32x4.add(v128.load(a + o, 16), v128.load(b + o, 16)), 16);
    v128.store(a + o, f32x4.add(v128.load(a + o, 32), v128.load(b + o, 32)), 32);
    v128.store(a + o, f32x4.add(v128.load(a + o, 48), v128.load(b + o, 48)), 48);
  }
  for (; j + 4 <= n; j += 4) {
    const o = <usize>j << 2;
    v128.store(a + o, f32x4.add(v128.load(a + o), v128.load(b + o)));
  }
  for (; j < n; j++) {
    const o = <usize>j << 2;
    store<f32>(a + o, load<f32>(a + o) + load<f32>(b + o));
  }
}

/**
 * drive[n, :] += w[units[e], :] for every spike e in offsets[n]..offsets[n+1], n < T: one
 * weight row per presynaptic spike, for one sample. drive is [T, N]; w is [rows, N]; units
 * (i32) and offsets (i32, T + 1 entries) are the source's CSR spikes for this sample.
 */
export function addSpikeRows(drive: usize, w: usize, N: i32, T: i32, units: usize, offsets: usize): void {
  const rowBytes = <usize>N << 2;
  for (let n = 0; n < T; n++) {
    const d = drive + <usize>n * rowBytes;
    const end = load<i32>(offsets + (<usize>(n + 1) << 2));
    for (let e = load<i32>(offsets + (<usize>n << 2)); e < end; e++)
      addRow(d, w + <usize>load<i32>(units + (<usize>e << 2)) * rowBytes, N);
  }
}

/**
 * dW[i, :] += gD[b, n, :] over the presynaptic spikes (b, n, i), for n <= lastActive[b]:
 * the weight gradient of one connection over B samples. gD is [B, T, N]; offsets has
 * B * T + 1 entries (the source's CSR spikes over (sample, step)).
 */
export function accumulateWeightGrad(
  dW: usize,
  gD: usize,
  N: i32,
  T: i32,
  B: i32,
  units: usize,
  offsets: usize,
  lastActive: usize,
): void {
  const rowBytes = <usize>N << 2;
  for (let b = 0; b < B; b++) {
    const stop = load<i32>(lastActive + (<usize>b << 2));
    for (let n = 0; n <= stop; n++) {
      const r = b * T + n;
      const g = gD + <usize>r * rowBytes;
      const end = load<i32>(offsets + (<usize>(r + 1) << 2));
      for (let e = load<i32>(offsets + (<usize>r << 2)); e < end; e++)
        addRow(dW + <usize>load<i32>(units + (<usize>e << 2)) * rowBytes, g, N);
    }
  }
}

// ---------------------------------------------------------------------------------------
// LIF forward

/** Two f32 at p as f64x2. */
@inline
function ld2(p: usize): v128 {
  return f64x2.promote_low_f32x4(v128.load64_zero(p));
}

/** f64x2 v stored as two f32 at p. */
@inline
function st2(p: usize, v: v128): void {
  v128.store64_lane(p, f32x4.demote_f64x2_zero(v), 0);
}

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
 * Values of `rows` rows of a population's kept lists (keepActive; values: f32 aligned with
 * the units, its membranes or their spike gradients), rows first, first + stride, ..., each
 * into its own row of N f32 at dst (row i at dst + 4 N i): the values, or `cleared` where
 * clear (to put back the dense rows the adjoint reads, whose other entries hold +Infinity
 * for membranes, outside every window, and 0 for gradients).
 */
export function scatterKept(dst: usize, offsets: usize, units: usize, values: usize, first: i32, rows: i32, stride: i32, N: i32, clear: bool, cleared: f32): void {
  for (let i = 0; i < rows; i++) {
    const r = first + i * stride;
    const d = dst + (<usize>(i * N) << 2);
    const end = load<i32>(offsets + (<usize>(r + 1) << 2));
    for (let e = load<i32>(offsets + (<usize>r << 2)); e < end; e++)
      store<f32>(d + (<usize>load<i32>(units + (<usize>e << 2)) << 2), clear ? cleared : load<f32>(values + (<usize>e << 2)));
  }
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

/** The f64x2 of lanes j, j + 1 of the f64 array at p. */
@inline
function ldd(p: usize, j: i32): v128 {
  return v128.load(p + (<usize>j << 3));
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

// ---------------------------------------------------------------------------------------
// Adjoint recursion

// Surrogate kinds (surrogate.ts); sigmoid and exponential need exp and stay in JS.
const FAST_SIGMOID = 0;
const PIECEWISE_LINEAR = 2;
const ARCTAN = 4;

/** The surrogate derivative at x (f64x2), as surrogate.ts computes it; ps = pi * s. */
@inline
function surrogate2(x: v128, kind: i32, s: f64, ps: f64, sparse: bool, window: f64): v128 {
  const one = f64x2.splat(1);
  let r: v128;
  if (kind == FAST_SIGMOID) {
    const d = f64x2.add(f64x2.mul(f64x2.splat(s), f64x2.abs(x)), one);
    r = f64x2.div(one, f64x2.mul(d, d));
  } else if (kind == PIECEWISE_LINEAR) {
    r = f64x2.max(f64x2.splat(0), f64x2.sub(one, f64x2.mul(f64x2.splat(s), f64x2.abs(x))));
  } else {
    const a = f64x2.div(f64x2.mul(f64x2.splat(ps), x), f64x2.splat(2));
    r = f64x2.div(one, f64x2.add(one, f64x2.mul(a, a)));
  }
  if (sparse) {
    const w = f64x2.splat(window);
    r = v128.and(r, v128.and(f64x2.lt(x, w), f64x2.gt(x, f64x2.neg(w))));
  }
  return r;
}

@inline
function surrogate1(x: f64, kind: i32, s: f64, ps: f64, sparse: bool, window: f64): f64 {
  let r: f64;
  if (kind == FAST_SIGMOID) {
    const d = s * Math.abs(x) + 1;
    r = 1 / (d * d);
  } else if (kind == PIECEWISE_LINEAR) {
    r = Math.max(0, 1 - s * Math.abs(x));
  } else {
    const a = (ps * x) / 2;
    r = 1 / (1 + a * a);
  }
  return sparse && !(x < window && x > -window) ? 0 : r;
}

// Flags of adjointRows.
const ZERO_RESET = 1;
const DIFFERENTIATED = 2;
const SPARSE = 4;
/** NIR's discretisation: li' = alpha li + c lu' (the new lu, unrounded); reset term beta theta. */
const NIR = 8;

/**
 * One step of the adjoint recursion (fastEngine.ts's header) for `rows` rows of N units: row
 * r's arrays start at rowBase(r). lu, li are the adjoints dL/dU[n+1], dL/dI[n+1] (updated in
 * place); it writes gD = li (the drive's gradient). Per unit, in float64 as the JS loop:
 *   g   = gS (+ recG) (+ gCount) - (differentiated ? (zero ? lu pre : lu theta) : 0)
 *   lu' = g sg(um - theta) + beta keep lu;  li' = alpha li + c keep lu;  keep = zero ? 1 - S : 1
 * recG (f32), gCount (f64) and pre are optional (address 0).
 */
@inline
function adjointRow(
  lu: usize,
  li: usize,
  gD: usize,
  gS: usize,
  recG: usize,
  gCount: usize,
  pre: usize,
  um: usize,
  spiked: usize,
  N: i32,
  theta: f64,
  alpha: f64,
  beta: f64,
  c: f64,
  flags: i32,
  kind: i32,
  s: f64,
  ps: f64,
  window: f64,
): void {
  const zero = (flags & ZERO_RESET) != 0;
  const differentiated = (flags & DIFFERENTIATED) != 0;
  const sparse = (flags & SPARSE) != 0;
  const nir = (flags & NIR) != 0;
  const thetaR = nir ? beta * theta : theta;
  const thetaR2 = f64x2.splat(thetaR);
  const theta2 = f64x2.splat(theta);
  const alpha2 = f64x2.splat(alpha);
  const beta2 = f64x2.splat(beta);
  const c2 = f64x2.splat(c);
  const one = f64x2.splat(1);
  let j = 0;
  for (; j + 2 <= N; j += 2) {
    const o = <usize>j << 2;
    const u = ld2(lu + o);
    const l = ld2(li + o);
    v128.store64_lane(gD + o, v128.load64_zero(li + o), 0);
    let g = ld2(gS + o);
    if (recG) g = f64x2.add(g, ld2(recG + o));
    if (gCount) g = f64x2.add(g, v128.load(gCount + (<usize>j << 3)));
    if (differentiated) g = f64x2.sub(g, f64x2.mul(u, zero ? ld2(pre + o) : thetaR2));
    const sg = surrogate2(f64x2.sub(ld2(um + o), theta2), kind, s, ps, sparse, window);
    let bu: v128;
    let cu: v128;
    if (zero) {
      const sb = load<u16>(spiked + j);
      const keep = f64x2.sub(one, f64x2.replace_lane(f64x2.splat(<f64>(sb & 255)), 1, <f64>(sb >> 8)));
      bu = f64x2.mul(f64x2.mul(beta2, keep), u);
      cu = f64x2.mul(f64x2.mul(c2, keep), u);
    } else {
      bu = f64x2.mul(beta2, u);
      cu = f64x2.mul(c2, u);
    }
    const nu = f64x2.add(f64x2.mul(g, sg), bu);
    st2(lu + o, nu);
    st2(li + o, f64x2.add(f64x2.mul(alpha2, l), nir ? f64x2.mul(c2, nu) : cu));
  }
  for (; j < N; j++) {
    const o = <usize>j << 2;
    const u = <f64>load<f32>(lu + o);
    const l = <f64>load<f32>(li + o);
    store<f32>(gD + o, <f32>l);
    let g = <f64>load<f32>(gS + o);
    if (recG) g += <f64>load<f32>(recG + o);
    if (gCount) g += load<f64>(gCount + (<usize>j << 3));
    if (differentiated) g -= zero ? u * <f64>load<f32>(pre + o) : u * thetaR;
    const keep = zero ? 1 - <f64>load<u8>(spiked + j) : 1;
    const sg = surrogate1(<f64>load<f32>(um + o) - theta, kind, s, ps, sparse, window);
    const nu = g * sg + beta * keep * u;
    store<f32>(lu + o, <f32>nu);
    store<f32>(li + o, <f32>(alpha * l + c * (nir ? nu : keep * u)));
  }
}

/**
 * The common case (zero reset, detached, no recurrence, no count terms), as fastEngine.ts's
 * lifAdjointStep: keepU = S ? 0 : lu;  lu' = gS sg + beta keepU;  li' = alpha li + c keepU.
 */
@inline
function adjointRowPlain(
  lu: usize,
  li: usize,
  gD: usize,
  gS: usize,
  um: usize,
  spiked: usize,
  N: i32,
  theta: f64,
  alpha: f64,
  beta: f64,
  c: f64,
  kind: i32,
  s: f64,
  ps: f64,
  sparse: bool,
  window: f64,
  nir: bool,
): void {
  const theta2 = f64x2.splat(theta);
  const alpha2 = f64x2.splat(alpha);
  const beta2 = f64x2.splat(beta);
  const c2 = f64x2.splat(c);
  const zero2 = f64x2.splat(0);
  let j = 0;
  for (; j + 2 <= N; j += 2) {
    const o = <usize>j << 2;
    const u = ld2(lu + o);
    const l = ld2(li + o);
    v128.store64_lane(gD + o, v128.load64_zero(li + o), 0);
    const sb = load<u16>(spiked + j);
    const m = i64x2.replace_lane(i64x2.splat(-<i64>(sb & 255)), 1, -<i64>(sb >> 8));
    const keepU = v128.bitselect(zero2, u, m);
    const sg = surrogate2(f64x2.sub(ld2(um + o), theta2), kind, s, ps, sparse, window);
    const nu = f64x2.add(f64x2.mul(ld2(gS + o), sg), f64x2.mul(beta2, keepU));
    st2(lu + o, nu);
    st2(li + o, f64x2.add(f64x2.mul(alpha2, l), f64x2.mul(c2, nir ? nu : keepU)));
  }
  for (; j < N; j++) {
    const o = <usize>j << 2;
    const u = <f64>load<f32>(lu + o);
    const l = <f64>load<f32>(li + o);
    store<f32>(gD + o, <f32>l);
    const keepU = load<u8>(spiked + j) ? 0 : u;
    const sg = surrogate1(<f64>load<f32>(um + o) - theta, kind, s, ps, sparse, window);
    const nu = <f64>load<f32>(gS + o) * sg + beta * keepU;
    store<f32>(lu + o, <f32>nu);
    store<f32>(li + o, <f32>(alpha * l + c * (nir ? nu : keepU)));
  }
}

/**
 * The adjoint recursion of a feed-forward LIF population for one sample, steps n = last
 * down to 0. lu, li (N each) start at zero. gD, gS, um, pre and spiked are the sample's
 * [T, N] arrays; gCount is the sample's [N] (f64) count gradient or 0. flags: ZERO_RESET,
 * DIFFERENTIATED, SPARSE (window); kind: the surrogate.
 */
export function adjointSample(
  lu: usize,
  li: usize,
  N: i32,
  last: i32,
  gD: usize,
  gS: usize,
  gCount: usize,
  pre: usize,
  um: usize,
  spiked: usize,
  theta: f64,
  alpha: f64,
  beta: f64,
  c: f64,
  flags: i32,
  kind: i32,
  s: f64,
  ps: f64,
  window: f64,
): void {
  const rowBytes = <usize>N << 2;
  memory.fill(lu, 0, rowBytes);
  memory.fill(li, 0, rowBytes);
  const plain = flags & ZERO_RESET && !(flags & DIFFERENTIATED) && !gCount;
  for (let n = last; n >= 0; n--) {
    const row = <usize>n * rowBytes;
    const sp = spiked + <usize>n * N;
    if (plain)
      adjointRowPlain(
        lu,
        li,
        gD + row,
        gS + row,
        um + row,
        sp,
        N,
        theta,
        alpha,
        beta,
        c,
        kind,
        s,
        ps,
        (flags & SPARSE) != 0,
        window,
        (flags & NIR) != 0,
      );
    else
      adjointRow(lu, li, gD + row, gS + row, 0, gCount, pre ? pre + row : 0, um + row, sp, N, theta, alpha, beta, c, flags, kind, s, ps, window);
  }
}

/**
 * One step n of a recurrent population's adjoint recursion, time-major over B samples:
 * LU, LI and recG (= V li, from gemm) are [B, N]; gD, gS, pre, spiked are [B, T, N];
 * gCount [B, N] (f64) or 0. Samples whose lastOf < n are left as they are. Sample b's
 * membranes and spike gradients are the row b umSample + umStep of um and gS (N f32 a row):
 * T and n for them as [B, T, N], 1 and 0 for step n's rows alone ([B, N], scatterKept's).
 */
export function adjointStepBatch(
  LU: usize,
  LI: usize,
  recG: usize,
  N: i32,
  T: i32,
  B: i32,
  n: i32,
  lastOf: usize,
  gD: usize,
  gS: usize,
  gCount: usize,
  pre: usize,
  um: usize,
  spiked: usize,
  theta: f64,
  alpha: f64,
  beta: f64,
  c: f64,
  flags: i32,
  kind: i32,
  s: f64,
  ps: f64,
  window: f64,
  umSample: i32,
  umStep: i32,
): void {
  const rowBytes = <usize>N << 2;
  for (let b = 0; b < B; b++) {
    if (n > load<i32>(lastOf + (<usize>b << 2))) continue;
    const el = <usize>(b * T + n) * N;
    const row = el << 2;
    const so = <usize>b * rowBytes;
    const kr = <usize>(b * umSample + umStep) * rowBytes;
    adjointRow(
      LU + so,
      LI + so,
      gD + row,
      gS + kr,
      recG + so,
      gCount ? gCount + (<usize>b * N << 3) : 0,
      pre ? pre + row : 0,
      um + kr,
      spiked + el,
      N,
      theta,
      alpha,
      beta,
      c,
      flags,
      kind,
      s,
      ps,
      window,
    );
  }
}

/**
 * adjointStepBatch for a LIF population with a constant per neuron (consts: alpha, beta, c,
 * theta as four f64 arrays of N, as lifForwardNeurons). Where grads is not 0 (four f64 arrays
 * of N, the same order) it adds the constants' gradients as neurons.ts's neuronAdjointBatch
 * does, in the same order (steps down, samples, units), from traceI (lifForwardNeurons'):
 *   alpha += li I[n] (SpyTorch; NIR: I[n-1]),  beta += lu keep U[n] (NIR: lu R[n]),
 *   c += lu keep I[n] (NIR: lu I[n]),  theta += -g sg - S (lu (NIR: beta lu)) (subtractive)
 * with lu, li the adjoints before the step's update and g the step's total dL/dS. um,
 * umSample, umStep as adjointStepBatch's.
 */
export function adjointStepBatchNeurons(
  LU: usize,
  LI: usize,
  recG: usize,
  N: i32,
  T: i32,
  B: i32,
  n: i32,
  lastOf: usize,
  gD: usize,
  gS: usize,
  gCount: usize,
  pre: usize,
  um: usize,
  spiked: usize,
  consts: usize,
  flags: i32,
  kind: i32,
  s: f64,
  ps: f64,
  window: f64,
  traceI: usize,
  grads: usize,
  umSample: i32,
  umStep: i32,
): void {
  const rowBytes = <usize>N << 2;
  const zero = (flags & ZERO_RESET) != 0;
  const differentiated = (flags & DIFFERENTIATED) != 0;
  const sparse = (flags & SPARSE) != 0;
  const nir = (flags & NIR) != 0;
  const aP = consts;
  const bP = consts + (<usize>N << 3);
  const cP = consts + (<usize>N << 4);
  const tP = consts + (<usize>N << 3) * 3;
  const gaP = grads;
  const gbP = grads + (<usize>N << 3);
  const gcP = grads + (<usize>N << 4);
  const gtP = grads + (<usize>N << 3) * 3;
  const one = f64x2.splat(1);
  const zero2 = f64x2.splat(0);
  for (let b = 0; b < B; b++) {
    if (n > load<i32>(lastOf + (<usize>b << 2))) continue;
    const el = <usize>(b * T + n) * N;
    const row = el << 2;
    const so = <usize>b * rowBytes;
    const lu = LU + so;
    const li = LI + so;
    const rg = recG ? recG + so : 0;
    const gc = gCount ? gCount + (<usize>b * N << 3) : 0;
    const sp = spiked + el;
    const kr = <usize>(b * umSample + umStep) * rowBytes;
    const um_ = um + kr;
    const gS_ = gS + kr;
    const tI = traceI + row;
    let j = 0;
    for (; j + 2 <= N; j += 2) {
      const o = <usize>j << 2;
      const q = <usize>j << 3;
      const alpha2 = v128.load(aP + q);
      const beta2 = v128.load(bP + q);
      const c2 = v128.load(cP + q);
      const theta2 = v128.load(tP + q);
      const u = ld2(lu + o);
      const l = ld2(li + o);
      v128.store64_lane(gD + row + o, v128.load64_zero(li + o), 0);
      let g = ld2(gS_ + o);
      if (rg) g = f64x2.add(g, ld2(rg + o));
      if (gc) g = f64x2.add(g, v128.load(gc + q));
      if (differentiated) g = f64x2.sub(g, f64x2.mul(u, zero ? ld2(pre + row + o) : nir ? f64x2.mul(beta2, theta2) : theta2));
      const m = ld2(um_ + o);
      const sb = load<u16>(sp + j);
      const sv = f64x2.replace_lane(f64x2.splat(<f64>(sb & 255)), 1, <f64>(sb >> 8));
      const dsdu = surrogate2(f64x2.sub(m, theta2), kind, s, ps, sparse, window);
      const keep = zero ? f64x2.sub(one, sv) : one;
      const nu = f64x2.add(f64x2.mul(g, dsdu), f64x2.mul(f64x2.mul(beta2, keep), u));
      if (grads) {
        const iN = ld2(tI + o);
        const iPrev = nir ? (n > 0 ? ld2(tI - rowBytes + o) : zero2) : iN;
        v128.store(gaP + q, f64x2.add(v128.load(gaP + q), f64x2.mul(l, iPrev)));
        const r = zero ? f64x2.mul(m, keep) : f64x2.sub(m, f64x2.mul(theta2, sv));
        v128.store(gbP + q, f64x2.add(v128.load(gbP + q), f64x2.mul(u, nir ? r : f64x2.mul(keep, m))));
        v128.store(gcP + q, f64x2.add(v128.load(gcP + q), f64x2.mul(f64x2.mul(u, nir ? one : keep), iN)));
        let dth = f64x2.mul(f64x2.neg(g), dsdu);
        if (!zero) dth = f64x2.sub(dth, f64x2.mul(sv, nir ? f64x2.mul(beta2, u) : u));
        v128.store(gtP + q, f64x2.add(v128.load(gtP + q), dth));
      }
      st2(lu + o, nu);
      st2(li + o, f64x2.add(f64x2.mul(alpha2, l), f64x2.mul(c2, nir ? nu : f64x2.mul(keep, u))));
    }
    for (; j < N; j++) {
      const o = <usize>j << 2;
      const q = <usize>j << 3;
      const al = load<f64>(aP + q);
      const be = load<f64>(bP + q);
      const cj = load<f64>(cP + q);
      const th = load<f64>(tP + q);
      const u = <f64>load<f32>(lu + o);
      const l = <f64>load<f32>(li + o);
      store<f32>(gD + row + o, <f32>l);
      let g = <f64>load<f32>(gS_ + o);
      if (rg) g += <f64>load<f32>(rg + o);
      if (gc) g += load<f64>(gc + q);
      if (differentiated) g -= zero ? u * <f64>load<f32>(pre + row + o) : u * (nir ? be * th : th);
      const m = <f64>load<f32>(um_ + o);
      const sv = <f64>load<u8>(sp + j);
      const dsdu = surrogate1(m - th, kind, s, ps, sparse, window);
      const keep = zero ? 1 - sv : 1;
      const nu = g * dsdu + be * keep * u;
      if (grads) {
        const iN = <f64>load<f32>(tI + o);
        const iPrev = nir ? (n > 0 ? <f64>load<f32>(tI - rowBytes + o) : 0) : iN;
        store<f64>(gaP + q, load<f64>(gaP + q) + l * iPrev);
        const r = zero ? m * keep : m - th * sv;
        store<f64>(gbP + q, load<f64>(gbP + q) + u * (nir ? r : keep * m));
        store<f64>(gcP + q, load<f64>(gcP + q) + u * (nir ? 1 : keep) * iN);
        let dth = -g * dsdu;
        if (!zero) dth -= sv * (nir ? be * u : u);
        store<f64>(gtP + q, load<f64>(gtP + q) + dth);
      }
      store<f32>(lu + o, <f32>nu);
      store<f32>(li + o, <f32>(al * l + cj * (nir ? nu : keep * u)));
    }
  }
}

// ---------------------------------------------------------------------------------------
// Dense products

/**
 * The panel form of b = w^T that gemm takes: w is [rows, cols] f32 row-major, so b is
 * [K = cols, M = rows]; dst gets ceil(M / 8) panels of [K, 8] (b's columns 8p..8p+7, row
 * by row, 32 bytes a row; columns past M are zero). gemm then reads each panel as one
 * contiguous run instead of K rows 4 M bytes apart, which measured 15 G multiply-adds/s at
 * 200 x 200 against 20-24 packed.
 */
export function packPanels(dst: usize, w: usize, rows: i32, cols: i32): void {
  const wRow = <usize>cols << 2;
  for (let i = 0; i < rows; i += 8) {
    const panel = dst + <usize>(i >> 3) * (<usize>cols << 5);
    const width = min(8, rows - i);
    for (let k = 0; k < cols; k++) {
      const d = panel + (<usize>k << 5);
      const src = w + <usize>i * wRow + (<usize>k << 2);
      let j = 0;
      for (; j < width; j++) store<f32>(d + (<usize>j << 2), load<f32>(src + <usize>j * wRow));
      for (; j < 8; j++) store<f32>(d + (<usize>j << 2), 0);
    }
  }
}

/**
 * out[r, :] = (accumulate ? out[r, :] : 0) + sum_k a[r, k] b[k, :]: a is [R, K], out is
 * [R, M], f32 row-major; b is [K, M] in panel form (packPanels). Register-blocked: 4 rows of
 * a by one panel of 8 columns (eight f32x4 accumulators), then the rows left one at a time.
 * Every entry takes its K products in k order, a multiply then an add rounded each, as a
 * scalar f32 loop would. A block of four rows of a that are all zero is skipped (out stays,
 * or is zeroed), after a check that costs 4 K loads.
 */
export function gemm(out: usize, a: usize, b: usize, R: i32, K: i32, M: i32, accumulate: bool): void {
  const aRow = <usize>K << 2;
  const oRow = <usize>M << 2;
  const panelBytes = <usize>K << 5;
  let r = 0;
  for (; r + 4 <= R; r += 4) {
    const a0 = a + <usize>r * aRow;
    const o0 = out + <usize>r * oRow;
    const o1 = o0 + oRow;
    const o2 = o1 + oRow;
    const o3 = o2 + oRow;
    // Four rows of a that are all zero (a sample whose adjoint has not started yet, a step
    // after the readout's arg-max) add nothing: skip them, as the JS loops skip zero entries.
    if (zeroRows(a0, 4 * K)) {
      if (!accumulate) memory.fill(o0, 0, 4 * oRow);
      continue;
    }
    let panel = b;
    for (let i = 0; i < M; i += 8) {
      const io = <usize>i << 2;
      const full = i + 8 <= M;
      let c00 = f32x4.splat(0);
      let c01 = c00;
      let c10 = c00;
      let c11 = c00;
      let c20 = c00;
      let c21 = c00;
      let c30 = c00;
      let c31 = c00;
      if (accumulate) {
        if (full) {
          c00 = v128.load(o0 + io);
          c01 = v128.load(o0 + io, 16);
          c10 = v128.load(o1 + io);
          c11 = v128.load(o1 + io, 16);
          c20 = v128.load(o2 + io);
          c21 = v128.load(o2 + io, 16);
          c30 = v128.load(o3 + io);
          c31 = v128.load(o3 + io, 16);
        } else {
          c00 = loadPartial(o0 + io, M - i);
          c01 = loadPartial(o0 + io + 16, M - i - 4);
          c10 = loadPartial(o1 + io, M - i);
          c11 = loadPartial(o1 + io + 16, M - i - 4);
          c20 = loadPartial(o2 + io, M - i);
          c21 = loadPartial(o2 + io + 16, M - i - 4);
          c30 = loadPartial(o3 + io, M - i);
          c31 = loadPartial(o3 + io + 16, M - i - 4);
        }
      }
      let ap = a0;
      let bp = panel;
      const end = panel + panelBytes;
      while (bp < end) {
        const b0 = v128.load(bp);
        const b1 = v128.load(bp, 16);
        const x0 = v128.load32_splat(ap);
        const x1 = v128.load32_splat(ap + aRow);
        const x2 = v128.load32_splat(ap + 2 * aRow);
        const x3 = v128.load32_splat(ap + 3 * aRow);
        c00 = f32x4.add(c00, f32x4.mul(x0, b0));
        c01 = f32x4.add(c01, f32x4.mul(x0, b1));
        c10 = f32x4.add(c10, f32x4.mul(x1, b0));
        c11 = f32x4.add(c11, f32x4.mul(x1, b1));
        c20 = f32x4.add(c20, f32x4.mul(x2, b0));
        c21 = f32x4.add(c21, f32x4.mul(x2, b1));
        c30 = f32x4.add(c30, f32x4.mul(x3, b0));
        c31 = f32x4.add(c31, f32x4.mul(x3, b1));
        bp += 32;
        ap += 4;
      }
      panel = end;
      if (full) {
        v128.store(o0 + io, c00);
        v128.store(o0 + io, c01, 16);
        v128.store(o1 + io, c10);
        v128.store(o1 + io, c11, 16);
        v128.store(o2 + io, c20);
        v128.store(o2 + io, c21, 16);
        v128.store(o3 + io, c30);
        v128.store(o3 + io, c31, 16);
      } else {
        storePartial(o0 + io, c00, c01, M - i);
        storePartial(o1 + io, c10, c11, M - i);
        storePartial(o2 + io, c20, c21, M - i);
        storePartial(o3 + io, c30, c31, M - i);
      }
    }
  }
  // The rows left: one row of a by one panel, two accumulators.
  for (; r < R; r++) {
    const ar = a + <usize>r * aRow;
    const o = out + <usize>r * oRow;
    let panel = b;
    for (let i = 0; i < M; i += 8) {
      const io = <usize>i << 2;
      let c0 = accumulate ? loadPartial(o + io, M - i) : f32x4.splat(0);
      let c1 = accumulate ? loadPartial(o + io + 16, M - i - 4) : f32x4.splat(0);
      let ap = ar;
      let bp = panel;
      const end = panel + panelBytes;
      while (bp < end) {
        const x = v128.load32_splat(ap);
        c0 = f32x4.add(c0, f32x4.mul(x, v128.load(bp)));
        c1 = f32x4.add(c1, f32x4.mul(x, v128.load(bp, 16)));
        bp += 32;
        ap += 4;
      }
      panel = end;
      storePartial(o + io, c0, c1, M - i);
    }
  }
}

/** The first min(n, 4) f32 at p as the lanes of an f32x4, zeros after (none for n <= 0). */
@inline
function loadPartial(p: usize, n: i32): v128 {
  if (n >= 4) return v128.load(p);
  let v = f32x4.splat(0);
  if (n > 0) v = f32x4.replace_lane(v, 0, load<f32>(p));
  if (n > 1) v = f32x4.replace_lane(v, 1, load<f32>(p, 4));
  if (n > 2) v = f32x4.replace_lane(v, 2, load<f32>(p, 8));
  return v;
}

/** The first n (up to 8) lanes of c0 then c1 stored as f32 from p. */
@inline
function storePartial(p: usize, c0: v128, c1: v128, n: i32): void {
  if (n >= 8) {
    v128.store(p, c0);
    v128.store(p, c1, 16);
    return;
  }
  const tmp = changetype<usize>(memory.data(32, 16));
  v128.store(tmp, c0);
  v128.store(tmp, c1, 16);
  for (let j = 0; j < n; j++) store<f32>(p + (<usize>j << 2), load<f32>(tmp + (<usize>j << 2)));
}

/**
 * The last of T rows of N f32 from p (row T - 1 first) that holds a nonzero (either sign of
 * zero counts as zero, NaN does not), or -1: where a sample's gradient ends.
 */
export function lastNonzeroRow(p: usize, T: i32, N: i32): i32 {
  const rowBytes = <usize>N << 2;
  let last = T - 1;
  while (last >= 0 && zeroRows(p + <usize>last * rowBytes, N)) last--;
  return last;
}

/** Whether the n f32 from p are all zero (either sign). */
@inline
function zeroRows(p: usize, n: i32): bool {
  let any = i32x4.splat(0);
  const mask = i32x4.splat(0x7fffffff);
  let j = 0;
  for (; j + 4 <= n; j += 4) any = v128.or(any, v128.and(v128.load(p + (<usize>j << 2)), mask));
  if (v128.any_true(any)) return false;
  for (; j < n; j++) if ((load<u32>(p + (<usize>j << 2)) & 0x7fffffff) != 0) return false;
  return true;
}

// ---------------------------------------------------------------------------------------
// Sparse backward (Perez-Nieves & Goodman 2021): products only where the surrogate is nonzero

/**
 * One row of a sparse product: out[j] (+)= sum_k g[k] W[j, k] for the units j of the row whose
 * membrane m[j] is inside the surrogate window, |m[j] - theta_j| < window (surrogate1's test);
 * the others are left (accumulate) or zeroed. W is [M, K] row-major (a connection's weights as
 * stored, [source, target]), so each entry is a dot product of two contiguous rows: four active
 * units at a time share the loads of g. Returns the number of entries computed.
 */
@inline
function sparseRow(
  out: usize,
  li: usize,
  V: usize,
  K: i32,
  N: i32,
  m: usize,
  theta: f64,
  thetas: usize,
  window: f64,
  active: usize,
  accumulate: bool,
): i32 {
  if (!accumulate) memory.fill(out, 0, <usize>N << 2);
  if (zeroRows(li, K)) return 0;
  // The active units of this row, as a list in `active` (N i32).
  // Branch-free: every unit's index is written at the end of the list, which grows by
  // one where the unit is inside the window (the test in f64, as surrogate1's).
  let count = 0;
  let j = 0;
  const w2 = f64x2.splat(window);
  const t2 = f64x2.splat(theta);
  for (; j + 2 <= N; j += 2) {
    const th = thetas ? v128.load(thetas + (<usize>j << 3)) : t2;
    const x = f64x2.sub(f64x2.promote_low_f32x4(v128.load64_zero(m + (<usize>j << 2))), th);
    const inside = i64x2.bitmask(v128.and(f64x2.lt(x, w2), f64x2.gt(x, f64x2.neg(w2))));
    store<i32>(active + (<usize>count << 2), j);
    count += inside & 1;
    store<i32>(active + (<usize>count << 2), j + 1);
    count += inside >> 1;
  }
  for (; j < N; j++) {
    const x = <f64>load<f32>(m + (<usize>j << 2)) - (thetas ? load<f64>(thetas + (<usize>j << 3)) : theta);
    store<i32>(active + (<usize>count << 2), j);
    if (x < window && x > -window) count++;
  }
  sparseDots(out, li, V, K, active, count, accumulate);
  return count;
}

/**
 * out[j] (+)= sum_k li[k] V[j, k] for the `count` units j listed (i32) at `active` (byEntry:
 * out[q] for the q-th listed unit instead); V is [., K] row-major, so each entry is a dot
 * product of two contiguous rows, and four units at a time share the loads of li.
 */
@inline
function sparseDots(out: usize, li: usize, V: usize, K: i32, active: usize, count: i32, accumulate: bool, byEntry: bool = false): void {
  const rowBytes = <usize>K << 2;
  let q = 0;
  for (; q + 4 <= count; q += 4) {
    const j0 = load<i32>(active + (<usize>q << 2));
    const j1 = load<i32>(active + (<usize>q << 2), 4);
    const j2 = load<i32>(active + (<usize>q << 2), 8);
    const j3 = load<i32>(active + (<usize>q << 2), 12);
    const v0 = V + <usize>j0 * rowBytes;
    const v1 = V + <usize>j1 * rowBytes;
    const v2 = V + <usize>j2 * rowBytes;
    const v3 = V + <usize>j3 * rowBytes;
    let a0 = f32x4.splat(0);
    let a1 = a0;
    let a2 = a0;
    let a3 = a0;
    let k = 0;
    for (; k + 4 <= K; k += 4) {
      const ko = <usize>k << 2;
      const l = v128.load(li + ko);
      a0 = f32x4.add(a0, f32x4.mul(l, v128.load(v0 + ko)));
      a1 = f32x4.add(a1, f32x4.mul(l, v128.load(v1 + ko)));
      a2 = f32x4.add(a2, f32x4.mul(l, v128.load(v2 + ko)));
      a3 = f32x4.add(a3, f32x4.mul(l, v128.load(v3 + ko)));
    }
    let s0 = hsum(a0);
    let s1 = hsum(a1);
    let s2 = hsum(a2);
    let s3 = hsum(a3);
    for (; k < K; k++) {
      const l = load<f32>(li + (<usize>k << 2));
      const ko = <usize>k << 2;
      s0 += l * load<f32>(v0 + ko);
      s1 += l * load<f32>(v1 + ko);
      s2 += l * load<f32>(v2 + ko);
      s3 += l * load<f32>(v3 + ko);
    }
    put(out + (<usize>(byEntry ? q : j0) << 2), s0, accumulate);
    put(out + (<usize>(byEntry ? q + 1 : j1) << 2), s1, accumulate);
    put(out + (<usize>(byEntry ? q + 2 : j2) << 2), s2, accumulate);
    put(out + (<usize>(byEntry ? q + 3 : j3) << 2), s3, accumulate);
  }
  for (; q < count; q++) {
    const j = load<i32>(active + (<usize>q << 2));
    const v = V + <usize>j * rowBytes;
    let a = f32x4.splat(0);
    let k = 0;
    for (; k + 4 <= K; k += 4) a = f32x4.add(a, f32x4.mul(v128.load(li + (<usize>k << 2)), v128.load(v + (<usize>k << 2))));
    let s = hsum(a);
    for (; k < K; k++) s += load<f32>(li + (<usize>k << 2)) * load<f32>(v + (<usize>k << 2));
    put(out + (<usize>(byEntry ? q : j) << 2), s, accumulate);
  }
}

/**
 * The sparse backward's recurrent product (Perez-Nieves & Goodman 2021): recG[b, j] =
 * sum_k LI[b, k] V[j, k] only where step n's surrogate is inside the window, |um[b, n, j] -
 * theta_j| < window, and 0 elsewhere, where the adjoint step multiplies it by a zero
 * surrogate. V is the recurrent weight matrix as stored, [N source, N target]. thetas: N f64
 * thresholds, or 0 for the scalar theta. Samples past their lastOf are left as they are
 * (adjointStepBatch skips them too). Returns the number of entries computed.
 */
export function sparseRecurrentGrad(
  recG: usize,
  LI: usize,
  V: usize,
  N: i32,
  T: i32,
  B: i32,
  n: i32,
  lastOf: usize,
  um: usize,
  theta: f64,
  thetas: usize,
  window: f64,
  active: usize,
): i32 {
  const rowBytes = <usize>N << 2;
  let computed = 0;
  for (let b = 0; b < B; b++) {
    if (n > load<i32>(lastOf + (<usize>b << 2))) continue;
    computed += sparseRow(
      recG + <usize>b * rowBytes,
      LI + <usize>b * rowBytes,
      V,
      N,
      N,
      um + (<usize>(b * T + n) * N << 2),
      theta,
      thetas,
      window,
      active,
      false,
    );
  }
  return computed;
}

/**
 * The sparse backward's gradient to a spiking source of a feed-forward connection, for all R =
 * B T (sample, step) rows: gS[r, j] (+)= sum_k gD[r, k] W[j, k] where the source's surrogate
 * at (r, j) is inside the window (um: the source's membranes, [R, M]); elsewhere left
 * (accumulate) or 0. gD is [R, K] (K target units), W [M, K] as stored.
 */
export function sparseSourceGrad(
  gS: usize,
  gD: usize,
  W: usize,
  R: i32,
  K: i32,
  M: i32,
  um: usize,
  theta: f64,
  thetas: usize,
  window: f64,
  active: usize,
  accumulate: bool,
): i32 {
  let computed = 0;
  for (let r = 0; r < R; r++) {
    const o = <usize>r * M << 2;
    computed += sparseRow(gS + o, gD + (<usize>r * K << 2), W, K, M, um + o, theta, thetas, window, active, accumulate);
  }
  return computed;
}

/**
 * sparseRecurrentGrad on the kept membranes (keepActive's lists, one per (sample, step) row,
 * r = b T + n): the units listed for row (b, n) are those inside the window, so no membrane
 * is read. The same entries, the same floats.
 */
export function sparseRecurrentGradKept(
  recG: usize,
  LI: usize,
  V: usize,
  N: i32,
  T: i32,
  B: i32,
  n: i32,
  lastOf: usize,
  actOffsets: usize,
  actUnits: usize,
): i32 {
  const rowBytes = <usize>N << 2;
  let computed = 0;
  for (let b = 0; b < B; b++) {
    if (n > load<i32>(lastOf + (<usize>b << 2))) continue;
    computed += keptRow(recG + <usize>b * rowBytes, LI + <usize>b * rowBytes, V, N, N, actOffsets, actUnits, b * T + n, false, false);
  }
  return computed;
}

/**
 * sparseSourceGrad on the source's kept membranes (keepActive's lists, one per row r < R),
 * into gS aligned with the lists: gS[e] (+)= the dot product of the e-th listed entry. The
 * entries outside the window get nothing and have no place.
 */
export function sparseSourceGradKept(
  gS: usize,
  gD: usize,
  W: usize,
  R: i32,
  K: i32,
  M: i32,
  actOffsets: usize,
  actUnits: usize,
  accumulate: bool,
): i32 {
  let computed = 0;
  for (let r = 0; r < R; r++)
    computed += keptRow(gS, gD + (<usize>r * K << 2), W, K, M, actOffsets, actUnits, r, accumulate, true);
  return computed;
}

/**
 * sparseRow for row r of the kept lists: out (N f32) gets the dot products of its units, or,
 * byEntry, out's entries of row r (aligned with the lists) get them in list order.
 */
@inline
function keptRow(out: usize, li: usize, V: usize, K: i32, N: i32, actOffsets: usize, actUnits: usize, r: i32, accumulate: bool, byEntry: bool): i32 {
  const first = load<i32>(actOffsets + (<usize>r << 2));
  const count = load<i32>(actOffsets + (<usize>(r + 1) << 2)) - first;
  const o = byEntry ? out + (<usize>first << 2) : out;
  if (!accumulate) memory.fill(o, 0, <usize>(byEntry ? count : N) << 2);
  if (zeroRows(li, K)) return 0;
  sparseDots(o, li, V, K, actUnits + (<usize>first << 2), count, accumulate, byEntry);
  return count;
}

/** Stores s at p, or adds it to what p holds. */
@inline
function put(p: usize, s: f32, accumulate: bool): void {
  store<f32>(p, accumulate ? load<f32>(p) + s : s);
}

/** The sum of an f32x4's lanes, (0 + 1) + (2 + 3). */
@inline
function hsum(a: v128): f32 {
  return (f32x4.extract_lane(a, 0) + f32x4.extract_lane(a, 1)) + (f32x4.extract_lane(a, 2) + f32x4.extract_lane(a, 3));
}

/** Where the module's own data ends: the caller's memory starts above it. */
export function heapBase(): usize {
  return __heap_base;
}
