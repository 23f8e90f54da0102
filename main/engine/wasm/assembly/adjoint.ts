// The adjoint recursion: the surrogates, one step of it per row, per sample and time-major.
// One part of the module whose entry is kernels.ts (its header: the exactness rules every part keeps).

import { ld2, st2 } from './lanes';

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
