// Step time of the SHD shape (700 - 200 recurrent - 20, T = 100, batch 256, 5% input density)
// with learnable delays on the input connection (maxDelay 25, the SNN-delays span at 10 ms
// bins) beside the same network without delays, in the same run, alternating: the delayed
// step at the kernel width the schedule starts from (12.5 steps: all 26 taps), at its end
// (0.23: 3 taps) and rounded (1 tap). Gradients only (no optimizer), one thread, float32.
//
// With --torch, plain LIF and the 26-tap case are also run as PyTorch users write them
// (torch_shd.py --model lif / lif-delay: Hammouamri et al.'s dense DCLS kernel as one causal
// conv1d), one thread, and the ratios printed.
//
//   nice npx tsx bench/engine-shd-delays.ts [--batches 3] [--rounds 2] [--torch]
import { arg, caseSummary, median, timeCasesAlternating, torchModelStep } from './common';

async function main() {
  const batches = Number(arg('batches', '3'));
  const rounds = Number(arg('rounds', '2'));
  const { buildGraph, randomBatch } = await import('../main/engine/testing');
  const { Random } = await import('../main/util/random');
  const { compilePlan } = await import('../main/engine/plan');
  const { initWeights } = await import('../main/engine/init');
  const { initDelays, delayWidthKey } = await import('../main/engine/delays');
  const { FastEngine } = await import('../main/engine/fast/fastEngine');
  const { initBackend } = await import('../main/engine/backend');
  await initBackend();
  const graph = (delay: boolean) =>
    buildGraph({
      inputs: 700,
      classes: 20,
      timeSteps: 100,
      hidden: [{ size: 200, recurrent: true, tauMem: 10, tauSyn: 5 }],
      readout: { tauMem: 10, tauSyn: 5 },
      training: { batchSize: 256, surrogateScale: 100, discretisation: 'spytorch' },
      init: { init: 'normal', scale: 0.2 },
      ...(delay ? { edgeParams: { w_data_h0: { delay: 'learnable' as const, maxDelay: 25 } } } : {}),
    });
  const cases = [
    { name: 'plain LIF', delay: false, width: 0, model: 'lif' },
    { name: 'learnable delays, width 12.5 (26 taps)', delay: true, width: 12.5, model: 'lif-delay' },
    { name: 'learnable delays, width 0.23 (3 taps)', delay: true, width: 0.23 },
    { name: 'learnable delays, rounded (1 tap)', delay: true, width: 0 },
  ].map((c) => {
    const plan = compilePlan(graph(c.delay));
    const weights = { ...initWeights(plan, 0), ...initDelays(plan.connections, 0) };
    if (c.delay) weights[delayWidthKey('w_data_h0')] = Float32Array.of(c.width);
    return { ...c, engine: new FastEngine(plan), weights, times: [] as number[], loads: [] as number[] };
  });
  const rng = new Random(0);
  const data = Array.from({ length: batches + 1 }, () => randomBatch(rng, 256, 100, 700, 20, 0.05));
  timeCasesAlternating(cases, data, rounds);
  const plain = median(cases[0]?.times ?? []);
  for (const c of cases) {
    const model = 'model' in c ? (c.model as string) : null;
    const torch = model && process.argv.includes('--torch') ? torchModelStep(model, arg('torch-batches', '5')) : null;
    const ours = median(c.times);
    process.stdout.write(
      `${JSON.stringify({ case: c.name, ...caseSummary(c, plain), kernels: c.engine.usesKernels, ...(torch ? { ...torch, ratio_to_torch: +(ours / torch.torch_ms).toFixed(3) } : {}) })}\n`,
    );
  }
}

void main();
