import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage } from './wire';

describe('wire format', () => {
  it('sends plain messages as JSON text', () => {
    const message = { id: 3, ok: true, result: { a: [1, 2] } };
    const encoded = encodeMessage(message);
    expect(typeof encoded).toBe('string');
    expect(decodeMessage(encoded)).toEqual(message);
  });

  it('sends typed arrays as raw bytes and restores them', () => {
    const events = Int32Array.from([0, 1, 2, 3, 99, 700]);
    const trace = Float32Array.from([0.5, -1.25, 3]);
    const encoded = encodeMessage({
      event: { type: 'activity', events, traces: [{ values: trace }], odd: new Uint8Array([1, 2, 3]) },
    });
    expect(encoded).toBeInstanceOf(Uint8Array);
    const decoded = decodeMessage(encoded) as {
      event: { events: Int32Array; traces: { values: Float32Array }[]; odd: Uint8Array };
    };
    expect(decoded.event.events).toBeInstanceOf(Int32Array);
    expect(Array.from(decoded.event.events)).toEqual([0, 1, 2, 3, 99, 700]);
    expect(Array.from(decoded.event.traces[0]?.values ?? [])).toEqual([0.5, -1.25, 3]);
    expect(Array.from(decoded.event.odd)).toEqual([1, 2, 3]);
  });

  it('round-trips arbitrary arrays, also from an unaligned Node buffer slice', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })), fc.string(), (ints, label) => {
        const encoded = encodeMessage({ label, ints: Int32Array.from(ints) }) as Uint8Array;
        const pooled = new Uint8Array(encoded.length + 3);
        pooled.set(encoded, 3);
        const decoded = decodeMessage(pooled.subarray(3)) as { label: string; ints: Int32Array };
        expect(decoded.label).toBe(label);
        expect(Array.from(decoded.ints)).toEqual(ints);
      }),
    );
  });

  it('refuses frames that point outside their data', () => {
    const encoded = encodeMessage({ a: new Float64Array(4) }) as Uint8Array;
    expect(() => decodeMessage(encoded.subarray(0, encoded.length - 8))).toThrow(/outside/);
  });
});
