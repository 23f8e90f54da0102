import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventDataset, holdOut, splitsFromTrainTest } from './eventDataset';
import { type EventTable, EventTableBuilder } from './eventTable';
import type { SpikeBatch } from './types';

/** A table whose sample s has (s % 4) + 1 events: unit u at step (s + u) % T, label s % 3. */
function table(samples: number, timeSteps = 7, inputUnits = 5): EventTable {
  const b = new EventTableBuilder({ samples, timeSteps, inputUnits, classes: 3, source: 'test' });
  for (let s = 0; s < samples; s++) {
    const n = (s % 4) + 1;
    const units = Array.from({ length: n }, (_, u) => u);
    b.addSample(
      s % 3,
      units.map((u) => (s + u) % timeSteps),
      units,
    );
  }
  return b.build();
}

function checkBatch(batch: SpikeBatch): void {
  expect(batch.offsets.length).toBe(batch.batchSize * batch.timeSteps + 1);
  expect(batch.offsets[0]).toBe(0);
  expect(batch.offsets[batch.offsets.length - 1]).toBe(batch.units.length);
  for (let i = 1; i < batch.offsets.length; i++)
    expect(batch.offsets[i]!).toBeGreaterThanOrEqual(batch.offsets[i - 1]!);
  for (const u of batch.units) expect(u >= 0 && u < batch.inputUnits).toBe(true);
  expect(batch.labels.length).toBe(batch.batchSize);
}

/** Identifies a sample by its events, so tests can see which samples a batch holds. */
function signatures(batch: SpikeBatch): string[] {
  const out: string[] = [];
  const T = batch.timeSteps;
  for (let b = 0; b < batch.batchSize; b++) {
    const parts: string[] = [];
    for (let t = 0; t < T; t++) {
      for (let e = batch.offsets[b * T + t]!; e < batch.offsets[b * T + t + 1]!; e++)
        parts.push(`${t}:${batch.units[e]}`);
    }
    out.push(`${batch.labels[b]}|${parts.join(',')}`);
  }
  return out;
}

describe('EventTableBuilder', () => {
  it('sorts events by step, drops steps outside the window and checks ids', () => {
    const b = new EventTableBuilder({ samples: 1, timeSteps: 4, inputUnits: 3, classes: 2, source: 'f.csv' });
    b.addSample(1, [3, 0, 5, -1, 0], [2, 1, 0, 0, 0]);
    const t = b.build();
    expect(Array.from(t.offsets)).toEqual([0, 2, 2, 2, 3]);
    expect(Array.from(t.units)).toEqual([1, 0, 2]);
    const bad = new EventTableBuilder({ samples: 1, timeSteps: 4, inputUnits: 3, classes: 2, source: 'f.csv' });
    expect(() => bad.addSample(0, [0], [3])).toThrow(/f\.csv: sample 0 has unit id 3, outside \[0, 3\)/);
    expect(() => bad.addSample(2, [0], [0])).toThrow(/label 2, outside \[0, 2\)/);
  });

  it('keeps one event per (unit, step) when binary', () => {
    const b = new EventTableBuilder({ samples: 2, timeSteps: 3, inputUnits: 4, classes: 1, source: 's', binary: true });
    b.addSample(0, [1, 1, 1, 0, 2, 2], [3, 1, 3, 3, 0, 0]);
    b.addSample(0, [0, 0], [2, 2]);
    const t = b.build();
    expect(Array.from(t.offsets)).toEqual([0, 1, 3, 4, 5, 5, 5]);
    expect(Array.from(t.units)).toEqual([3, 1, 3, 0, 2]);
  });
});

describe('batching', () => {
  const train = table(103);
  const test = table(20);
  const dataset = new EventDataset({ name: 't', classes: 3, splits: splitsFromTrainTest(train, test, 0.2, 9) });

  it('gives batches of the requested size, keeping or dropping the last smaller one', () => {
    const n = dataset.size('train');
    const kept = [...dataset.batches('train', { batchSize: 16 })];
    expect(kept.map((b) => b.batchSize)).toEqual([
      ...new Array(Math.floor(n / 16)).fill(16),
      ...(n % 16 ? [n % 16] : []),
    ]);
    const dropped = [...dataset.batches('train', { batchSize: 16, dropLast: true })];
    expect(dropped.every((b) => b.batchSize === 16)).toBe(true);
    expect(dropped.length).toBe(Math.floor(n / 16));
    for (const b of kept) checkBatch(b);
  });

  it('copies events faithfully: a batch holds the same events as the samples', () => {
    const [first] = dataset.batches('test', { batchSize: 20 });
    const sigs = signatures(first!);
    for (let i = 0; i < 20; i++) {
      const s = dataset.sample('test', i);
      const parts = Array.from(s.times, (t, e) => `${t}:${s.units[e]}`);
      expect(sigs[i]).toBe(`${s.label}|${parts.join(',')}`);
    }
  });

  it('shuffles deterministically per (seed, epoch), every sample exactly once per epoch', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 1, max: 40 }),
        (seed, epoch, batchSize) => {
          const order = (e: number) =>
            [...dataset.batches('train', { batchSize, shuffleSeed: seed, epoch: e })].flatMap(signatures);
          const a = order(epoch);
          expect(order(epoch)).toEqual(a);
          const plain = [...dataset.batches('train', { batchSize })].flatMap(signatures);
          expect(a.slice().sort()).toEqual(plain.slice().sort());
          expect(a.length).toBe(dataset.size('train'));
        },
      ),
      { numRuns: 30 },
    );
    const e0 = [...dataset.batches('train', { batchSize: 8, shuffleSeed: 1, epoch: 0 })].flatMap(signatures);
    const e1 = [...dataset.batches('train', { batchSize: 8, shuffleSeed: 1, epoch: 1 })].flatMap(signatures);
    const s2 = [...dataset.batches('train', { batchSize: 8, shuffleSeed: 2, epoch: 0 })].flatMap(signatures);
    expect(e1).not.toEqual(e0);
    expect(s2).not.toEqual(e0);
  });

  it('holds validation out of train: disjoint, covering, deterministic', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 300 }),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        fc.integer(),
        (n, fraction, seed) => {
          const rows = Int32Array.from({ length: n }, (_, i) => i);
          const { kept, held } = holdOut(rows, fraction, seed);
          expect(held.length).toBe(Math.round(n * fraction));
          const all = [...kept, ...held].sort((x, y) => x - y);
          expect(all).toEqual(Array.from(rows));
          expect(holdOut(rows, fraction, seed).held).toEqual(held);
        },
      ),
    );
    expect(dataset.size('validation')).toBe(Math.round(103 * 0.2));
    expect(dataset.size('train') + dataset.size('validation')).toBe(103);
  });

  it('counts classes per split and rejects a zero batch size', () => {
    const counts = dataset.classCounts('test');
    expect(Array.from(counts)).toEqual([7, 7, 6]);
    expect(() => [...dataset.batches('train', { batchSize: 0 })]).toThrow(RangeError);
  });
});
