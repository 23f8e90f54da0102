// What both engines answer, so the trainer, the CLI and the tests can hold either.
import type { SpikeBatch } from '../data/types';
import type { FloatArray } from './loss';
import type { WeightSet } from './plan';

export type EngineName = 'fast' | 'reference';

export interface BatchResult {
  /** Mean loss over the batch (main loss plus regularisers). */
  loss: number;
  /** Samples classified correctly. */
  correct: number;
  count: number;
  /** Predicted class per sample of the batch. */
  predictions: Int32Array;
}

export interface GradientResult extends BatchResult {
  /** dLoss/dW per trainable connection, row-major [sourceUnits, targetUnits]. */
  grads: Record<string, FloatArray>;
}

export interface RecordOptions {
  /** First this many samples of the batch are recorded (default 4). */
  samples?: number;
  /** Membrane traces of the first this many units of each population (default 16). */
  neurons?: number;
}

export interface PopulationRecording {
  id: string;
  name: string;
  kind: 'input' | 'lif' | 'readout';
  size: number;
  /** Spikes as flat [sample, step, unit] triples (empty for readouts). */
  spikes: Int32Array<ArrayBuffer>;
  /** Membrane traces [sample][unit] of the recorded units, one value per step (LIF: U[0..T-1]; readout: U[0..T]). */
  membranes: FloatArray[][];
}

export interface Recording {
  timeSteps: number;
  samples: number;
  labels: Int32Array;
  /** Predicted class per recorded sample. */
  predictions: Int32Array;
  populations: PopulationRecording[];
}

export interface Engine {
  readonly name: EngineName;
  gradients(batch: SpikeBatch, weights: WeightSet<FloatArray>): GradientResult | Promise<GradientResult>;
  evaluate(batch: SpikeBatch, weights: WeightSet<FloatArray>): BatchResult | Promise<BatchResult>;
  record(batch: SpikeBatch, weights: WeightSet<FloatArray>, options?: RecordOptions): Recording | Promise<Recording>;
  dispose?(): void;
}
