// Float32 weights travel in documents as base64 of little-endian bytes: exact, compact and
// the same in Node and the browser (both have atob/btoa).

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  return btoa(binary);
}

/** Decodes base64 to bytes; throws on text that is not base64. */
export function base64ToBytes(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function float32ToBase64(values: Float32Array): string {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i] as number, true);
  return bytesToBase64(bytes);
}

/** Decodes base64 float32 data; returns null when the text is not valid base64 of whole floats. */
export function base64ToFloat32(text: string): Float32Array | null {
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = base64ToBytes(text);
  } catch {
    return null;
  }
  if (bytes.length % 4 !== 0) return null;
  const view = new DataView(bytes.buffer);
  const out = new Float32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}
