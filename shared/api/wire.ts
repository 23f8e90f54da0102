// The web-mode wire format. Messages without typed arrays travel as JSON text; a message that
// carries typed arrays (spike events, membrane traces) travels as one binary frame whose
// arrays are raw bytes rather than JSON number lists: a 100,000-spike raster is 1.2 MB of
// Int32 instead of several MB of text, and decoding is a view, not a parse.
//
// Frame: "SWB1" | u32 header length | header (UTF-8 JSON) | padding to 8 | array bytes...
// In the header each typed array is replaced by {"$typed": name, "offset": o, "length": n}
// (o counted from the first array byte, a multiple of 8). The decoder accepts exactly that:
// own keys only, a kind from the allow-list below, whole numbers that stay inside the data;
// any other object with a "$typed" key makes the frame malformed.

const MAGIC = 0x31425753; // "SWB1" little-endian

/** The typed-array kinds a frame may carry, by name. A Map: no inherited keys ("constructor"). */
const KINDS: ReadonlyMap<string, TypedConstructor> = new Map<string, TypedConstructor>([
  ['Int32Array', Int32Array],
  ['Uint32Array', Uint32Array],
  ['Float32Array', Float32Array],
  ['Float64Array', Float64Array],
  ['Uint8Array', Uint8Array],
  ['Int16Array', Int16Array],
  ['Uint16Array', Uint16Array],
]);
type TypedConstructor =
  | Int32ArrayConstructor
  | Uint32ArrayConstructor
  | Float32ArrayConstructor
  | Float64ArrayConstructor
  | Uint8ArrayConstructor
  | Int16ArrayConstructor
  | Uint16ArrayConstructor;
type Typed = InstanceType<TypedConstructor>;

/** The engine's own name for a typed array's kind (a subclass such as Buffer included), else undefined. */
const typedArrayTag = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Int8Array.prototype), Symbol.toStringTag)
  ?.get as (this: unknown) => string | undefined;

function typedName(value: unknown): string | null {
  if (!ArrayBuffer.isView(value)) return null;
  const tag = typedArrayTag.call(value);
  return tag !== undefined && KINDS.has(tag) ? tag : null;
}

const REF_KEYS = ['$typed', 'offset', 'length'];

export function encodeMessage(value: unknown): string | Uint8Array {
  const arrays: Typed[] = [];
  let offset = 0;
  const header = JSON.stringify(value, (_key, v) => {
    const name = typedName(v);
    if (!name) {
      if (v !== null && typeof v === 'object' && Object.hasOwn(v, '$typed'))
        throw new Error('The key "$typed" is reserved by the wire format.');
      return v;
    }
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
  const dataBytes = bytes.length - start;
  return JSON.parse(header, (_key, v) => {
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, '$typed')) return v;
    // A reference is exactly what encodeMessage writes; anything else is a malformed frame.
    const keys = Object.keys(v);
    const Ctor = typeof v.$typed === 'string' ? KINDS.get(v.$typed) : undefined;
    const { offset, length } = v as { offset: unknown; length: unknown };
    if (
      !Ctor ||
      keys.length !== REF_KEYS.length ||
      !REF_KEYS.every((k) => Object.hasOwn(v, k)) ||
      !Number.isSafeInteger(offset) ||
      !Number.isSafeInteger(length) ||
      (offset as number) < 0 ||
      (offset as number) % 8 !== 0 ||
      (length as number) < 0
    )
      throw new Error('Malformed typed array reference in a binary message');
    if ((offset as number) + (length as number) * Ctor.BYTES_PER_ELEMENT > dataBytes)
      throw new Error('Binary message refers outside its data');
    return new Ctor(bytes.buffer, start + (offset as number), length as number);
  });
}
