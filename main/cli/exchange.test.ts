import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { float32ToBase64 } from '../../shared/file/base64';
import { loadSnnFile, serializeSnnFile } from '../../shared/file/snnFile';
import { UsageError } from './command';
import { ExchangeError, exportCommand, importCommand } from './exchange';
import { main } from './index';

const example = readFileSync(new URL('../../examples/randman.snn.json', import.meta.url), 'utf8');
const fixture = (name: string) => new URL(`../nir/fixtures/${name}.nir`, import.meta.url);

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
  const cacheDir = join(dir, 'no-cache');

  it('exports a trained graph to NIR and imports it back with the same weights', async () => {
    writeFileSync(join(dir, 'trained.snn.json'), trained());
    const { path: nir, agreement } = await exportCommand(
      join(dir, 'trained.snn.json'),
      join(dir, 'model.nir'),
      '0.1.0',
      {
        samples: 8,
        cacheDir,
      },
    );
    expect(agreement.samples).toBe(8);
    expect(readFileSync(nir).subarray(0, 4).toString('latin1')).toBe('\x89HDF');
    const result = await importCommand(nir, join(dir, 'back.snn.json'), '0.1.0');
    expect(result.unmapped).toEqual([]);
    const back = loadSnnFile(readFileSync(result.path, 'utf8'));
    expect(back.ok).toBe(true);
    if (back.ok) expect(back.file.weights?.w_in?.data).toBe(JSON.parse(trained()).weights.w_in.data);
  });

  it('says, for a graph trained under SpyTorch’s rule, that the target cannot express it and what it measured', async () => {
    for (const target of ['nir', 'snntorch', 'norse']) {
      const { agreement } = await exportCommand(join(dir, 'trained.snn.json'), join(dir, `${target}.nir`), '0', {
        target,
        samples: 8,
        cacheDir,
      });
      expect(agreement.discretisation).toBe('spytorch');
      expect(agreement.expressible).toBe(false);
      expect(agreement.summary).toMatch(/Measured on 8 samples/);
      expect(agreement.summary).toMatch(/cannot express/);
      expect(agreement.layers.map((l) => l.name)).toEqual(['hidden']);
    }
  });

  it('prints the agreement and the target on the command line', async () => {
    const out: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((s: string) => out.push(String(s)) > 0) as typeof process.stdout.write;
    try {
      const code = await main([
        'export',
        join(dir, 'trained.snn.json'),
        '--target',
        'snntorch',
        '--samples',
        '4',
        '--cache-dir',
        cacheDir,
        '-o',
        join(dir, 'cli.nir'),
      ]);
      expect(code).toBe(0);
    } finally {
      process.stdout.write = write;
    }
    const text = out.join('');
    expect(text).toMatch(/^warning: Measured on 4 samples .*the file as snnTorch runs it vs our engine/m);
    expect(text).toMatch(/wrote .*cli\.nir for snnTorch/);
  });

  it('says what is wrong with bad input', async () => {
    await expect(exportCommand(join(dir, 'missing.snn.json'), join(dir, 'x.nir'), '0')).rejects.toThrow(
      /does not exist/,
    );
    await expect(
      exportCommand(join(dir, 'trained.snn.json'), join(dir, 'x.nir'), '0', { target: 'onnx' }),
    ).rejects.toThrow(/--target must be one of nir, snntorch, norse/);
    writeFileSync(join(dir, 'untrained.snn.json'), example);
    await expect(exportCommand(join(dir, 'untrained.snn.json'), join(dir, 'x.nir'), '0')).rejects.toThrow(
      /no trained weights/,
    );
    writeFileSync(join(dir, 'junk.nir'), 'not hdf5');
    const error = await importCommand(join(dir, 'junk.nir'), join(dir, 'y.snn.json'), '0').catch((e) => e);
    expect(error).toBeInstanceOf(ExchangeError);
    expect(error.message).toMatch(/junk\.nir: .*not an HDF5 file/);
    await expect(main(['import', join(dir, 'junk.nir'), '--dt=-1', '-o', join(dir, 'y.snn.json')])).rejects.toThrow(
      /--dt must be a positive number of seconds/,
    );
  });

  it('imports a real Norse file at the step it was made for (--dt 1e-4)', async () => {
    copyFileSync(fixture('lif-norse'), join(dir, 'lif.nir'));
    const guessed = await importCommand(join(dir, 'lif.nir'), join(dir, 'lif-guess.snn.json'), '0');
    expect(guessed.dtSeconds).toBe(1e-3);
    const given = await importCommand(join(dir, 'lif.nir'), join(dir, 'lif.snn.json'), '0', { dtSeconds: 1e-4 });
    expect(given.dtSeconds).toBe(1e-4);
    expect(given.problems).toEqual([]);
    const back = loadSnnFile(readFileSync(given.path, 'utf8'));
    const d = back.ok ? back.file.graph.nodes.find((n) => n.kind === 'dataset') : undefined;
    expect(d?.kind === 'dataset' && d.params.dt).toBeCloseTo(0.1, 12);
  });

  it('refuses a file it cannot run with a usage error (exit 2), writing nothing', async () => {
    const error = await main(['import', join(dir, 'missing.nir'), '-o', join(dir, 'z.snn.json')]).catch((e) => e);
    expect(error).toBeInstanceOf(UsageError);
  });
});
