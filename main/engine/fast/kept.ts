// The sparse backward's kept entries (Perez-Nieves & Goodman 2021): a LIF population's
// membranes U[n, j] where |U[n, j] - theta_j| < window, as one list per (sample, step) row
// r = b T + n, written by the forward kernel (keepActive), and the gradient to its spikes,
// dL/dS, at the same entries only. Only these entries get a nonzero surrogate, so the backward
// reads nothing else: the sparse products take the lists as they are, and the adjoint step
// reads dense rows scattered from them (scatterKept) whose other entries are +Infinity
// (outside every window) and 0. fastEngine.ts decides which populations keep lists
// (keepsWindowOnly) and runs a batch again when its lists outgrow their room (grownRoom).
import { type ArrayMaker, at, type KernelExports } from '../wasm/kernels';

export interface KeptMembranes {
  /** [B T + 1]: row r's entries are offsets[r] .. offsets[r + 1] - 1. */
  offsets: Int32Array;
  units: Int32Array;
  values: Float32Array;
  /**
   * dL/dS at the same entries, which is all of it the adjoint uses (it multiplies dL/dS by the
   * surrogate, zero elsewhere): the population's gS, written by sparseSourceGradKept.
   */
  grads: Float32Array;
  /**
   * max(B, T) dense rows of N for the adjoint: membranes (+Infinity outside a scatter) and
   * dL/dS (0; the adjoint multiplies those by a zero surrogate, and clearing them keeps
   * anything stale, even a NaN, from meeting it).
   */
  rows: Float32Array;
  gradRows: Float32Array;
}

/**
 * The kept lists of a population of N for B samples of T steps, made by `make`, with room
 * for `room` entries (default: an eighth of them, and a sample's worth more, which the forward
 * needs free before each sample); their dense rows cleared.
 */
export function makeKept(make: ArrayMaker, B: number, T: number, N: number, room?: number): KeptMembranes {
  const cells = B * T * N;
  const capacity = Math.min(cells, room ?? Math.ceil(cells / 8) + T * N);
  const kept = {
    offsets: make.i32(B * T + 1),
    units: make.i32(capacity),
    values: make.f32(capacity),
    grads: make.f32(capacity),
    rows: make.f32(Math.max(B, T) * N),
    gradRows: make.f32(Math.max(B, T) * N),
  };
  kept.rows.fill(Number.POSITIVE_INFINITY);
  kept.gradRows.fill(0);
  return kept;
}

/**
 * The room after `kept` outgrew its room in a batch of `cells` entries: twice as much, or
 * null where that passes half of them. The lists cost 12 bytes an entry (unit, membrane,
 * dL/dS) against every entry's 8, so past half the population keeps every entry instead and
 * the lists never cost more than the dense arrays (shared/graph/budgets.ts's figure holds).
 */
export function grownRoom(kept: KeptMembranes, cells: number): number | null {
  const room = 2 * kept.units.length;
  return 2 * room > cells ? null : room;
}

/** Entries kept by the last forward pass, and entries in all. */
export function keptCount(kept: KeptMembranes, N: number): { kept: number; entries: number } {
  const rows = kept.offsets.length - 1;
  return { kept: kept.offsets[rows] as number, entries: rows * N };
}

/**
 * The last step of sample b at which the kept dL/dS has a nonzero, or -1: where its gradient
 * ends (fastEngine.ts's lastNonzero, on the lists).
 */
export function lastKept(kept: KeptMembranes, b: number, T: number): number {
  for (let n = T - 1; n >= 0; n--) {
    const r = b * T + n;
    const end = kept.offsets[r + 1] as number;
    for (let e = kept.offsets[r] as number; e < end; e++) if ((kept.grads[e] as number) !== 0) return n;
  }
  return -1;
}

/**
 * Rows first, first + stride, ... (`rows` of them) of the kept membranes and dL/dS into
 * kept.rows and kept.gradRows, one dense row of N each, for the adjoint step; clear puts back
 * +Infinity and 0.
 */
export function scatterKept(
  k: KernelExports,
  kept: KeptMembranes,
  first: number,
  rows: number,
  stride: number,
  N: number,
  clear: boolean,
) {
  const [o, u] = [at(kept.offsets), at(kept.units)];
  k.scatterKept(at(kept.rows), o, u, at(kept.values), first, rows, stride, N, clear, Number.POSITIVE_INFINITY);
  k.scatterKept(at(kept.gradRows), o, u, at(kept.grads), first, rows, stride, N, clear, 0);
}
