// Reader for spike recordings in HDF5 with the SHD/SSC layout (vlen arrays) or its flat variant.
import type { Dataset, Group } from 'h5wasm';
import { DatasetError } from './datasetError';
import type { SpikeRecording } from './spikeFile';

type H5Module = typeof import('h5wasm');

let h5wasmReady: Promise<H5Module> | undefined;

/** Loads h5wasm's Node build once (WebAssembly; reads files straight from the host filesystem). */
export function loadH5wasm(): Promise<H5Module> {
  h5wasmReady ??= (async () => {
    const h5 = (await import('h5wasm/node')) as unknown as H5Module;
    await h5.ready;
    return h5;
  })();
  return h5wasmReady;
}

/**
 * Reads /spikes/times, /spikes/units and /labels. Two layouts are accepted:
 * - SHD/SSC: times and units are variable-length arrays, one per sample;
 * - flat: times and units are 1-D arrays of all spikes, and /spikes/offsets (length samples + 1)
 *   says where each sample's spikes start (h5wasm, and so our tests, cannot write vlen data).
 */
export async function readHdf5Spikes(path: string): Promise<SpikeRecording> {
  const h5 = await loadH5wasm();
  let file: InstanceType<H5Module['File']>;
  try {
    file = new h5.File(path, 'r');
  } catch (error) {
    throw new DatasetError(path, 'cannot open as HDF5 (missing, unreadable or not an HDF5 file)', { cause: error });
  }
  try {
    const times = datasetAt(file, 'spikes/times', path);
    const units = datasetAt(file, 'spikes/units', path);
    const labels = toInt32(datasetAt(file, 'labels', path).value, path, '/labels');
    const samples = labels.length;
    let timeLists: ArrayLike<number>[];
    let unitLists: ArrayLike<number>[];
    const timesValue = times.value;
    if (Array.isArray(timesValue)) {
      timeLists = vlenRows(timesValue, path, '/spikes/times');
      unitLists = vlenRows(units.value, path, '/spikes/units');
    } else {
      const offsetsSet = file.get('spikes/offsets');
      if (!offsetsSet || !isDataset(offsetsSet)) {
        throw new DatasetError(path, 'flat /spikes/times needs /spikes/offsets (or use variable-length arrays)');
      }
      const offsets = toInt32(offsetsSet.value, path, '/spikes/offsets');
      const flatTimes = numeric(timesValue, path, '/spikes/times');
      const flatUnits = numeric(units.value, path, '/spikes/units');
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
