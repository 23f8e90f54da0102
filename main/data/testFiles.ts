// Helpers for tests: temporary folders and small generated dataset files.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { mixSeeds, Random } from '../util/random';
import { encodeIdx } from './idxFile';

export function makeTempDir(prefix = 'spikewright-data-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes random MNIST-style IDX files (images count x rows x columns, labels 0..9) into `dir`. */
export function writeImageIdxFiles(
  dir: string,
  options: { train: number; test: number; rows?: number; columns?: number; gzip?: boolean; seed?: number },
): { trainImages: Uint8Array; trainLabels: Uint8Array; testImages: Uint8Array; testLabels: Uint8Array } {
  const rows = options.rows ?? 4;
  const columns = options.columns ?? 5;
  const make = (count: number, stream: number) => {
    const rng = new Random(mixSeeds(options.seed ?? 0, stream));
    const images = new Uint8Array(count * rows * columns);
    for (let i = 0; i < images.length; i++) images[i] = rng.int(256);
    const labels = new Uint8Array(count);
    for (let i = 0; i < count; i++) labels[i] = i % 10;
    return { images, labels };
  };
  const train = make(options.train, 1);
  const test = make(options.test, 2);
  const write = (name: string, bytes: Uint8Array) => {
    if (options.gzip === false) writeFileSync(join(dir, name.replace(/\.gz$/, '')), bytes);
    else writeFileSync(join(dir, name), gzipSync(bytes));
  };
  write('train-images-idx3-ubyte.gz', encodeIdx([options.train, rows, columns], train.images));
  write('train-labels-idx1-ubyte.gz', encodeIdx([options.train], train.labels));
  write('t10k-images-idx3-ubyte.gz', encodeIdx([options.test, rows, columns], test.images));
  write('t10k-labels-idx1-ubyte.gz', encodeIdx([options.test], test.labels));
  return { trainImages: train.images, trainLabels: train.labels, testImages: test.images, testLabels: test.labels };
}

/** Writes an HDF5 file in the flat SHD layout (h5wasm cannot write variable-length arrays). */
export async function writeFlatSpikeH5(
  path: string,
  samples: { times: number[]; units: number[]; label: number }[],
  options: { omit?: 'labels' | 'units' | 'offsets' } = {},
): Promise<void> {
  const { loadH5wasm } = await import('../util/h5wasm');
  const h5 = await loadH5wasm();
  const file = new h5.File(path, 'w');
  try {
    const spikes = file.create_group('spikes');
    const offsets = new Int32Array(samples.length + 1);
    samples.forEach((s, i) => {
      offsets[i + 1] = offsets[i]! + s.times.length;
    });
    spikes.create_dataset({ name: 'times', data: Float32Array.from(samples.flatMap((s) => s.times)) });
    if (options.omit !== 'units') {
      spikes.create_dataset({ name: 'units', data: Uint16Array.from(samples.flatMap((s) => s.units)) });
    }
    if (options.omit !== 'offsets') spikes.create_dataset({ name: 'offsets', data: offsets });
    if (options.omit !== 'labels') {
      file.create_dataset({ name: 'labels', data: Uint16Array.from(samples.map((s) => s.label)) });
    }
  } finally {
    file.close();
  }
}
