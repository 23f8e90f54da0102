// Step time of the SHD shape (700 - 200 recurrent - 20, T = 100, batch 256, 5% input density)
// with the neuron models of issue 13 beside plain LIF, in the same run, alternating: adLIF with
// one value per population, LIF with learned per-neuron time constants and thresholds, and adLIF
// with learned per-neuron time constants and adaptation (a, b, tauAdapt). Gradients only (no
// optimizer), one thread, float32. Plain LIF runs in the WebAssembly kernels; the others in the
// JS loops of main/engine/fast/neurons.ts (their recurrent adjoint one dense product per step).
//
//   nice npx tsx bench/engine-shd-models.ts [--batches 3] [--rounds 2]
import { loadavg } from 'node:os';
import { arg, median } from './common';

async function main() {
  const batches = Number(arg('batches', '3'));
  const rounds = Number(arg('rounds', '2'));
  const { buildGraph, randomBatch } = await import('../main/engine/testing');
  const { Random } = await import('../main/util/random');
  const { compilePlan } = await import('../main/engine/plan');
  const { initWeights } = await import('../main/engine/init');
  const { FastEngine } = await import('../main/engine/fast/fastEngine');
  const { initBackend } = await import('../main/engine/backend');
  await initBackend();
  const graph = (hidden: Record<string, unknown>) =>
    buildGraph({
      inputs: 700,
      classes: 20,
      timeSteps: 100,
      hidden: [{ size: 200, recurrent: true, tauMem: 10, tauSyn: 5, ...hidden }],
      readout: { tauMem: 10, tauSyn: 5 },
      training: { batchSize: 256, surrogateScale: 100, discretisation: 'spytorch' },
      init: { init: 'normal', scale: 0.2 },
    });
  const cases = [
    { name: 'plain LIF', hidden: {} },
    { name: 'adLIF (SE, one value per population)', hidden: { neuron: 'adlif' } },
    {
      name: 'LIF, per-neuron tauMem, tauSyn, threshold learned',
      hidden: { learnTauMem: true, learnTauSyn: true, learnThreshold: true, tauInit: 'gamma' },
    },
    {
      name: 'adLIF, per-neuron tauMem, a, b, tauAdapt learned',
      hidden: { neuron: 'adlif', learnTauMem: true, learnAdaptation: true },
    },
  ].map((c) => {
    const plan = compilePlan(graph(c.hidden));
    return {
      ...c,
      engine: new FastEngine(plan),
      weights: initWeights(plan, 0),
      times: [] as number[],
      loads: [] as number[],
    };
  });
  const rng = new Random(0);
  const data = Array.from({ length: batches + 1 }, () => randomBatch(rng, 256, 100, 700, 20, 0.05));
  for (let r = 0; r < rounds; r++)
    for (const c of cases) {
      c.engine.gradients(data[0] as (typeof data)[number], c.weights); // warm-up
      for (let b = 1; b <= batches; b++) {
        const t0 = performance.now();
        c.engine.gradients(data[b] as (typeof data)[number], c.weights);
        c.times.push(performance.now() - t0);
        c.loads.push(loadavg()[0] as number);
      }
    }
  const plain = median(cases[0]?.times ?? []);
  for (const c of cases)
    process.stdout.write(
      `${JSON.stringify({ case: c.name, ms_median: Math.round(median(c.times)), ratio_to_plain: +(median(c.times) / plain).toFixed(2), load_min: Math.min(...c.loads).toFixed(1), load_max: Math.max(...c.loads).toFixed(1) })}\n`,
    );
}

void main();
