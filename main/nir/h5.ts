// A plain in-memory tree of HDF5 groups and datasets, and its conversion to and from file
// bytes with h5wasm. Export and import build and walk this tree, so the NIR logic never
// touches HDF5 handles and tests can inspect exactly what is written. Bytes go through
// h5wasm's in-memory filesystem, never a temp file on disk. Reading is iterative and bounded
// (depth, object count, bytes), so a hostile file costs a sentence, not the process.
import { randomUUID } from 'node:crypto';
import type { Dataset, Group } from 'h5wasm';
import { defaultMemoryLimit, formatBytes } from '../../shared/graph/budgets';
import { clearHdf5Diagnostics, hdf5Failure, loadH5wasmInMemory } from '../util/h5wasm';

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

/** Group nesting a file may have (a NIR graph nested k deep uses 2k + 2 levels). */
export const MAX_H5_DEPTH = 40;
/** Groups and datasets a file may hold. */
export const MAX_H5_OBJECTS = 20000;

export interface ReadH5Options {
  /** Bytes the values read may take in all (default: the process memory limit, budgets.ts). */
  maxBytes?: number;
}

/** A file h5wasm can read but we will not: too deep, too many objects, too large. */
export class H5LimitError extends Error {
  override name = 'H5LimitError';
}

async function withMemoryFile<T>(
  fn: (path: string, h5: Awaited<ReturnType<typeof loadH5wasmInMemory>>) => T,
): Promise<T> {
  const h5 = await loadH5wasmInMemory();
  const path = `/spikewright-${randomUUID()}.h5`;
  try {
    return fn(path, h5);
  } finally {
    try {
      h5.FS.unlink(path);
    } catch {
      // never created
    }
  }
}

/** Writes the tree as an HDF5 file: groups, datasets, no attributes. */
export async function writeH5(root: H5Group): Promise<Uint8Array> {
  return withMemoryFile((path, h5) => {
    clearHdf5Diagnostics();
    let file: InstanceType<typeof h5.File>;
    try {
      file = new h5.File(path, 'w');
    } catch (error) {
      throw new Error(`cannot write HDF5: ${hdf5Failure(error)}`);
    }
    try {
      writeChildren(file, root);
    } finally {
      file.close();
    }
    return new Uint8Array(h5.FS.readFile(path));
  });
}

function writeChildren(target: Group, root: H5Group) {
  const stack: [Group, H5Group][] = [[target, root]];
  while (stack.length) {
    const [g, node] = stack.pop() as [Group, H5Group];
    for (const [name, child] of Object.entries(node.children)) {
      if (child.kind === 'group') stack.push([g.create_group(name), child]);
      else g.create_dataset({ name, data: child.value, shape: child.shape });
    }
  }
}

/** Reads a whole HDF5 file into a tree. Throws when the bytes are not HDF5 or break a limit (H5LimitError). */
export async function readH5(bytes: Uint8Array, options: ReadH5Options = {}): Promise<H5Group> {
  if (!isHdf5(bytes)) throw new Error('not an HDF5 file (the HDF5 signature is missing)');
  const maxBytes = options.maxBytes ?? defaultMemoryLimit();
  return withMemoryFile((path, h5) => {
    h5.FS.writeFile(path, bytes);
    clearHdf5Diagnostics();
    let file: InstanceType<typeof h5.File>;
    try {
      file = new h5.File(path, 'r');
    } catch (error) {
      throw new Error(`cannot be opened as HDF5 (${hdf5Failure(error)})`);
    }
    try {
      return readTree(file as Group, maxBytes);
    } catch (error) {
      if (error instanceof H5LimitError) throw error;
      throw new Error(`cannot be read as HDF5 (${hdf5Failure(error)})`);
    } finally {
      file.close();
    }
  });
}

// Children objects have no prototype: a group named '__proto__' or 'constructor' in a file is
// just a name.
const children = (): Record<string, H5Node> => Object.create(null);

function readTree(root: Group, maxBytes: number): H5Group {
  const out: H5Group = { kind: 'group', children: children() };
  const stack: { g: Group; node: H5Group; depth: number; path: string }[] = [
    { g: root, node: out, depth: 0, path: '' },
  ];
  let objects = 0;
  let bytes = 0;
  while (stack.length) {
    const { g, node, depth, path } = stack.pop() as (typeof stack)[number];
    const attrs = Object.keys(g.attrs);
    if (attrs.length) node.attributes = attrs;
    for (const name of g.keys()) {
      if (++objects > MAX_H5_OBJECTS)
        throw new H5LimitError(`it holds more than ${MAX_H5_OBJECTS.toLocaleString('en-US')} groups and datasets`);
      const child = g.get(name);
      if (!child) continue;
      const at = `${path}/${name}`;
      if ('type' in child && child.type === 'Group') {
        if (depth + 1 > MAX_H5_DEPTH)
          throw new H5LimitError(`its groups are nested more than ${MAX_H5_DEPTH} deep (at ${at.slice(0, 120)}...)`);
        const sub: H5Group = { kind: 'group', children: children() };
        node.children[name] = sub;
        stack.push({ g: child as Group, node: sub, depth: depth + 1, path: at });
      } else if ('type' in child && child.type === 'Dataset') {
        const d = child as Dataset;
        // Judge the size from the header before reading a single value.
        const shape = d.shape ?? [];
        const elements = shape.reduce((a, b) => a * b, 1);
        const size = Math.max(8, d.metadata?.size ?? 8);
        bytes += elements * size;
        if (bytes > maxBytes)
          throw new H5LimitError(
            `its dataset ${at} has shape [${shape.join(', ')}] (${formatBytes(elements * size)}); the values read would exceed this machine's allowance of ${formatBytes(maxBytes)}`,
          );
        node.children[name] = readDataset(d, shape);
      }
    }
  }
  return out;
}

function readDataset(d: Dataset, shape: number[]): H5Dataset {
  const raw = d.value;
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
