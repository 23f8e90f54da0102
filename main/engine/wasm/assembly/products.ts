// Dense products: W^T in panel form (packPanels), gemm, and the last nonzero row. One part of
// the module whose entry is kernels.ts (its header: the exactness rules every part keeps).

import { zeroRows } from './lanes';

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
