// A plain in-memory tree of HDF5 groups and datasets, and its conversion to and from file
// bytes with h5wasm. Export and import build and walk this tree, so the NIR logic never
// touches HDF5 handles and tests can inspect exactly what is written.
import { randomUUID } from 'node:crypto';
import { readFile, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Dataset, Group } from 'h5wasm';
import { loadH5wasm } from '../data/hdf5SpikeFile';

export type H5Data = Float32Array | Float64Array | BigInt64Array | Int32Array | string | string[];

export interface H5Dataset {
  kind: 'dataset';
  /** Row-major values; a string for a scalar string dataset. */
  value: H5Data;
  /** [] for a scalar (0-d) dataset. */
  shape: number[];
  /** h5wasm dtype string as read ('<f', '<d', '<q', 'S', ...); absent on written trees. */
  dtype?: string;
  /** Names of HDF5 attributes found on this dataset when read (NIR files have none). */
  attributes?: string[];
}

export interface H5Group {
  kind: 'group';
  children: Record<string, H5Node>;
  attributes?: string[];
}

export type H5Node = H5Group | H5Dataset;

export const group = (children: Record<string, H5Node> = {}): H5Group => ({ kind: 'group', children });
export const dataset = (value: H5Data, shape?: number[]): H5Dataset => ({
  kind: 'dataset',
  value,
  shape: shape ?? (typeof value === 'string' ? [] : [value.length]),
});

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** True when the bytes carry the HDF5 signature (at 0, 512, 1024, ...). */
export function isHdf5(bytes: Uint8Array): boolean {
  for (let at = 0; at + 8 <= bytes.length; at = at === 0 ? 512 : at * 2)
    if (HDF5_SIGNATURE.every((b, i) => bytes[at + i] === b)) return true;
  return false;
}

// h5wasm's Node build reads and writes the host filesystem, so bytes pass through a temp file.
async function withTempPath<T>(fn: (path: string) => Promise<T>): Promise<T> {
  const path = join(tmpdir(), `spikewright-${randomUUID()}.nir`);
  try {
    return await fn(path);
  } finally {
    await unlink(path).catch(() => undefined);
  }
}

/** Writes the tree as an HDF5 file: groups, datasets, no attributes. */
export async function writeH5(root: H5Group): Promise<Uint8Array> {
  const h5 = await loadH5wasm();
  return withTempPath(async (path) => {
    const file = new h5.File(path, 'w');
    try {
      writeChildren(file, root);
    } finally {
      file.close();
    }
    return new Uint8Array(await readFile(path));
  });
}

function writeChildren(target: Group, node: H5Group) {
  for (const [name, child] of Object.entries(node.children)) {
    if (child.kind === 'group') writeChildren(target.create_group(name), child);
    else target.create_dataset({ name, data: child.value, shape: child.shape });
  }
}

/** Reads a whole HDF5 file into a tree. Throws when the bytes are not HDF5. */
export async function readH5(bytes: Uint8Array): Promise<H5Group> {
  if (!isHdf5(bytes)) throw new Error('not an HDF5 file (the HDF5 signature is missing)');
  const h5 = await loadH5wasm();
  return withTempPath(async (path) => {
    await writeFile(path, bytes);
    let file: InstanceType<typeof h5.File>;
    try {
      file = new h5.File(path, 'r');
    } catch (error) {
      throw new Error(`cannot be opened as HDF5 (${(error as Error).message})`);
    }
    try {
      return readGroup(file as Group);
    } finally {
      file.close();
    }
  });
}

function readGroup(g: Group): H5Group {
  const out: H5Group = { kind: 'group', children: {} };
  const attrs = Object.keys(g.attrs);
  if (attrs.length) out.attributes = attrs;
  for (const name of g.keys()) {
    const child = g.get(name);
    if (!child) continue;
    if ('type' in child && child.type === 'Group') {
      out.children[name] = readGroup(child as Group);
    } else if ('type' in child && child.type === 'Dataset') {
      out.children[name] = readDataset(child as Dataset);
    }
  }
  return out;
}

function readDataset(d: Dataset): H5Dataset {
  const raw = d.value;
  const shape = d.shape ?? [];
  let value: H5Data;
  if (typeof raw === 'string') value = raw;
  else if (Array.isArray(raw)) value = raw.map((v) => String(v));
  else if (raw instanceof Float32Array || raw instanceof Float64Array || raw instanceof BigInt64Array) value = raw;
  else if (ArrayBuffer.isView(raw) && !(raw instanceof DataView) && !(raw instanceof BigUint64Array))
    value = Float64Array.from(raw as ArrayLike<number>);
  else if (typeof raw === 'number') value = Float64Array.of(raw);
  else if (typeof raw === 'bigint') value = BigInt64Array.of(raw);
  else if (typeof raw === 'boolean') value = Float64Array.of(raw ? 1 : 0);
  else value = [];
  const out: H5Dataset = { kind: 'dataset', value, shape, dtype: typeof d.dtype === 'string' ? d.dtype : 'compound' };
  const attrs = Object.keys(d.attrs);
  if (attrs.length) out.attributes = attrs;
  return out;
}
