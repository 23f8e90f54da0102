// The web-mode wire format. Messages without typed arrays travel as JSON text; a message that
// carries typed arrays (spike events, membrane traces) travels as one binary frame whose
// arrays are raw bytes rather than JSON number lists: a 100,000-spike raster is 1.2 MB of
// Int32 instead of several MB of text, and decoding is a view, not a parse.
//
// Frame: "SFB1" | u32 header length | header (UTF-8 JSON) | padding to 8 | array bytes...
// In the header each typed array is replaced by {"$typed": name, "offset": o, "length": n}.

const MAGIC = 0x31424653; // "SFB1" little-endian
const CONSTRUCTORS = {
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  Uint8Array,
  Int16Array,
  Uint16Array,
} as const;
type TypedName = keyof typeof CONSTRUCTORS;
type Typed = InstanceType<(typeof CONSTRUCTORS)[TypedName]>;

function typedName(value: unknown): TypedName | null {
  if (!ArrayBuffer.isView(value) || value instanceof DataView) return null;
  const name = value.constructor.name;
  return name in CONSTRUCTORS ? (name as TypedName) : null;
}

export function encodeMessage(value: unknown): string | Uint8Array {
  const arrays: Typed[] = [];
  let offset = 0;
  const header = JSON.stringify(value, (_key, v) => {
    const name = typedName(v);
    if (!name) return v;
    const typed = v as Typed;
    const ref = { $typed: name, offset, length: typed.length };
    arrays.push(typed);
    offset += Math.ceil(typed.byteLength / 8) * 8;
    return ref;
  });
  if (arrays.length === 0) return header;
  const headerBytes = new TextEncoder().encode(header);
  const start = Math.ceil((8 + headerBytes.length) / 8) * 8;
  const out = new Uint8Array(start + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, headerBytes.length, true);
  out.set(headerBytes, 8);
  let at = start;
  for (const typed of arrays) {
    out.set(new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength), at);
    at += Math.ceil(typed.byteLength / 8) * 8;
  }
  return out;
}

/** Decodes a text or binary frame; throws on a malformed frame (the caller drops it). */
export function decodeMessage(data: string | ArrayBuffer | Uint8Array): unknown {
  if (typeof data === 'string') return JSON.parse(data);
  // Copy into a fresh, aligned buffer: a Node Buffer may be a slice of a shared pool.
  const bytes = data instanceof Uint8Array ? data.slice() : new Uint8Array(data.slice(0));
  const view = new DataView(bytes.buffer);
  if (bytes.length < 8 || view.getUint32(0, true) !== MAGIC) return JSON.parse(new TextDecoder().decode(bytes));
  const headerLength = view.getUint32(4, true);
  if (8 + headerLength > bytes.length) throw new Error('Truncated binary message');
  const start = Math.ceil((8 + headerLength) / 8) * 8;
  const header = new TextDecoder().decode(bytes.subarray(8, 8 + headerLength));
  return JSON.parse(header, (_key, v) => {
    if (v && typeof v === 'object' && typeof v.$typed === 'string' && v.$typed in CONSTRUCTORS) {
      const Ctor = CONSTRUCTORS[v.$typed as TypedName];
      const byteOffset = start + Number(v.offset);
      const length = Number(v.length);
      if (!Number.isInteger(length) || length < 0 || byteOffset + length * Ctor.BYTES_PER_ELEMENT > bytes.length)
        throw new Error('Binary message refers outside its data');
      return new Ctor(bytes.buffer, byteOffset, length);
    }
    return v;
  });
}
