import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runDataCommand } from './cli';
import { makeTempDir, writeImageIdxFiles } from './testFiles';

const temp = makeTempDir();
afterAll(() => temp.remove());

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

describe('data CLI', () => {
  it('lists datasets and where they are', async () => {
    const c = capture();
    expect(await runDataCommand(['list', '--dir', temp.dir], c.io)).toBe(0);
    const text = c.out.join('\n');
    expect(text).toMatch(/randman/);
    expect(text).toMatch(/mnist .*missing/);
    expect(text).toMatch(/shd/);
  });

  it('previews a generated and a file dataset', async () => {
    const c = capture();
    expect(await runDataCommand(['data', 'preview', 'randman', '--samples', '1'], c.io)).toBe(0);
    expect(c.out.join('\n')).toMatch(/Randman.*20 inputs, 10 classes, 100 steps/);
    expect(c.out.join('\n')).toMatch(/test .* 1000 samples/);
    expect(c.out.some((l) => l.includes('#'))).toBe(true);
    mkdirSync(join(temp.dir, 'mnist'));
    writeImageIdxFiles(join(temp.dir, 'mnist'), { train: 20, test: 10 });
    const m = capture();
    expect(await runDataCommand(['preview', 'mnist', '--dir', temp.dir], m.io)).toBe(0);
    expect(m.out.join('\n')).toMatch(/MNIST \(latency code\): 20 inputs/);
  });

  it('explains mistakes without stack traces', async () => {
    const c = capture();
    expect(await runDataCommand(['preview', 'ssc', '--dir', join(temp.dir, 'empty')], c.io)).toBe(1);
    expect(c.err.join('\n')).toMatch(/^Error: Spiking Speech Commands.*files not found.*data download ssc/);
    expect(c.err.join('\n')).not.toMatch(/\n\s+at /);
    expect(await runDataCommand(['download', 'nope'], c.io)).toBe(2);
    expect(c.err.at(-1)).toMatch(/Unknown dataset "nope"/);
    expect(await runDataCommand(['download', 'randman'], c.io)).toBe(2);
    expect(await runDataCommand(['frobnicate'], c.io)).toBe(2);
    expect(await runDataCommand(['preview', 'mnist', '--dir'], c.io)).toBe(2);
    expect(c.err.at(-1)).toMatch(/--dir needs a value/);
    expect(await runDataCommand(['list', '--bogus'], c.io)).toBe(2);
    expect(c.err.at(-1)).toMatch(/^Unknown option --bogus for data/);
    // Files already in place: nothing is fetched (tests never reach the network).
    const dir = join(temp.dir, 'present');
    mkdirSync(join(dir, 'mnist'), { recursive: true });
    writeImageIdxFiles(join(dir, 'mnist'), { train: 2, test: 2 });
    expect(await runDataCommand(['download', 'mnist', '--dir', dir], c.io)).toBe(0);
    expect(c.out.at(-1)).toMatch(/already present/);
  });
});
