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
// This entry re-exports the kernels, one file a part: rows.ts (row adds), lif.ts (LIF and
// readout forward), adjoint.ts (the adjoint recursion), products.ts (packPanels, gemm),
// sparse.ts (the sparse backward's products and kept lists); lanes.ts has the helpers they share.

export { addSpikeRows, accumulateWeightGrad } from './rows';
export { lifForward, lifForwardNeurons, readoutForward } from './lif';
export { adjointSample, adjointStepBatch, adjointStepBatchNeurons } from './adjoint';
export { packPanels, gemm, lastNonzeroRow } from './products';
export { scatterKept, sparseRecurrentGrad, sparseSourceGrad, sparseRecurrentGradKept, sparseSourceGradKept } from './sparse';

/** Where the module's own data ends: the caller's memory starts above it. */
export function heapBase(): usize {
  return __heap_base;
}
