// Does the fast engine compute what SpyTorch's tutorial-2 code computes? Same weights, same
// Fashion-MNIST batches, float64 on both sides: compares loss, hidden spike counts and the
// weight gradients (per-matrix relative error, max |diff| / max |torch|).
//   npx tsx bench/engine-vs-torch.ts [--batches 3] [--size 16] [--python /usr/bin/python3]
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDataset } from '../main/data/index';
import { forEachSpike } from '../main/engine/batch';
import { FastEngine } from '../main/engine/fast/fastEngine';
import { initWeights } from '../main/engine/init';
import { compilePlan } from '../main/engine/plan';
import { loadSnnFile } from '../shared/file/snnFile';
import { arg } from './common';

const here = path.dirname(fileURLToPath(import.meta.url));

const loaded = loadSnnFile(readFileSync(path.join(here, '../examples/fashion-mnist.snn.json'), 'utf8'));
if (!loaded.ok) throw new Error(loaded.error);
const graph = loaded.file.graph;
const node = graph.nodes.find((n) => n.kind === 'dataset');
if (node?.kind !== 'dataset') throw new Error('no dataset');
const dataset = await openDataset(node.params, {});
const plan = compilePlan(graph);
const weights = initWeights(plan, 1);
const hidden = plan.populations[1];
if (!hidden) throw new Error('no hidden population');
const size = Number(arg('size', '16'));
const batches = [...dataset.batches('test', { batchSize: size })].slice(0, Number(arg('batches', '3')));
const request = {
  alpha: hidden.alpha,
  beta: hidden.beta,
  scale: plan.training.surrogateScale,
  steps: plan.timeSteps,
  shape: [plan.inputUnits, hidden.size, plan.classes],
  w1: Array.from(weights.w_in as Float32Array),
  w2: Array.from(weights.w_out as Float32Array),
  batches: batches.map((b) => {
    const events: number[][] = [];
    forEachSpike(b, (sample, step, unit) => events.push([sample, step, unit]));
    return { events, labels: Array.from(b.labels) };
  }),
};
const torch = spawnSync(arg('python', '/usr/bin/python3'), [path.join(here, 'torch_check.py')], {
  input: JSON.stringify(request),
  encoding: 'utf8',
  maxBuffer: 1 << 28,
});
if (torch.status !== 0) throw new Error(torch.stderr);
const results = JSON.parse(torch.stdout) as { loss: number; grad_w1: number[]; grad_w2: number[]; spikes: number }[];
const w64 = {
  w_in: Float64Array.from(weights.w_in as Float32Array),
  w_out: Float64Array.from(weights.w_out as Float32Array),
};
const engine = new FastEngine(plan, { precision: 'float64', matmul: 'js' });
const rel = (a: ArrayLike<number>, b: number[]) => {
  let d = 0;
  let s = 0;
  for (let i = 0; i < b.length; i++) {
    d = Math.max(d, Math.abs((a[i] as number) - (b[i] as number)));
    s = Math.max(s, Math.abs(b[i] as number));
  }
  return d / s;
};
batches.forEach((batch, i) => {
  const t = results[i];
  if (!t) return;
  const ours = engine.gradients(batch, w64);
  const rec = engine.record(batch, w64, { samples: batch.batchSize, neurons: 0 });
  const spikes = (rec.populations[1]?.spikes.length ?? 0) / 3;
  process.stdout.write(
    `${JSON.stringify({
      batch: i,
      loss_torch: t.loss,
      loss_fast: ours.loss,
      hidden_spikes_torch: t.spikes,
      hidden_spikes_fast: spikes,
      rel_err_w_in: rel(ours.grads.w_in as Float64Array, t.grad_w1),
      rel_err_w_out: rel(ours.grads.w_out as Float64Array, t.grad_w2),
    })}\n`,
  );
});
