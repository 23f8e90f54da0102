import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultsOf } from '../../shared/graph/fields';
import { type DatasetParams, datasetFields } from '../../shared/graph/kinds';
import { DatasetError, datasetPreview, openDataset } from './index';
import { makeTempDir, writeImageIdxFiles } from './testFiles';

const temp = makeTempDir();
afterAll(() => temp.remove());
const defaults: DatasetParams = defaultsOf(datasetFields);

describe('openDataset', () => {
  it('opens Randman from the node defaults and previews it', async () => {
    const d = await openDataset({ ...defaults, samplesPerClass: 20, classes: 3 });
    expect(d.inputUnits).toBe(20);
    const p = datasetPreview(d, { samples: 2 });
    expect(p.samples).toHaveLength(2);
    // Randman: every unit spikes once.
    expect(p.samples[0]!.units.slice().sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(p.samples[0]!.times.every((t) => t >= 0 && t < 50)).toBe(true);
    const total = p.splits.train.size + p.splits.validation.size + p.splits.test.size;
    expect(total).toBe(60);
    expect(p.splits.test.classCounts.reduce((a, b) => a + b)).toBe(p.splits.test.size);
  });

  it('finds image files in the cache folder passed in', async () => {
    mkdirSync(join(temp.dir, 'fashion-mnist'));
    writeImageIdxFiles(join(temp.dir, 'fashion-mnist'), { train: 20, test: 10, rows: 3, columns: 3 });
    // The cache is searched before /usr/share/datasets, so these small files win.
    const d = await openDataset({ ...defaults, dataset: 'fashion-mnist' }, { cacheDir: temp.dir });
    expect(d.inputUnits).toBe(9);
    expect(d.size('test')).toBe(10);
    const p = datasetPreview(d, { samples: 1, split: 'test' });
    expect(p.classNames?.[0]).toBe('T-shirt/top');
  });

  it("rejects parameters outside their fields' bounds", async () => {
    await expect(openDataset({ ...defaults, timeSteps: 2.5 })).rejects.toThrow(
      /Dataset settings: Time steps \(timeSteps\) must be a whole number/,
    );
    await expect(openDataset({ ...defaults, validationFraction: 0.9 })).rejects.toThrow(
      /validationFraction\) must be at most 0.5/,
    );
  });

  it('throws DatasetError for a missing custom folder', async () => {
    await expect(openDataset({ ...defaults, dataset: 'custom', path: join(temp.dir, 'none') })).rejects.toBeInstanceOf(
      DatasetError,
    );
  });
});
