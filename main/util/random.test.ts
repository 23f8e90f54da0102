import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mixSeeds, Random } from './random';

describe('Random', () => {
  it('gives the same sequence for the same seed and a different one for another seed', () => {
    const a = new Random(7);
    const b = new Random(7);
    const c = new Random(8);
    const seqA = Array.from({ length: 20 }, () => a.nextUint32());
    const seqB = Array.from({ length: 20 }, () => b.nextUint32());
    const seqC = Array.from({ length: 20 }, () => c.nextUint32());
    expect(seqA).toEqual(seqB);
    expect(seqA).not.toEqual(seqC);
  });

  it('keeps its sequence stable across versions (golden values)', () => {
    // If this fails, every seeded dataset split and initialisation changes: bump file versions.
    const r = new Random(42);
    const first = [r.nextUint32(), r.nextUint32(), r.nextUint32()];
    expect(first).toMatchInlineSnapshot(`
      [
        2837322924,
        544945897,
        479756282,
      ]
    `);
  });

  it('uniform() stays in [0, 1) with mean 1/2 and variance 1/12', () => {
    const r = new Random(1);
    const n = 100_000;
    let sum = 0;
    let sq = 0;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const u = r.uniform();
      if (!(u >= 0 && u < 1)) outside++;
      sum += u;
      sq += u * u;
    }
    expect(outside).toBe(0);
    const mean = sum / n;
    expect(mean).toBeCloseTo(0.5, 2);
    expect(sq / n - mean * mean).toBeCloseTo(1 / 12, 2);
  });

  it('normal() has mean 0 and std 1, and honours mean/std arguments', () => {
    const r = new Random(2);
    const n = 100_000;
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      sum += z;
      sq += z * z;
    }
    expect(sum / n).toBeCloseTo(0, 1);
    expect(Math.sqrt(sq / n)).toBeCloseTo(1, 1);
    const shifted = new Random(2).normal(5, 0);
    expect(shifted).toBe(5);
  });

  it('int(n) covers [0, n) evenly', () => {
    const r = new Random(3);
    const counts = new Array(7).fill(0);
    for (let i = 0; i < 70_000; i++) counts[r.int(7)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
    expect(() => r.int(0)).toThrow(RangeError);
    expect(() => r.int(2.5)).toThrow(RangeError);
  });

  it('shuffle() returns a permutation, deterministically', () => {
    fc.assert(
      fc.property(fc.array(fc.integer()), fc.integer({ min: 0, max: 2 ** 31 }), (values, seed) => {
        const a = new Random(seed).shuffle(values.slice());
        const b = new Random(seed).shuffle(values.slice());
        expect(a).toEqual(b);
        expect(a.slice().sort()).toEqual(values.slice().sort());
      }),
    );
    const typed = new Random(4).shuffle(Int32Array.from({ length: 100 }, (_, i) => i));
    expect(Array.from(typed).sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('mixSeeds separates streams', () => {
    expect(mixSeeds(1, 0)).not.toBe(mixSeeds(1, 1));
    expect(mixSeeds(1, 0)).not.toBe(mixSeeds(0, 1));
    expect(mixSeeds(5, 6)).toBe(mixSeeds(5, 6));
  });

  it('accepts large and fractional seeds deterministically and rejects non-finite ones', () => {
    expect(new Random(2 ** 40).nextUint32()).toBe(new Random(2 ** 40).nextUint32());
    expect(new Random(2 ** 40).nextUint32()).not.toBe(new Random(0).nextUint32());
    expect(() => new Random(Number.NaN)).toThrow(RangeError);
  });
});
