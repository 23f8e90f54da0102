// Reader for spike recordings in HDF5 with the SHD/SSC layout (vlen arrays) or its flat variant.
import { open } from 'node:fs/promises';
import type { Dataset, Group } from 'h5wasm';
import { clearHdf5Diagnostics, hdf5Failure, loadH5wasm } from '../util/h5wasm';
import { DatasetError } from './datasetError';
import type { SpikeRecording } from './spikeFile';

type H5Module = typeof import('h5wasm');

/**
 * Reads /spikes/times, /spikes/units and /labels. Two layouts are accepted:
 * - SHD/SSC: times and units are variable-length arrays, one per sample;
 * - flat: times and units are 1-D arrays of all spikes, and /spikes/offsets (length samples + 1)
 *   says where each sample's spikes start (h5wasm, and so our tests, cannot write vlen data).
 */
export async function readHdf5Spikes(path: string): Promise<SpikeRecording> {
  await checkSignature(path);
  const h5 = await loadH5wasm();
  let file: InstanceType<H5Module['File']>;
  try {
    clearHdf5Diagnostics();
    file = new h5.File(path, 'r');
  } catch (error) {
    throw new DatasetError(path, `cannot open as HDF5: ${hdf5Failure(error)}`, { cause: error });
  }
  try {
    const times = datasetAt(file, 'spikes/times', path);
    const units = datasetAt(file, 'spikes/units', path);
    const labels = toInt32(datasetAt(file, 'labels', path).value, path, '/labels');
    const samples = labels.length;
    let timeLists: ArrayLike<number>[];
    let unitLists: ArrayLike<number>[];
    const timesValue = await datasetValue(times);
    if (Array.isArray(timesValue)) {
      timeLists = vlenRows(timesValue, path, '/spikes/times');
      unitLists = vlenRows(await datasetValue(units), path, '/spikes/units');
    } else {
      const offsetsSet = file.get('spikes/offsets');
      if (!offsetsSet || !isDataset(offsetsSet)) {
        throw new DatasetError(path, 'flat /spikes/times needs /spikes/offsets (or use variable-length arrays)');
      }
      const offsets = toInt32(offsetsSet.value, path, '/spikes/offsets');
      const flatTimes = numeric(timesValue, path, '/spikes/times');
      const flatUnits = numeric(await datasetValue(units), path, '/spikes/units');
      if (flatTimes.length !== flatUnits.length) {
        throw new DatasetError(
          path,
          `/spikes/times has ${flatTimes.length} spikes but /spikes/units has ${flatUnits.length}`,
        );
      }
      if (offsets.length !== samples + 1) {
        throw new DatasetError(
          path,
          `/spikes/offsets has ${offsets.length} entries, expected samples + 1 = ${samples + 1}`,
        );
      }
      timeLists = [];
      unitLists = [];
      for (let s = 0; s < samples; s++) {
        const a = offsets[s]!;
        const b = offsets[s + 1]!;
        if (!(a >= 0 && a <= b && b <= flatTimes.length)) {
          throw new DatasetError(path, `/spikes/offsets is not a non-decreasing list within [0, ${flatTimes.length}]`);
        }
        timeLists.push(flatTimes.subarray(a, b));
        unitLists.push(flatUnits.subarray(a, b));
      }
    }
    if (timeLists.length !== samples || unitLists.length !== samples) {
      throw new DatasetError(
        path,
        `${samples} labels but ${timeLists.length} spike-time lists and ${unitLists.length} unit lists`,
      );
    }
    return { source: path, samples, times: timeLists, units: unitLists, labels };
  } finally {
    file.close();
  }
}

function isDataset(entity: unknown): entity is Dataset {
  return typeof entity === 'object' && entity !== null && (entity as { type?: string }).type === 'Dataset';
}

function datasetAt(file: Group, name: string, path: string): Dataset {
  let entity: unknown;
  try {
    entity = file.get(name);
  } catch {
    entity = null;
  }
  if (!isDataset(entity))
    throw new DatasetError(
      path,
      `no /${name} dataset (expected the SHD layout: /spikes/times, /spikes/units, /labels)`,
    );
  return entity;
}

type Numeric =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array;

function numeric(value: unknown, path: string, name: string): Numeric {
  if (
    ArrayBuffer.isView(value) &&
    !(value instanceof DataView) &&
    !(value instanceof BigInt64Array) &&
    !(value instanceof BigUint64Array)
  ) {
    return value as Numeric;
  }
  if (value instanceof BigInt64Array || value instanceof BigUint64Array) return Float64Array.from(value, Number);
  if (typeof value === 'number') return Float64Array.of(value);
  throw new DatasetError(path, `${name} is not a numeric array`);
}

function toInt32(value: unknown, path: string, name: string): Int32Array {
  const array = numeric(value, path, name);
  return array instanceof Int32Array ? array : Int32Array.from(array);
}

function vlenRows(value: unknown, path: string, name: string): ArrayLike<number>[] {
  if (!Array.isArray(value)) throw new DatasetError(path, `${name} is not a list of variable-length arrays`);
  return value.map((row) => numeric(row, path, name));
}

const H5T_FLOAT = 1;
const H5T_VLEN = 9;

/**
 * The dataset's values. h5wasm 0.10 refuses 16-bit floats ("Float16 not supported"), so those
 * (flat or variable-length) are read here as raw half floats and widened to Float32Array.
 */
async function datasetValue(set: Dataset): Promise<unknown> {
  const meta = set.metadata;
  const base = meta.type === H5T_VLEN ? meta.vlen_type : meta;
  if (!(base && base.type === H5T_FLOAT && base.size === 2)) return set.value;
  const h5 = await loadH5wasm();
  const module = h5.Module;
  const count = meta.total_size;
  const nbytes = meta.size * count;
  const pointer = module._malloc(Math.max(nbytes, 1));
  try {
    module.get_dataset_data(set.file_id, set.path, null, null, null, BigInt(pointer));
    if (meta.type !== H5T_VLEN) return halfToFloat(module.HEAPU8.slice(pointer, pointer + nbytes));
    try {
      // hvl_t pairs: (element count, pointer), both 32-bit in wasm32.
      const pairs = new Uint32Array(module.HEAPU8.slice(pointer, pointer + nbytes).buffer);
      const rows: Float32Array[] = [];
      for (let p = 0; p < pairs.length; p += 2) {
        const length = pairs[p]!;
        const data = pairs[p + 1]!;
        rows.push(halfToFloat(module.HEAPU8.slice(data, data + 2 * length)));
      }
      return rows;
    } finally {
      module.reclaim_vlen_memory(set.file_id, set.path, '', BigInt(pointer));
    }
  } finally {
    module._free(pointer);
  }
}

/** IEEE 754 binary16 (little-endian bytes) to float32. */
export function halfToFloat(bytes: Uint8Array): Float32Array {
  const n = bytes.length >> 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const h = bytes[2 * i]! | (bytes[2 * i + 1]! << 8);
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >> 10) & 0x1f;
    const fraction = h & 0x3ff;
    if (exponent === 0) out[i] = sign * 2 ** -14 * (fraction / 1024);
    else if (exponent === 31) out[i] = fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
    else out[i] = sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
  }
  return out;
}

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** h5wasm opens any file without complaint, so check the HDF5 signature (at 0, 512, 1024, ...) first. */
async function checkSignature(path: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw new DatasetError(path, `cannot read: ${(error as Error).message}`, { cause: error });
  }
  try {
    const { size } = await handle.stat();
    const buffer = new Uint8Array(8);
    for (let at = 0; at + 8 <= size; at = at === 0 ? 512 : at * 2) {
      await handle.read(buffer, 0, 8, at);
      if (HDF5_SIGNATURE.every((b, i) => buffer[i] === b)) return;
    }
  } finally {
    await handle.close();
  }
  throw new DatasetError(path, 'cannot open as HDF5 (not an HDF5 file: the signature is missing)');
}
