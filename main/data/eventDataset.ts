// The SpikeDataset every loader returns: precomputed event tables plus index lists per split.
import { mixSeeds, Random } from '../util/random';
import { type EventTable, gatherBatch } from './eventTable';
import type { BatchOptions, SpikeBatch, SpikeDataset, Split } from './types';

/** One split: which rows of which table belong to it. */
export interface SplitRows {
  table: EventTable;
  /** Row indices into `table`, ascending. */
  rows: Int32Array;
}

/** One sample as an event list, for previews and tests. */
export interface SampleEvents {
  /** Time step of each event, non-decreasing. */
  times: Int32Array;
  units: Int32Array;
  label: number;
}

// Salt so the validation split does not reuse the stream that generated the data.
const VALIDATION_STREAM = 0x56a11d;

export class EventDataset implements SpikeDataset {
  readonly name: string;
  readonly inputUnits: number;
  readonly classes: number;
  readonly timeSteps: number;
  /** Human-readable class names where the dataset has them (index = label). */
  readonly classNames: readonly string[] | undefined;
  private readonly splits: Record<Split, SplitRows>;

  constructor(init: {
    name: string;
    classes: number;
    splits: Record<Split, SplitRows>;
    classNames?: readonly string[];
  }) {
    const first = init.splits.train.table;
    this.name = init.name;
    this.classes = init.classes;
    this.inputUnits = first.inputUnits;
    this.timeSteps = first.timeSteps;
    this.classNames = init.classNames;
    this.splits = init.splits;
  }

  size(split: Split): number {
    return this.splits[split].rows.length;
  }

  /**
   * Batches of one split. With `shuffleSeed` the order is a permutation drawn from
   * (shuffleSeed, epoch), so a run is reproducible and epochs differ; every sample appears
   * exactly once per epoch. `dropLast` defaults to false: the last, smaller batch is kept.
   */
  *batches(split: Split, options: BatchOptions): Iterable<SpikeBatch> {
    const { table, rows } = this.splits[split];
    const batchSize = Math.floor(options.batchSize);
    if (!(batchSize >= 1)) throw new RangeError(`batchSize must be at least 1, got ${options.batchSize}`);
    const order =
      options.shuffleSeed === undefined ? rows : shuffledRows(rows, options.shuffleSeed, options.epoch ?? 0);
    const n = order.length;
    const end = options.dropLast ? n - (n % batchSize) : n;
    for (let start = 0; start < end; start += batchSize) {
      yield gatherBatch(table, order, start, Math.min(start + batchSize, end));
    }
  }

  /** The i-th sample of a split (in split order) as an event list. */
  sample(split: Split, index: number): SampleEvents {
    const { table, rows } = this.splits[split];
    const row = rows[index];
    if (row === undefined) throw new RangeError(`${split} has ${rows.length} samples, no sample ${index}`);
    const T = table.timeSteps;
    const first = table.offsets[row * T]!;
    const count = table.offsets[(row + 1) * T]! - first;
    const times = new Int32Array(count);
    const units = new Int32Array(count);
    for (let t = 0; t < T; t++) {
      for (let e = table.offsets[row * T + t]!; e < table.offsets[row * T + t + 1]!; e++) {
        times[e - first] = t;
        units[e - first] = table.units[e]!;
      }
    }
    return { times, units, label: table.labels[row]! };
  }

  /** Samples per class in a split. */
  classCounts(split: Split): Int32Array {
    const { table, rows } = this.splits[split];
    const counts = new Int32Array(this.classes);
    for (const r of rows) counts[table.labels[r]!]!++;
    return counts;
  }

  /** Total events in a split (for statistics and memory estimates). */
  eventCount(split: Split): number {
    const { table, rows } = this.splits[split];
    const T = table.timeSteps;
    let total = 0;
    for (const r of rows) total += table.offsets[(r + 1) * T]! - table.offsets[r * T]!;
    return total;
  }
}

export function shuffledRows(rows: Int32Array, seed: number, epoch: number): Int32Array {
  return new Random(mixSeeds(seed, epoch)).shuffle(rows.slice());
}

/** All rows of a table, in order. */
export function allRows(table: EventTable): Int32Array {
  const rows = new Int32Array(table.samples);
  for (let i = 0; i < rows.length; i++) rows[i] = i;
  return rows;
}

/**
 * Holds out round(n * fraction) rows of `rows` for validation, chosen by a permutation drawn
 * from `seed` alone: the same seed and fraction give the same split on every run, and the two
 * parts are disjoint and cover `rows`. Both parts come back in ascending order.
 */
export function holdOut(rows: Int32Array, fraction: number, seed: number): { kept: Int32Array; held: Int32Array } {
  const n = rows.length;
  const heldCount = Math.min(n, Math.max(0, Math.round(n * fraction)));
  const permuted = new Random(mixSeeds(seed, VALIDATION_STREAM)).shuffle(rows.slice());
  const held = permuted.slice(0, heldCount).sort();
  const kept = permuted.slice(heldCount).sort();
  return { kept, held };
}

/** Splits from one train table (validation held out of it) and one test table. */
export function splitsFromTrainTest(
  train: EventTable,
  test: EventTable,
  validationFraction: number,
  seed: number,
): Record<Split, SplitRows> {
  const { kept, held } = holdOut(allRows(train), validationFraction, seed);
  return {
    train: { table: train, rows: kept },
    validation: { table: train, rows: held },
    test: { table: test, rows: allRows(test) },
  };
}
