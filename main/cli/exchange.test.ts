import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { float32ToBase64 } from '../../shared/file/base64';
import { loadSnnFile, serializeSnnFile } from '../../shared/file/snnFile';
import { ExchangeError, exportCommand, importCommand } from './exchange';

const example = readFileSync(new URL('../../examples/randman.snn.json', import.meta.url), 'utf8');

function trained(): string {
  const loaded = loadSnnFile(example);
  if (!loaded.ok) throw new Error(loaded.error);
  const file = loaded.file;
  const tensor = (rows: number, cols: number) => ({
    shape: [rows, cols],
    dtype: 'float32' as const,
    data: float32ToBase64(new Float32Array(rows * cols).map((_, i) => Math.sin(i) / 5)),
  });
  file.weights = { w_in: tensor(20, 128), w_out: tensor(128, 10) };
  return serializeSnnFile(file);
}

describe('export and import commands', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sf-cli-nir-'));

  it('exports a trained graph to NIR and imports it back with the same weights', async () => {
    writeFileSync(join(dir, 'trained.snn.json'), trained());
    const nir = await exportCommand(join(dir, 'trained.snn.json'), 'nir', join(dir, 'model.nir'), '0.1.0');
    expect(readFileSync(nir).subarray(0, 4).toString('latin1')).toBe('\x89HDF');
    const result = await importCommand(nir, join(dir, 'back.snn.json'), '0.1.0');
    expect(result.unmapped).toEqual([]);
    const back = loadSnnFile(readFileSync(result.path, 'utf8'));
    expect(back.ok).toBe(true);
    if (back.ok) expect(back.file.weights?.w_in?.data).toBe(JSON.parse(trained()).weights.w_in.data);
  });

  it('says what is wrong with bad input', async () => {
    await expect(exportCommand(join(dir, 'missing.snn.json'), 'nir', join(dir, 'x.nir'), '0')).rejects.toThrow(
      /does not exist/,
    );
    await expect(exportCommand(join(dir, 'trained.snn.json'), 'onnx', join(dir, 'x.nir'), '0')).rejects.toThrow(
      /--format must be nir/,
    );
    writeFileSync(join(dir, 'untrained.snn.json'), example);
    await expect(exportCommand(join(dir, 'untrained.snn.json'), 'nir', join(dir, 'x.nir'), '0')).rejects.toThrow(
      /no trained weights/,
    );
    writeFileSync(join(dir, 'junk.nir'), 'not hdf5');
    const error = await importCommand(join(dir, 'junk.nir'), join(dir, 'y.snn.json'), '0').catch((e) => e);
    expect(error).toBeInstanceOf(ExchangeError);
    expect(error.message).toMatch(/junk\.nir: .*not an HDF5 file/);
  });
});
