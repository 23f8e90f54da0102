// Encoded spike trains of one split file, kept once in compressed sparse rows over (sample, time step).
import { DatasetError } from './datasetError';
import type { SpikeBatch } from './types';

/**
 * Every sample's events, precomputed. Events of sample s at step t are
 * `units[offsets[s * timeSteps + t] .. offsets[s * timeSteps + t + 1])`, so one sample's events
 * are contiguous and a batch is gathered by copying slices: no encoding happens per epoch.
 */
export interface EventTable {
  readonly samples: number;
  readonly timeSteps: number;
  readonly inputUnits: number;
  readonly offsets: Int32Array;
  /** Uint16 when the unit ids fit (halves the memory of image datasets), else Int32. */
  readonly units: Uint16Array | Int32Array;
  readonly labels: Int32Array;
}

export interface EventTableBuilderOptions {
  samples: number;
  timeSteps: number;
  inputUnits: number;
  classes: number;
  /** Named in error messages (a file path or a dataset name). */
  source: string;
  /** Keep one event per (unit, step) when a unit fires more than once in a step. */
  binary?: boolean;
  /** Initial capacity of the event buffer; it grows as needed. */
  expectedEvents?: number;
}

/** Builds an EventTable one sample at a time, sorting each sample's events by step (counting sort). */
export class EventTableBuilder {
  private readonly opts: EventTableBuilderOptions;
  private readonly offsets: Int32Array;
  private readonly labels: Int32Array;
  private units: Uint16Array | Int32Array;
  private filled = 0;
  private count = 0;
  private readonly stepCounts: Int32Array;

  constructor(options: EventTableBuilderOptions) {
    this.opts = options;
    const { samples, timeSteps } = options;
    this.offsets = new Int32Array(samples * timeSteps + 1);
    this.labels = new Int32Array(samples);
    this.units = makeUnits(options.inputUnits, Math.max(16, options.expectedEvents ?? samples * 8));
    this.stepCounts = new Int32Array(timeSteps + 1);
  }

  /**
   * Adds the next sample. `steps[i]`, `units[i]` for i < length are its events in any order;
   * events with a step outside [0, timeSteps) are dropped (callers clip windows this way).
   */
  addSample(label: number, steps: ArrayLike<number>, units: ArrayLike<number>, length = steps.length): void {
    const { timeSteps: T, inputUnits, classes, source } = this.opts;
    const s = this.filled;
    if (s >= this.opts.samples) throw new DatasetError(source, `more samples than the ${this.opts.samples} announced`);
    if (!Number.isInteger(label) || label < 0 || label >= classes) {
      throw new DatasetError(source, `sample ${s} has label ${label}, outside [0, ${classes})`);
    }
    this.labels[s] = label;
    const counts = this.stepCounts;
    counts.fill(0);
    let kept = 0;
    for (let i = 0; i < length; i++) {
      const t = steps[i]!;
      if (t >= 0 && t < T) {
        const u = units[i]!;
        if (!(u >= 0 && u < inputUnits) || u !== Math.floor(u)) {
          throw new DatasetError(source, `sample ${s} has unit id ${u}, outside [0, ${inputUnits})`);
        }
        counts[t + 1]!++;
        kept++;
      }
    }
    this.reserve(this.count + kept);
    const base = s * T;
    const start = this.count;
    // counts becomes the running write position of each step.
    counts[0] = start;
    for (let t = 0; t < T; t++) {
      counts[t + 1]! += counts[t]!;
      this.offsets[base + t + 1] = counts[t + 1]!;
    }
    const out = this.units;
    for (let i = 0; i < length; i++) {
      const t = steps[i]!;
      if (t >= 0 && t < T) out[counts[t]!++] = units[i]!;
    }
    this.count = start + kept;
    if (this.opts.binary && kept > 1) this.dedupeSample(s);
    this.filled++;
  }

  build(): EventTable {
    const { samples, timeSteps, inputUnits, source } = this.opts;
    if (this.filled !== samples) throw new DatasetError(source, `expected ${samples} samples, got ${this.filled}`);
    return {
      samples,
      timeSteps,
      inputUnits,
      offsets: this.offsets,
      units: this.units.slice(0, this.count),
      labels: this.labels,
    };
  }

  /** Sorts each step's units and drops repeats, compacting the sample in place (writes never pass reads). */
  private dedupeSample(s: number): void {
    const T = this.opts.timeSteps;
    const base = s * T;
    const units = this.units;
    let write = this.offsets[base]!;
    let rowStart = write;
    for (let t = 0; t < T; t++) {
      const rowEnd = this.offsets[base + t + 1]!;
      if (rowEnd - rowStart > 1) units.subarray(rowStart, rowEnd).sort();
      const outStart = write;
      for (let i = rowStart; i < rowEnd; i++) {
        const u = units[i]!;
        if (write === outStart || units[write - 1] !== u) units[write++] = u;
      }
      this.offsets[base + t + 1] = write;
      rowStart = rowEnd;
    }
    this.count = write;
  }

  private reserve(n: number): void {
    if (n <= this.units.length) return;
    const bigger = makeUnits(this.opts.inputUnits, Math.max(n, Math.ceil(this.units.length * 1.5)));
    bigger.set(this.units.subarray(0, this.count));
    this.units = bigger;
  }
}

function makeUnits(inputUnits: number, length: number): Uint16Array | Int32Array {
  return inputUnits <= 65536 ? new Uint16Array(length) : new Int32Array(length);
}

/** Events per sample, for preview and statistics. */
export function sampleEventCount(table: EventTable, sample: number): number {
  const T = table.timeSteps;
  return table.offsets[(sample + 1) * T]! - table.offsets[sample * T]!;
}

/** Copies the given samples (rows of `table`) into one SpikeBatch: slices only, no encoding. */
export function gatherBatch(table: EventTable, indices: ArrayLike<number>, start: number, end: number): SpikeBatch {
  const T = table.timeSteps;
  const batchSize = end - start;
  let total = 0;
  for (let k = start; k < end; k++) total += sampleEventCount(table, indices[k]!);
  const offsets = new Int32Array(batchSize * T + 1);
  const units = new Int32Array(total);
  const labels = new Int32Array(batchSize);
  let write = 0;
  for (let b = 0; b < batchSize; b++) {
    const s = indices[start + b]!;
    const base = s * T;
    const first = table.offsets[base]!;
    const last = table.offsets[base + T]!;
    units.set(table.units.subarray(first, last), write);
    const shift = write - first;
    const src = table.offsets;
    const o = b * T;
    for (let t = 1; t <= T; t++) offsets[o + t] = src[base + t]! + shift;
    write += last - first;
    labels[b] = table.labels[s]!;
  }
  return { batchSize, timeSteps: T, inputUnits: table.inputUnits, offsets, units, labels };
}
