import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sweepTempLeftovers } from './tempFolder';

describe('temporary files of the backend', () => {
  it('removes the folders of killed backends and old loose NIR files, and nothing else', () => {
    const base = mkdtempSync(join(tmpdir(), 'spikewright-sweep-'));
    // A process that has exited: its pid is free.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid as number;
    const deadFolder = join(base, `spikewright-server-${dead}-abc`);
    const liveFolder = join(base, `spikewright-server-${process.pid}-def`);
    mkdirSync(deadFolder);
    writeFileSync(join(deadFolder, 'spikewright-1.nir'), 'x');
    mkdirSync(liveFolder);
    const oldLoose = join(base, 'spikeforge-0b9c1a9e-3f1e-4c1a-9a49-1f0c2c3d4e5f.nir');
    const newLoose = join(base, 'spikewright-1b9c1a9e-3f1e-4c1a-9a49-1f0c2c3d4e5f.nir');
    const unrelated = join(base, 'notes.nir');
    for (const f of [oldLoose, newLoose, unrelated]) writeFileSync(f, 'x');
    const hourAgo = (Date.now() - 2 * 60 * 60 * 1000) / 1000;
    utimesSync(oldLoose, hourAgo, hourAgo);
    utimesSync(unrelated, hourAgo, hourAgo);

    const removed = sweepTempLeftovers(base);
    expect(removed.sort()).toEqual(
      [`spikewright-server-${dead}-abc`, 'spikeforge-0b9c1a9e-3f1e-4c1a-9a49-1f0c2c3d4e5f.nir'].sort(),
    );
    expect(existsSync(deadFolder)).toBe(false);
    expect(existsSync(liveFolder)).toBe(true);
    expect(existsSync(newLoose)).toBe(true);
    expect(existsSync(unrelated)).toBe(true);
  });

  it('a backend removes its own folder when it exits', () => {
    const base = mkdtempSync(join(tmpdir(), 'spikewright-own-'));
    const script = `import { adoptPrivateTempFolder } from './main/services/tempFolder.ts';
      import { tmpdir } from 'node:os'; import { writeFileSync } from 'node:fs';
      const folder = adoptPrivateTempFolder(${JSON.stringify(base)});
      writeFileSync(tmpdir() + '/spikewright-x.nir', 'x');
      console.log(folder === tmpdir() ? folder : 'tmpdir not moved');`;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    const folder = run.stdout.trim();
    expect(folder.startsWith(join(base, 'spikewright-server-'))).toBe(true);
    expect(existsSync(folder)).toBe(false);
  });
});
