// Helpers the kernels share: row adds, f32 pairs as f64x2, the zero scan. One part of the
// module whose entry is kernels.ts (its header: the exactness rules every part keeps).

/** a[j] += b[j] for j < n (f32), four lanes at a time. */
@inline
export function addRow(a: usize, b: usize, n: i32): void {
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

/** Two f32 at p as f64x2. */
@inline
export function ld2(p: usize): v128 {
  return f64x2.promote_low_f32x4(v128.load64_zero(p));
}

/** f64x2 v stored as two f32 at p. */
@inline
export function st2(p: usize, v: v128): void {
  v128.store64_lane(p, f32x4.demote_f64x2_zero(v), 0);
}

/** The f64x2 of lanes j, j + 1 of the f64 array at p. */
@inline
export function ldd(p: usize, j: i32): v128 {
  return v128.load(p + (<usize>j << 3));
}

/** Whether the n f32 from p are all zero (either sign). */
@inline
export function zeroRows(p: usize, n: i32): bool {
  let any = i32x4.splat(0);
  const mask = i32x4.splat(0x7fffffff);
  let j = 0;
  for (; j + 4 <= n; j += 4) any = v128.or(any, v128.and(v128.load(p + (<usize>j << 2)), mask));
  if (v128.any_true(any)) return false;
  for (; j < n; j++) if ((load<u32>(p + (<usize>j << 2)) & 0x7fffffff) != 0) return false;
  return true;
}
