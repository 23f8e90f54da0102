// Reader for the IDX format of MNIST and Fashion-MNIST (gzip-compressed or not).
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { DatasetError } from './datasetError';

export interface IdxArray {
  /** Sizes of each dimension, e.g. [60000, 28, 28]. */
  shape: number[];
  /** The values, row-major. Only unsigned bytes (type 0x08) are supported: all MNIST-family files use them. */
  data: Uint8Array;
}

const UNSIGNED_BYTE = 0x08;

/** Parses IDX bytes (already decompressed). `source` names the file in errors. */
export function parseIdx(bytes: Uint8Array, source: string): IdxArray {
  if (bytes.length < 4) throw new DatasetError(source, `too short for an IDX file (${bytes.length} bytes)`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new DatasetError(source, 'bad magic number: not an IDX file (the first two bytes must be zero)');
  }
  const type = bytes[2]!;
  const dims = bytes[3]!;
  if (type !== UNSIGNED_BYTE) {
    throw new DatasetError(source, `IDX data type 0x${type.toString(16)} is not supported (only unsigned bytes, 0x08)`);
  }
  if (dims < 1) throw new DatasetError(source, 'IDX file declares zero dimensions');
  const headerLength = 4 + 4 * dims;
  if (bytes.length < headerLength) throw new DatasetError(source, 'truncated IDX header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  let count = 1;
  for (let d = 0; d < dims; d++) {
    const size = view.getUint32(4 + 4 * d, false);
    shape.push(size);
    count *= size;
  }
  const available = bytes.length - headerLength;
  if (available < count) {
    throw new DatasetError(
      source,
      `truncated: shape [${shape.join(', ')}] needs ${count} bytes of data, found ${available}`,
    );
  }
  if (available > count) {
    throw new DatasetError(
      source,
      `${available - count} unexpected bytes after the data of shape [${shape.join(', ')}]`,
    );
  }
  return { shape, data: bytes.subarray(headerLength, headerLength + count) };
}

/** Reads an IDX file; gzip is recognised by its magic bytes, whatever the file name says. */
export async function readIdxFile(path: string): Promise<IdxArray> {
  let raw: Uint8Array;
  try {
    raw = await readFile(path);
  } catch (error) {
    throw new DatasetError(path, `cannot read: ${(error as Error).message}`, { cause: error });
  }
  return parseIdx(await maybeGunzip(raw, path), path);
}

const gunzipAsync = promisify(gunzip);

/** Decompresses gzip data off the main thread (libuv's pool), so the four files inflate in parallel. */
export async function maybeGunzip(raw: Uint8Array, source: string): Promise<Uint8Array> {
  if (raw.length < 2 || raw[0] !== 0x1f || raw[1] !== 0x8b) return raw;
  try {
    return await gunzipAsync(raw);
  } catch (error) {
    throw new DatasetError(source, `corrupt or truncated gzip data (${(error as Error).message})`, { cause: error });
  }
}

/** Writes IDX bytes (unsigned byte data); used by tests and by tools that export encoded data. */
export function encodeIdx(shape: number[], data: Uint8Array): Uint8Array {
  const header = new Uint8Array(4 + 4 * shape.length);
  const view = new DataView(header.buffer);
  header[2] = UNSIGNED_BYTE;
  header[3] = shape.length;
  for (const [d, size] of shape.entries()) view.setUint32(4 + 4 * d, size, false);
  const out = new Uint8Array(header.length + data.length);
  out.set(header);
  out.set(data, header.length);
  return out;
}
