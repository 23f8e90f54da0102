// The contract between datasets and the engine: spikes arrive as sparse events in typed
// arrays, never as dense [batch, time, units] tensors.

/**
 * A batch of spike trains in compressed sparse rows over (sample, time step):
 * the units that spike in sample b at step t are
 * `units[offsets[b * timeSteps + t] .. offsets[b * timeSteps + t + 1])`.
 */
export interface SpikeBatch {
  batchSize: number;
  timeSteps: number;
  /** Number of input channels (the width of the first weight matrix). */
  inputUnits: number;
  /** Length batchSize * timeSteps + 1, non-decreasing, offsets[0] = 0. */
  offsets: Int32Array;
  /** Unit index of each event, in [0, inputUnits). */
  units: Int32Array;
  /** Class of each sample, in [0, classes). */
  labels: Int32Array;
}

export type Split = 'train' | 'validation' | 'test';

export interface BatchOptions {
  batchSize: number;
  /** Shuffle with this seed (same seed and epoch, same order); no shuffling when absent. */
  shuffleSeed?: number;
  epoch?: number;
  /** Keep the last, smaller batch (default true for evaluation, false for training is up to the caller). */
  dropLast?: boolean;
}

export interface SpikeDataset {
  /** Human-readable name, e.g. "Fashion-MNIST (latency code)". */
  readonly name: string;
  readonly inputUnits: number;
  readonly classes: number;
  readonly timeSteps: number;
  size(split: Split): number;
  batches(split: Split, options: BatchOptions): Iterable<SpikeBatch>;
}
