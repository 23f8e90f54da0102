import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { openCustom, openHeidelberg } from './spikeDataset';
import { makeTempDir, writeFlatSpikeH5 } from './testFiles';

const temp = makeTempDir();
afterAll(() => temp.remove());

const params = { path: '', timeSteps: 10, duration: 100, validationFraction: 0.25, dataSeed: 0 };

function recordings(count: number, classes: number, units: number) {
  return Array.from({ length: count }, (_, i) => ({
    times: [0.001 * i, 0.05, 0.0999, 0.2],
    units: [i % units, (i + 1) % units, 0, 1],
    label: i % classes,
  }));
}

describe('SHD / SSC', () => {
  it('opens SHD from a folder: 700 channels, 20 classes, validation held out of train', async () => {
    const dir = join(temp.dir, 'shd');
    mkdirSync(dir);
    await writeFlatSpikeH5(join(dir, 'shd_train.h5'), recordings(8, 20, 700));
    await writeFlatSpikeH5(join(dir, 'shd_test.h5'), recordings(3, 20, 700));
    const d = await openHeidelberg({ ...params, dataset: 'shd', path: dir });
    expect(d.inputUnits).toBe(700);
    expect(d.classes).toBe(20);
    expect([d.size('train'), d.size('validation'), d.size('test')]).toEqual([6, 2, 3]);
    // 10 steps over 100 ms: 0.05 s -> step 5, 0.0999 s -> step 9, 0.2 s dropped.
    const s = d.sample('test', 2);
    expect(Array.from(s.times)).toEqual([0, 5, 9]);
    expect(Array.from(s.units)).toEqual([2, 3, 0]);
  });

  it('opens the published .h5.gz files, decompressing them once next to themselves', async () => {
    const dir = join(temp.dir, 'shd-gz');
    mkdirSync(dir);
    for (const name of ['shd_train.h5', 'shd_test.h5']) {
      await writeFlatSpikeH5(join(dir, name), recordings(4, 20, 700));
      writeFileSync(join(dir, `${name}.gz`), gzipSync(readFileSync(join(dir, name))));
      rmSync(join(dir, name));
    }
    const d = await openHeidelberg({ ...params, dataset: 'shd', path: dir });
    expect(d.size('test')).toBe(4);
    expect(existsSync(join(dir, 'shd_train.h5'))).toBe(true);
  });

  it('uses the official SSC validation file', async () => {
    const dir = join(temp.dir, 'ssc');
    mkdirSync(dir);
    await writeFlatSpikeH5(join(dir, 'ssc_train.h5'), recordings(5, 35, 700));
    await writeFlatSpikeH5(join(dir, 'ssc_valid.h5'), recordings(4, 35, 700));
    await writeFlatSpikeH5(join(dir, 'ssc_test.h5'), recordings(3, 35, 700));
    const d = await openHeidelberg({ ...params, dataset: 'ssc', path: dir });
    expect([d.size('train'), d.size('validation'), d.size('test')]).toEqual([5, 4, 3]);
    expect(d.classes).toBe(35);
  });

  it('rejects unit ids beyond the 700 channels, naming the file', async () => {
    const dir = join(temp.dir, 'shd-bad');
    mkdirSync(dir);
    await writeFlatSpikeH5(join(dir, 'shd_train.h5'), [{ times: [0.01], units: [700], label: 0 }]);
    await writeFlatSpikeH5(join(dir, 'shd_test.h5'), recordings(1, 20, 700));
    await expect(openHeidelberg({ ...params, dataset: 'shd', path: dir })).rejects.toThrow(
      /shd_train\.h5: sample 0 has unit id 700, outside \[0, 700\)/,
    );
  });
});

describe('custom datasets', () => {
  it('reads the CSV format (steps, not seconds) and derives units and classes', async () => {
    const dir = join(temp.dir, 'csv');
    mkdirSync(dir);
    writeFileSync(join(dir, 'train.csv'), 'sample,step,unit\n0,3,4\n0,1,2\n1,0,0\n# comment\n\n2,9,1\n2,10,1\n');
    writeFileSync(join(dir, 'train-labels.csv'), 'sample,label\n0,0\n1,2\n2,1\n');
    writeFileSync(join(dir, 'test.csv'), '0,0,1\n');
    writeFileSync(join(dir, 'test-labels.csv'), '0,1\n');
    // A picked file stands for its folder.
    const d = await openCustom({ ...params, dataset: 'custom', path: join(dir, 'train.csv'), validationFraction: 0 });
    expect(d.inputUnits).toBe(5);
    expect(d.classes).toBe(3);
    expect(d.size('train')).toBe(3);
    const s0 = d.sample('train', 0);
    expect(Array.from(s0.times)).toEqual([1, 3]);
    expect(Array.from(s0.units)).toEqual([2, 4]);
    // step 10 is outside the 10-step window
    expect(Array.from(d.sample('train', 2).times)).toEqual([9]);
  });

  it('reads the HDF5 format with an explicit validation file', async () => {
    const dir = join(temp.dir, 'h5');
    mkdirSync(dir);
    await writeFlatSpikeH5(join(dir, 'train.h5'), recordings(4, 2, 9));
    await writeFlatSpikeH5(join(dir, 'validation.h5'), recordings(2, 2, 9));
    await writeFlatSpikeH5(join(dir, 'test.h5'), recordings(2, 2, 9));
    const d = await openCustom({ ...params, dataset: 'custom', path: dir });
    expect([d.size('train'), d.size('validation'), d.size('test')]).toEqual([4, 2, 2]);
    expect(d.inputUnits).toBe(5); // largest unit id + 1
  });

  it('explains broken CSV input', async () => {
    const dir = join(temp.dir, 'csv-bad');
    mkdirSync(dir);
    writeFileSync(join(dir, 'train.csv'), '0,1,2\n5,1,2\n');
    writeFileSync(join(dir, 'train-labels.csv'), '0,0\n');
    writeFileSync(join(dir, 'test.csv'), '');
    writeFileSync(join(dir, 'test-labels.csv'), '');
    await expect(openCustom({ ...params, dataset: 'custom', path: dir })).rejects.toThrow(
      /train\.csv: event for sample 5, but .*train-labels\.csv labels samples 0\.\.0/,
    );
    writeFileSync(join(dir, 'train.csv'), '0,1\n');
    await expect(openCustom({ ...params, dataset: 'custom', path: dir })).rejects.toThrow(
      /train\.csv: line 1: expected 3 columns/,
    );
    writeFileSync(join(dir, 'train.csv'), 'sample,step,unit\n0,x,1\n');
    await expect(openCustom({ ...params, dataset: 'custom', path: dir })).rejects.toThrow(
      /train\.csv: line 2: expected 3 numbers/,
    );
    await expect(openCustom({ ...params, dataset: 'custom', path: '' })).rejects.toThrow(/no folder chosen/);
    await expect(openCustom({ ...params, dataset: 'custom', path: temp.dir })).rejects.toThrow(
      /neither train\.h5 nor train\.csv/,
    );
  });
});
