// The sparse backward (Perez-Nieves & Goodman 2021): products only where the surrogate is
// nonzero, on the membranes or on the kept lists, and the lists' rows scattered for the
// adjoint. One part of the module whose entry is kernels.ts (its header: the exactness rules
// every part keeps).

import { zeroRows } from './lanes';

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
