import { describe, expect, it } from 'vitest';
import { Random } from '../util/random';
import {
  fourierTerms,
  openRandman,
  type RandmanParams,
  randmanManifoldValues,
  randmanTable,
  sinTurns,
} from './randman';

const small: RandmanParams = {
  classes: 4,
  inputs: 12,
  manifoldDim: 2,
  smoothness: 2,
  samplesPerClass: 50,
  timeSteps: 60,
  stepFrac: 0.5,
  dataSeed: 3,
  validationFraction: 0.1,
};

describe('Randman', () => {
  it('uses min(ceil(1e-3^(-1/alpha)), 1000) Fourier terms', () => {
    expect(fourierTerms(1)).toBe(1000);
    expect(fourierTerms(2)).toBe(32);
    expect(fourierTerms(0.5)).toBe(1000);
  });

  it('approximates sin(2 pi u) closely enough to leave spike steps unchanged', () => {
    let worst = 0;
    const r = new Random(0);
    for (let i = 0; i < 10_000; i++) {
      const u = r.uniform() * 1000;
      worst = Math.max(worst, Math.abs(sinTurns(u) - Math.sin(2 * Math.PI * u)));
    }
    expect(worst).toBeLessThan(1e-6);
  });

  it('standardises every unit to [0, 1) with the extremes reached', () => {
    const y = randmanManifoldValues(new Random(1), 5, 1, 1, 200);
    for (let m = 0; m < 5; m++) {
      let lo = 1;
      let hi = 0;
      for (let n = 0; n < 200; n++) {
        const v = y[n * 5 + m]!;
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      expect(lo).toBe(0);
      expect(hi).toBeLessThan(1);
      expect(hi).toBeGreaterThan(0.999);
    }
  });

  it('gives exactly one spike per unit per sample, inside the first stepFrac * T steps', () => {
    const table = randmanTable(small);
    const T = small.timeSteps;
    const limit = Math.floor(T * small.stepFrac);
    let outside = 0;
    for (let s = 0; s < table.samples; s++) {
      const seen = new Int32Array(small.inputs);
      for (let t = 0; t < T; t++) {
        for (let e = table.offsets[s * T + t]!; e < table.offsets[s * T + t + 1]!; e++) {
          seen[table.units[e]!]!++;
          if (t >= limit) outside++;
        }
      }
      expect(Array.from(seen)).toEqual(new Array(small.inputs).fill(1));
    }
    expect(outside).toBe(0);
    expect(table.units.length).toBe(small.classes * small.samplesPerClass * small.inputs);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const a = randmanTable(small);
    const b = randmanTable(small);
    const c = randmanTable({ ...small, dataSeed: 4 });
    expect(a.offsets).toEqual(b.offsets);
    expect(a.units).toEqual(b.units);
    expect(a.offsets).not.toEqual(c.offsets);
  });

  it('splits 10% test, then validationFraction of the rest, disjoint and covering all samples', () => {
    const d = openRandman(small);
    const total = small.classes * small.samplesPerClass;
    expect(d.size('test')).toBe(total * 0.1);
    expect(d.size('validation')).toBe(Math.round(total * 0.9 * 0.1));
    expect(d.size('train') + d.size('validation') + d.size('test')).toBe(total);
    expect(d.inputUnits).toBe(small.inputs);
    expect(d.classes).toBe(small.classes);
    expect(d.timeSteps).toBe(small.timeSteps);
  });

  it('generates the paper setting (10 x 1000 x 20, alpha 1) in reasonable time', () => {
    const t0 = performance.now();
    const d = openRandman({ ...small, classes: 10, inputs: 20, manifoldDim: 1, smoothness: 1, samplesPerClass: 1000 });
    const seconds = (performance.now() - t0) / 1000;
    expect(d.size('train') + d.size('validation') + d.size('test')).toBe(10_000);
    // 2e8 sine evaluations; a loose bound so a busy CI machine does not fail it.
    expect(seconds).toBeLessThan(15);
  });
});
