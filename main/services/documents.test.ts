import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from './documents';

describe('writeFileAtomic', () => {
  it('replaces a file whole and leaves no temporary files beside it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spikewright-write-'));
    const file = join(dir, 'net.snn.json');
    for (let i = 0; i < 20; i++) await writeFileAtomic(file, `{"version":${i}}`);
    expect(readFileSync(file, 'utf8')).toBe('{"version":19}');
    expect(readdirSync(dir)).toEqual(['net.snn.json']);
  });

  it('writes concurrent saves one after another (the last one wins, never a mix)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spikewright-write-'));
    const file = join(dir, 'net.snn.json');
    const texts = Array.from({ length: 10 }, (_, i) => String(i).repeat(100_000));
    await Promise.all(texts.map((t) => writeFileAtomic(file, t)));
    expect(texts).toContain(readFileSync(file, 'utf8'));
    expect(readdirSync(dir)).toEqual(['net.snn.json']);
  });

  it('writes through a symbolic link to its target, keeping the link', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spikewright-write-'));
    writeFileSync(join(dir, 'target.snn.json'), 'old');
    symlinkSync(join(dir, 'target.snn.json'), join(dir, 'link.snn.json'));
    await writeFileAtomic(join(dir, 'link.snn.json'), 'new');
    expect(readFileSync(join(dir, 'target.snn.json'), 'utf8')).toBe('new');
    expect(readdirSync(dir).sort()).toEqual(['link.snn.json', 'target.snn.json']);
  });

  it('says plainly why it cannot write, and leaves the old file as it was', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spikewright-write-'));
    writeFileSync(join(dir, 'state'), 'a file where a folder should be');
    await expect(writeFileAtomic(join(dir, 'state', 'recovery.json'), '{}')).rejects.toThrow(
      /^Cannot save .*recovery\.json: a part of the path is a file, not a folder\.$/,
    );
    mkdirSync(join(dir, 'folder.snn.json'));
    await expect(writeFileAtomic(join(dir, 'folder.snn.json'), '{}')).rejects.toThrow('Cannot save');
    expect(readdirSync(join(dir, 'folder.snn.json'))).toEqual([]);
  });
});
