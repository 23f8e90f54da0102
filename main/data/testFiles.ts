// Helpers for tests: temporary folders and small generated dataset files.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { mixSeeds, Random } from '../util/random';
import { encodeIdx } from './idxFile';

export function makeTempDir(prefix = 'spikeforge-data-'): { dir: string; remove: () => void } {
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
