import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { latencyStep, latencyTable } from './latencyCode';

const code = { tau: 20, theta: 0.2, timeSteps: 100 };

describe('latency code', () => {
  it('follows t = tau ln(x / (x - theta)), step = floor(t)', () => {
    expect(latencyStep(1, code)).toBe(Math.floor(20 * Math.log(1 / 0.8))); // 4.46 -> 4
    expect(latencyStep(1, code)).toBe(4);
    expect(latencyStep(0.5, code)).toBe(Math.floor(20 * Math.log(0.5 / 0.3))); // 10.2 -> 10
    fc.assert(
      fc.property(fc.double({ min: 0.2001, max: 1, noNaN: true }), (x) => {
        const t = 20 * Math.log(x / (x - 0.2));
        expect(latencyStep(x, code)).toBe(t < 100 ? Math.floor(t) : -1);
      }),
    );
  });

  it('gives no spike below or at theta, nor when t >= T', () => {
    expect(latencyStep(0, code)).toBe(-1);
    expect(latencyStep(0.1, code)).toBe(-1);
    expect(latencyStep(0.2, code)).toBe(-1);
    // t crosses 100 near x = 0.2 / (1 - e^-5) = 0.20136
    expect(latencyStep(0.2013, code)).toBe(-1);
    expect(latencyStep(0.2015, code)).toBeGreaterThan(90);
  });

  it('makes brighter pixels spike no later', () => {
    const table = latencyTable(code);
    let previous = Number.POSITIVE_INFINITY;
    for (let v = 0; v < 256; v++) {
      const step = table[v]!;
      if (step >= 0) {
        expect(step).toBeLessThanOrEqual(previous);
        previous = step;
      }
    }
    expect(table[255]).toBe(4);
    expect(table[51]).toBe(-1); // 51/255 = 0.2 exactly
    expect(table[52]).toBe(Math.floor(20 * Math.log(52 / 255 / (52 / 255 - 0.2))));
  });
});
