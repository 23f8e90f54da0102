// Spike batches (main/data/types.ts: CSR over (sample, step)) cut, split and walked. Both
// engines, the parallel engine, the trainer and the training worker use these, so the oracle
// (reference engine) shares no code with the engine it checks beyond this plain data access.
import type { SpikeBatch } from '../data/types';

/** Calls `visit(sample, step, unit)` for every event of the first `samples` samples, in order. */
export function forEachSpike(
  batch: SpikeBatch,
  visit: (sample: number, step: number, unit: number) => void,
  samples = batch.batchSize,
) {
  const T = batch.timeSteps;
  const { offsets, units } = batch;
  for (let b = 0; b < Math.min(samples, batch.batchSize); b++)
    for (let n = 0; n < T; n++) {
      const end = offsets[b * T + n + 1] as number;
      for (let e = offsets[b * T + n] as number; e < end; e++) visit(b, n, units[e] as number);
    }
}

/** Events of the first `samples` samples as flat [sample, step, unit] triples. */
export function spikeTriples(
  offsets: Int32Array,
  units: Int32Array,
  timeSteps: number,
  samples: number,
): Int32Array<ArrayBuffer> {
  const out = new Int32Array(3 * ((offsets[samples * timeSteps] as number) - (offsets[0] as number)));
  let k = 0;
  for (let b = 0; b < samples; b++)
    for (let n = 0; n < timeSteps; n++) {
      const end = offsets[b * timeSteps + n + 1] as number;
      for (let e = offsets[b * timeSteps + n] as number; e < end; e++) {
        out[k++] = b;
        out[k++] = n;
        out[k++] = units[e] as number;
      }
    }
  return out;
}

/** The batch as dense 0/1 values [sample][step][unit]. */
export function denseSpikes(batch: SpikeBatch, units = batch.inputUnits): Float32Array {
  const dense = new Float32Array(batch.batchSize * batch.timeSteps * units);
  for (let r = 0; r < batch.batchSize * batch.timeSteps; r++)
    for (let e = batch.offsets[r] as number; e < (batch.offsets[r + 1] as number); e++)
      dense[r * units + (batch.units[e] as number)] = 1;
  return dense;
}

/** Events per (sample, step, unit) cell of the batch: its density. */
export function spikeDensity(batch: SpikeBatch): number {
  const cells = batch.batchSize * batch.timeSteps * batch.inputUnits;
  return cells === 0 ? 0 : (batch.offsets[batch.batchSize * batch.timeSteps] as number) / cells;
}

/** Samples [from, to) of a batch, sharing nothing with it (offsets rebased to 0). */
export function sliceBatch(batch: SpikeBatch, from: number, to: number): SpikeBatch {
  const T = batch.timeSteps;
  const base = batch.offsets[from * T] as number;
  const offsets = new Int32Array((to - from) * T + 1);
  for (let r = 0; r <= (to - from) * T; r++) offsets[r] = (batch.offsets[from * T + r] as number) - base;
  return {
    batchSize: to - from,
    timeSteps: T,
    inputUnits: batch.inputUnits,
    offsets,
    units: batch.units.slice(base, batch.offsets[to * T] as number),
    labels: batch.labels.slice(from, to),
  };
}

/** At most `parts` contiguous sub-batches of near-equal size, each of at least `minSize` samples. */
export function splitBatch(batch: SpikeBatch, parts: number, minSize = 8): SpikeBatch[] {
  const B = batch.batchSize;
  const k = Math.max(1, Math.min(parts, Math.floor(B / minSize)));
  if (k === 1) return [batch];
  return Array.from({ length: k }, (_, p) => sliceBatch(batch, Math.floor((p * B) / k), Math.floor(((p + 1) * B) / k)));
}
