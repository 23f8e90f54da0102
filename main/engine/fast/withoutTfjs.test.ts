// The fast engine on the WebAssembly kernels needs no TensorFlow.js: a training run on them
// must not load it (it costs ~85 MB of resident memory per thread), and records the kernels as
// its backend. Checked in a fresh process, where nothing else has imported tfjs: tfjs-core
// keeps its engine on the global object (`_tfengine`) as soon as it is imported.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

function runInFreshProcess(engine: 'fast' | 'reference', threads: number) {
  const code = `
    const { Trainer } = await import(${JSON.stringify(path.join(root, 'main/engine/trainer.ts'))});
    const { buildGraph, memoryDataset } = await import(${JSON.stringify(path.join(root, 'main/engine/testing.ts'))});
    const graph = buildGraph({ inputs: 12, classes: 3, timeSteps: 20, hidden: [{ size: 16, recurrent: true }],
      training: { batchSize: 16, epochs: 1 }, init: { init: 'spytorch', scale: 7 } });
    const data = memoryDataset(1, { train: 32, validation: 16, test: 16 }, 12, 3, 20);
    const trainer = new Trainer(graph, data, { seed: 1, engine: ${JSON.stringify(engine)}, threads: ${threads} });
    let done = null;
    for await (const e of trainer.run()) if (e.type === 'done') done = e;
    process.stdout.write(JSON.stringify({ backend: done.backend, tfjs: '_tfengine' in globalThis, acc: done.testAcc }));
    process.exit(0);
  `;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').at(-1) as string) as { backend: string; tfjs: boolean; acc: number };
}

describe('the fast engine without TensorFlow.js', () => {
  it('trains on the kernels, one and two threads, without loading tfjs, and records the kernels as the backend', () => {
    for (const threads of [1, 2]) {
      const r = runInFreshProcess('fast', threads);
      expect(r.backend).toBe('wasm-simd');
      expect(r.tfjs).toBe(false);
      expect(r.acc).toBeGreaterThanOrEqual(0);
    }
  });

  it('the reference engine still loads tfjs and records its backend (the check can fail)', () => {
    const r = runInFreshProcess('reference', 1);
    expect(r.tfjs).toBe(true);
    expect(['wasm', 'cpu', 'tensorflow']).toContain(r.backend);
  });
});
