import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { DatasetError } from './datasetError';
import { encodeIdx, parseIdx, readIdxFile } from './idxFile';
import { makeTempDir } from './testFiles';

const temp = makeTempDir();
afterAll(() => temp.remove());

describe('IDX reader', () => {
  const data = Uint8Array.from({ length: 2 * 3 * 4 }, (_, i) => i);
  const bytes = encodeIdx([2, 3, 4], data);

  it('reads plain and gzip-compressed files', async () => {
    const plain = join(temp.dir, 'a-idx3-ubyte');
    const gz = join(temp.dir, 'a-idx3-ubyte.gz');
    writeFileSync(plain, bytes);
    writeFileSync(gz, gzipSync(bytes));
    for (const path of [plain, gz]) {
      const idx = await readIdxFile(path);
      expect(idx.shape).toEqual([2, 3, 4]);
      expect(Array.from(idx.data)).toEqual(Array.from(data));
    }
  });

  it('rejects a bad magic number, naming the file', () => {
    const bad = bytes.slice();
    bad[0] = 7;
    expect(() => parseIdx(bad, 'x.idx')).toThrow(DatasetError);
    expect(() => parseIdx(bad, 'x.idx')).toThrow(/x\.idx: bad magic number/);
    const float = bytes.slice();
    float[2] = 0x0d;
    expect(() => parseIdx(float, 'f.idx')).toThrow(/f\.idx: IDX data type 0xd is not supported/);
  });

  it('rejects truncated data and trailing bytes', () => {
    expect(() => parseIdx(bytes.subarray(0, bytes.length - 1), 't.idx')).toThrow(/t\.idx: truncated/);
    expect(() => parseIdx(bytes.subarray(0, 6), 't.idx')).toThrow(/truncated IDX header/);
    expect(() => parseIdx(bytes.subarray(0, 2), 't.idx')).toThrow(/too short/);
    const longer = new Uint8Array(bytes.length + 3);
    longer.set(bytes);
    expect(() => parseIdx(longer, 'l.idx')).toThrow(/3 unexpected bytes/);
  });

  it('rejects a truncated gzip file and a missing file', async () => {
    const gz = gzipSync(bytes);
    const path = join(temp.dir, 'cut.gz');
    writeFileSync(path, gz.subarray(0, gz.length - 10));
    await expect(readIdxFile(path)).rejects.toThrow(/cut\.gz: corrupt or truncated gzip/);
    await expect(readIdxFile(join(temp.dir, 'nope'))).rejects.toThrow(/nope: cannot read/);
  });
});
