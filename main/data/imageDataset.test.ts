import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeIdx } from './idxFile';
import { openImageDataset } from './imageDataset';
import { latencyStep } from './latencyCode';
import { makeTempDir, writeImageIdxFiles } from './testFiles';

const temp = makeTempDir();
afterAll(() => temp.remove());

const base = { tau: 20, theta: 0.2, timeSteps: 100, validationFraction: 0.1, dataSeed: 1 };

describe('image datasets (generated IDX files)', () => {
  it('latency-codes every pixel by the formula, one spike per pixel at most', async () => {
    const dir = join(temp.dir, 'fm');
    mkdirSync(dir);
    const raw = writeImageIdxFiles(dir, { train: 30, test: 10, gzip: false });
    const d = await openImageDataset({ ...base, dataset: 'fashion-mnist', path: dir, validationFraction: 0 });
    expect(d.inputUnits).toBe(20);
    expect(d.size('train')).toBe(30);
    expect(d.size('test')).toBe(10);
    for (let s = 0; s < 10; s++) {
      const sample = d.sample('test', s);
      expect(sample.label).toBe(raw.testLabels[s]);
      const expected: string[] = [];
      for (let p = 0; p < 20; p++) {
        const step = latencyStep(raw.testImages[s * 20 + p]! / 255, base);
        if (step >= 0) expected.push(`${step}:${p}`);
      }
      const got = Array.from(sample.times, (t, e) => `${t}:${sample.units[e]}`);
      expect(got.sort()).toEqual(expected.sort());
    }
  });

  it('reads gzip files from the cache folder and holds out validation', async () => {
    const cache = join(temp.dir, 'cache');
    mkdirSync(join(cache, 'mnist'), { recursive: true });
    writeImageIdxFiles(join(cache, 'mnist'), { train: 50, test: 5 });
    const d = await openImageDataset({ ...base, dataset: 'mnist', path: '' }, cache);
    expect(d.size('validation')).toBe(5);
    expect(d.size('train')).toBe(45);
    expect(d.name).toMatch(/MNIST/);
  });

  it('explains missing files and mismatched label counts', async () => {
    await expect(
      openImageDataset({ ...base, dataset: 'mnist', path: join(temp.dir, 'nowhere') }, join(temp.dir, 'nocache')),
    ).rejects.toThrow(/files not found.*data download mnist/);
    const dir = join(temp.dir, 'bad');
    mkdirSync(dir);
    writeImageIdxFiles(dir, { train: 10, test: 5 });
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte.gz'), gzipSync(encodeIdx([4], new Uint8Array(4))));
    await expect(openImageDataset({ ...base, dataset: 'mnist', path: dir })).rejects.toThrow(
      /t10k-labels-idx1-ubyte\.gz: has 4 labels but .*t10k-images-idx3-ubyte\.gz has 5 images/,
    );
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte.gz'), gzipSync(encodeIdx([5], Uint8Array.of(1, 2, 3, 4, 12))));
    await expect(openImageDataset({ ...base, dataset: 'mnist', path: dir })).rejects.toThrow(
      /t10k-labels-idx1-ubyte\.gz: sample 4 has label 12, outside \[0, 10\)/,
    );
  });
});

const SYSTEM_FASHION = '/usr/share/datasets/fashion-mnist';

describe.skipIf(!existsSync(join(SYSTEM_FASHION, 'train-images-idx3-ubyte.gz')))(
  'Fashion-MNIST (Debian package)',
  () => {
    it('reads all 70,000 images and labels with balanced classes', async () => {
      const d = await openImageDataset({
        ...base,
        dataset: 'fashion-mnist',
        path: SYSTEM_FASHION,
        validationFraction: 0,
      });
      expect(d.size('train')).toBe(60_000);
      expect(d.size('test')).toBe(10_000);
      expect(Array.from(d.classCounts('train'))).toEqual(new Array(10).fill(6000));
      expect(Array.from(d.classCounts('test'))).toEqual(new Array(10).fill(1000));
      expect(d.inputUnits).toBe(784);
      expect(d.classNames?.[9]).toBe('Ankle boot');
      // At most one spike per pixel, all within the window.
      const [batch] = d.batches('test', { batchSize: 64 });
      expect(batch!.units.length).toBeLessThanOrEqual(64 * 784);
      expect(batch!.offsets.length).toBe(64 * 100 + 1);
    });
  },
);
