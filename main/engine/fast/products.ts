// The dense products of the fast engine's JS paths: the recurrent V li (in the kernels'
// gemm where they run, else tfjs matMul or a JS loop) and the gradient to a spiking source,
// gD W^T (JS, or tfjs). tfjs is never imported here: initBackend (backend.ts) provides it, so a
// process or thread on the kernels does not load it.
import type * as TF from '@tensorflow/tfjs';
import type { FloatArray } from '../loss';
import { at, type KernelExports } from '../wasm/kernels';

/** TensorFlow.js, once initBackend has loaded it (~85 MB resident; null until then). */
let tf: typeof TF | null = null;

/** Called by initBackend once tfjs has a backend. */
export function provideTfjs(module: typeof TF) {
  tf = module;
}

/** Whether tfjs is loaded with a backend that beats the JS loops (WASM/XNNPACK or native). */
export function tfjsProductsAvailable(): boolean {
  return tf !== null && ['wasm', 'tensorflow'].includes(tf.getBackend() ?? '');
}

/**
 * The kernels' memory a RecurrentProduct works in: V^T in gemm's panel form (packPanels,
 * panelLength(N, N)), LI and the product ([B, N] each).
 */
export interface KernelProduct {
  k: KernelExports;
  Vpanels: Float32Array;
  LI: Float32Array;
  recG: Float32Array;
}

/**
 * out[b, j] = sum_k V[j, k] li[b, k] for all B samples at once: li [B, N] times V^T. V is
 * rearranged once per batch: into gemm's panels in the kernels (one gemm per step there),
 * else transposed, so tfjs (WASM/XNNPACK) takes one matMul per step and JS an axpy per
 * nonzero li entry, both over contiguous rows.
 */
export class RecurrentProduct {
  private readonly Vt: FloatArray;
  private readonly out: FloatArray;
  private readonly tensor: TF.Tensor2D | null;
  private readonly tf: typeof TF | null;

  private readonly kernels: KernelProduct | null;

  /** With `kernels` (V is then the kernels' copy of the weights), one gemm per step there. */
  constructor(
    V: FloatArray,
    private readonly N: number,
    private readonly B: number,
    useTf: boolean,
    kernels: KernelProduct | null = null,
  ) {
    this.kernels = kernels;
    if (kernels) {
      kernels.k.packPanels(at(kernels.Vpanels), at(V as Float32Array), N, N);
      this.Vt = new Float32Array(0); // the kernels read kernels.Vpanels
      this.out = kernels.recG;
      this.tensor = null;
      this.tf = null;
      return;
    }
    const Vt = V instanceof Float32Array ? new Float32Array(N * N) : new Float64Array(N * N);
    for (let j = 0; j < N; j++) for (let k = 0; k < N; k++) Vt[k * N + j] = V[j * N + k] as number;
    this.Vt = Vt;
    this.out = V instanceof Float32Array ? new Float32Array(B * N) : new Float64Array(B * N);
    this.tf = useTf ? tf : null;
    this.tensor = this.tf ? this.tf.tensor2d(Vt as Float32Array, [N, N]) : null;
  }

  apply(li: FloatArray): FloatArray {
    const { N, B, Vt } = this;
    if (this.kernels) {
      const { k, LI, recG, Vpanels } = this.kernels;
      if (li !== LI) LI.set(li);
      k.gemm(at(recG), at(LI), at(Vpanels), B, N, N, false);
      return recG;
    }
    const tf = this.tf;
    if (this.tensor && tf) {
      const t = this.tensor;
      const product = tf.tidy(() => tf.matMul(tf.tensor2d(li as Float32Array, [B, N]), t));
      const data = product.dataSync() as Float32Array;
      product.dispose();
      return data;
    }
    const out = this.out;
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
    return out;
  }

  dispose() {
    this.tensor?.dispose();
  }
}

/**
 * out[r, i] += sum_j W[i, j] g[r, j] for rows r < R: g is [R, N], W is [M, N], out is [R, M].
 * Rows of g that are all zero (after the readout's arg-max step, say) are skipped.
 */
export function addMatMulTransposed(out: FloatArray, g: FloatArray, W: FloatArray, R: number, N: number, M: number) {
  // W transposed to [N, M] so the inner loop runs over contiguous memory in both arrays.
  const Wt = new Float64Array(N * M);
  for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) Wt[j * M + i] = W[i * N + j] as number;
  for (let r = 0; r < R; r++) {
    const o = r * N;
    const so = r * M;
    for (let j = 0; j < N; j++) {
      const gj = g[o + j] as number;
      if (gj === 0) continue;
      const wo = j * M;
      for (let i = 0; i < M; i++) out[so + i] = (out[so + i] as number) + (Wt[wo + i] as number) * gj;
    }
  }
}

/**
 * addMatMulTransposed as one tfjs matMul (float32 only), or a plain store when `out` holds
 * nothing yet. W is transposed here first: XNNPACK's path for matMul(a, b, false, true) is
 * ~5x slower than for a plain product at these shapes.
 */
export function addMatMulTransposedTf(
  out: Float32Array,
  g: Float32Array,
  W: Float32Array,
  R: number,
  N: number,
  M: number,
  accumulate: boolean,
) {
  const Wt = new Float32Array(N * M);
  for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) Wt[j * M + i] = W[i * N + j] as number;
  const t = tf;
  if (!t) throw new Error('tfjs products need initBackend() first');
  const product = t.tidy(() => t.matMul(t.tensor2d(g, [R, N]), t.tensor2d(Wt, [N, M])));
  const data = product.dataSync() as Float32Array;
  product.dispose();
  if (!accumulate) out.set(data);
  else for (let i = 0; i < R * M; i++) out[i] = (out[i] as number) + (data[i] as number);
}
