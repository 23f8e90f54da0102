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

  it('round-trips every allowed kind, nested anywhere, with the values and kinds intact', () => {
    const kinds = [Int32Array, Uint32Array, Float32Array, Float64Array, Uint8Array, Int16Array, Uint16Array] as const;
    const typed = fc
      .tuple(fc.constantFrom(...kinds), fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 40 }))
      .map(([Ctor, values]) => Ctor.from(values));
    const message = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        typed,
        fc.string(),
        fc.integer(),
        fc.array(tie('node'), { maxLength: 4 }),
        fc.dictionary(
          fc.string().filter((k) => k !== '$typed'),
          tie('node'),
          { maxKeys: 4 },
        ),
      ),
    })).node;
    fc.assert(
      fc.property(message, (value) => {
        expect(decodeMessage(encodeMessage(value))).toEqual(value);
      }),
    );
  });

  it('decodes hostile references to an allowed typed array inside the data, or refuses the frame', () => {
    // The "$typed" names an attacker (or a bug) could put in a header: inherited keys of a
    // plain object, buffers and views that are not in the allow-list, anything at all.
    const names = fc.oneof(
      fc.constantFrom('constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'),
      fc.constantFrom('ArrayBuffer', 'SharedArrayBuffer', 'DataView', 'Buffer', 'BigInt64Array', 'Int8Array'),
      fc.constantFrom('Int32Array', 'Float64Array', 'Uint8Array'),
      fc.string(),
      fc.anything(),
    );
    const numbers = fc.oneof(fc.integer({ min: -64, max: 64 }), fc.double(), fc.anything());
    const ref = fc.record(
      { $typed: names, offset: numbers, length: numbers, extra: fc.anything() },
      { requiredKeys: ['$typed'] },
    );
    fc.assert(
      fc.property(ref, fc.integer({ min: 0, max: 5 }), (reference, dataWords) => {
        const frame = handMadeFrame({ x: reference }, dataWords * 8);
        let decoded: { x: unknown };
        try {
          decoded = decodeMessage(frame.bytes) as { x: unknown };
        } catch {
          return; // refused: the transport drops the frame
        }
        // What the header really holds once written as JSON (undefined values vanish).
        const sent = JSON.parse(JSON.stringify({ x: reference })) as { x: object };
        if (!Object.hasOwn(sent.x, '$typed')) {
          expect(decoded).toEqual(sent);
          return;
        }
        const x = decoded.x as Int32Array;
        expect(ArrayBuffer.isView(x) && !(x instanceof DataView)).toBe(true);
        expect([
          'Int32Array',
          'Uint32Array',
          'Float32Array',
          'Float64Array',
          'Uint8Array',
          'Int16Array',
          'Uint16Array',
        ]).toContain(Object.prototype.toString.call(x).slice(8, -1));
        expect(x.byteOffset).toBeGreaterThanOrEqual(frame.start);
        expect(x.byteOffset + x.byteLength).toBeLessThanOrEqual(frame.bytes.length);
      }),
    );
  });

  it('refuses the references an `in` check let through', () => {
    for (const $typed of ['constructor', '__proto__', 'toString', 'DataView', 'BigInt64Array']) {
      expect(() => decodeMessage(handMadeFrame({ x: { $typed, offset: 0, length: 1 } }, 8).bytes)).toThrow(
        /Malformed typed array reference/,
      );
    }
    const cases = [
      { $typed: 'Int32Array', offset: -8, length: 1 }, // would read the header
      { $typed: 'Float64Array', offset: 4, length: 1 }, // misaligned
      { $typed: 'Int32Array', offset: '0', length: 1 },
      { $typed: 'Int32Array', offset: 0, length: 1.5 },
      { $typed: 'Int32Array', offset: 0, length: 1, more: true },
      { $typed: 'Int32Array', offset: 0 },
    ];
    for (const x of cases) expect(() => decodeMessage(handMadeFrame({ x }, 8).bytes)).toThrow(/Malformed/);
    expect(() => decodeMessage(handMadeFrame({ x: { $typed: 'Int32Array', offset: 8, length: 1 } }, 8).bytes)).toThrow(
      /outside/,
    );
    expect(decodeMessage(handMadeFrame({ x: { $typed: 'Int32Array', offset: 0, length: 2 } }, 8).bytes)).toEqual({
      x: new Int32Array(2),
    });
  });

  it('refuses to send data that uses the reserved "$typed" key', () => {
    expect(() => encodeMessage({ a: { $typed: 'Int32Array' } })).toThrow(/reserved/);
  });
});

/** A binary frame with any header, followed by `dataBytes` zero bytes. */
function handMadeFrame(header: unknown, dataBytes: number): { bytes: Uint8Array; start: number } {
  const text = new TextEncoder().encode(JSON.stringify(header) ?? 'null');
  const start = Math.ceil((8 + text.length) / 8) * 8;
  const bytes = new Uint8Array(start + dataBytes);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, new DataView(new TextEncoder().encode('SWB1').buffer).getUint32(0, true), true);
  view.setUint32(4, text.length, true);
  bytes.set(text, 8);
  return { bytes, start };
}
