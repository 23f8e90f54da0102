import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DatasetError } from './datasetError';
import { halfToFloat, readHdf5Spikes } from './hdf5SpikeFile';
import { binRecording } from './spikeFile';
import { makeTempDir, writeFlatSpikeH5 } from './testFiles';

const temp = makeTempDir();
afterAll(() => temp.remove());
const fixtures = join(import.meta.dirname, 'fixtures');

describe('HDF5 spike files', () => {
  it('reads the real SHD layout (variable-length arrays, float16 and float32 times)', async () => {
    for (const name of ['shd-vlen-f16.h5', 'shd-vlen-f32.h5']) {
      const r = await readHdf5Spikes(join(fixtures, name));
      expect(r.samples).toBe(4);
      expect(Array.from(r.labels)).toEqual([3, 19, 0, 7]);
      expect(Array.from(r.units[0]!)).toEqual([0, 699, 3, 5]);
      expect(r.times[2]!.length).toBe(0);
      expect(r.times[0]![2]).toBeCloseTo(0.71, 3);
    }
  });

  it('reads the flat layout written by h5wasm', async () => {
    const path = join(temp.dir, 'flat.h5');
    await writeFlatSpikeH5(path, [
      { times: [0.5, 0.1], units: [1, 2], label: 1 },
      { times: [], units: [], label: 0 },
    ]);
    const r = await readHdf5Spikes(path);
    expect(r.samples).toBe(2);
    expect(Array.from(r.units[0]!)).toEqual([1, 2]);
    expect(r.times[0]![0]).toBeCloseTo(0.5);
    expect(r.times[1]!.length).toBe(0);
  });

  it('bins into steps over the duration, one event per (unit, step)', async () => {
    const r = await readHdf5Spikes(join(fixtures, 'shd-vlen-f32.h5'));
    // 100 steps over 1400 ms: 14 ms per step.
    const table = binRecording(r, { timeSteps: 100, stepsPerTimeUnit: 1000 / 14, inputUnits: 700, classes: 20 });
    const events = (s: number) => {
      const out: string[] = [];
      for (let t = 0; t < 100; t++) {
        for (let e = table.offsets[s * 100 + t]!; e < table.offsets[s * 100 + t + 1]!; e++)
          out.push(`${t}:${table.units[e]}`);
      }
      return out;
    };
    // 0 and 0.5 ms share step 0; 0.71 s -> step 50; 1.5 s is past 1.4 s and dropped.
    expect(events(0)).toEqual(['0:0', '0:699', '50:3']);
    // unit 7 twice in step 7 -> one event; 1.3999 s -> step 99.
    expect(events(1)).toEqual(['7:7', '99:8']);
    expect(events(3)).toEqual(['25:699']);
  });

  it('names the file and the problem for broken input', async () => {
    const notH5 = join(temp.dir, 'not.h5');
    writeFileSync(notH5, 'hello');
    await expect(readHdf5Spikes(notH5)).rejects.toThrow(DatasetError);
    await expect(readHdf5Spikes(notH5)).rejects.toThrow(/not\.h5: cannot open as HDF5/);
    for (const omit of ['labels', 'units', 'offsets'] as const) {
      const path = join(temp.dir, `no-${omit}.h5`);
      await writeFlatSpikeH5(path, [{ times: [0.1], units: [1], label: 0 }], { omit });
      await expect(readHdf5Spikes(path)).rejects.toThrow(new RegExp(`no-${omit}\\.h5: .*${omit}`));
    }
    const mismatch = join(temp.dir, 'mismatch.h5');
    await writeFlatSpikeH5(mismatch, [{ times: [0.1], units: [1], label: 0 }]);
    const r = await readHdf5Spikes(mismatch);
    expect(() => binRecording(r, { timeSteps: 10, stepsPerTimeUnit: 10, inputUnits: 1, classes: 2 })).toThrow(
      /mismatch\.h5: sample 0 has unit id 1, outside \[0, 1\)/,
    );
  });

  it('decodes half floats', () => {
    // 0x3c00 = 1, 0xc000 = -2, 0x0001 = smallest subnormal, 0x7c00 = inf
    const bytes = Uint8Array.of(0x00, 0x3c, 0x00, 0xc0, 0x01, 0x00, 0x00, 0x7c);
    expect(Array.from(halfToFloat(bytes))).toEqual([1, -2, 2 ** -24, Number.POSITIVE_INFINITY]);
  });
});
