import { describe, expect, it } from 'vitest';
import { float32ToBase64 } from '../../../shared/file/base64';
import { delayDistribution, histogram, neuronParamDistributions } from './histogram';

const tensor = (values: number[]) => ({
  shape: [values.length],
  dtype: 'float32',
  data: float32ToBase64(new Float32Array(values)),
});

describe('histogram', () => {
  it('bins real values into ceil(sqrt n) equal bins from min to max, the maximum in the last', () => {
    const values = Array.from({ length: 100 }, (_, i) => 5 + i * 0.1); // 5 .. 14.9
    const h = histogram(values);
    expect(h?.counts.length).toBe(10);
    expect(h?.counts).toEqual([10, 10, 10, 10, 10, 10, 10, 10, 10, 10]);
    expect(h?.lo).toBe(5);
    expect(h?.hi).toBeCloseTo(14.9, 12);
    expect(h?.mean).toBeCloseTo(9.95, 12);
    expect(h?.sd).toBeCloseTo(Math.sqrt((100 * 100 - 1) / 12) * 0.1, 9);
    expect(h?.integer).toBe(false);
  });

  it('caps the number of bins and counts every value once', () => {
    const values = Array.from({ length: 10000 }, (_, i) => Math.sin(i) * 3);
    const h = histogram(values, 24);
    expect(h?.counts.length).toBe(24);
    expect(h?.counts.reduce((a, b) => a + b, 0)).toBe(10000);
  });

  it('gives whole numbers (rounded delays) a bin each, centred on them', () => {
    const h = histogram([0, 0, 3, 3, 3, 1]);
    expect(h).toMatchObject({ lo: -0.5, hi: 3.5, counts: [2, 1, 0, 3], integer: true, min: 0, max: 3 });
  });

  it('falls back to equal bins for whole numbers spread wider than the bin cap', () => {
    const h = histogram([0, 100], 24);
    expect(h?.integer).toBe(false);
    expect(h?.counts.length).toBe(2);
  });

  it('puts equal values into one bin, leaves out non-finite ones, and has nothing for no values', () => {
    expect(histogram([2.5, 2.5, Number.NaN, Number.POSITIVE_INFINITY])).toMatchObject({
      lo: 2,
      hi: 3,
      counts: [2],
      n: 2,
      skipped: 2,
      sd: 0,
    });
    expect(histogram([])).toBeNull();
    expect(histogram([Number.NaN])).toBeNull();
  });
});

describe('distributions from the document', () => {
  it("reads a population's per-neuron parameters in a fixed order and skips damaged tensors", () => {
    const params = {
      hidden: {
        threshold: tensor([1, 1.1, 0.9]),
        tauMem: tensor([10, 12, 8]),
        adaptA: { shape: [3], dtype: 'float32', data: '%%%' },
      },
    };
    const d = neuronParamDistributions(params, 'hidden');
    expect(d.map((p) => [p.key, p.label, p.unit, p.histogram.n])).toEqual([
      ['tauMem', 'Membrane time constant', 'ms', 3],
      ['threshold', 'Threshold', undefined, 3],
    ]);
    expect(neuronParamDistributions(params, 'other')).toEqual([]);
    expect(neuronParamDistributions(undefined, 'hidden')).toEqual([]);
  });

  it("reads a connection's delays", () => {
    const d = delayDistribution({ w: tensor([0, 2, 2, 5]) }, 'w');
    expect(d?.histogram).toMatchObject({ counts: [1, 0, 2, 0, 0, 1], integer: true });
    expect(delayDistribution({}, 'w')).toBeNull();
  });
});
