// Step time of the SHD shape (700 - 200 recurrent - 20, T = 100, batch 256, 5% input density)
// with the neuron models of issue 13 beside plain LIF, in the same run, alternating: adLIF with
// one value per population, LIF with learned per-neuron time constants and thresholds, and adLIF
// with learned per-neuron time constants and adaptation (a, b, tauAdapt). Gradients only (no
// optimizer), one thread, float32. Plain LIF runs in the WebAssembly kernels; the others in the
// JS loops of main/engine/fast/neurons.ts (their recurrent adjoint one dense product per step).
//
// With --torch, each model is then run as its PyTorch users write it (bench/torch_shd.py
// --impl snntorch --model M: per-step nn.Linear, per-neuron parameters as nn.Parameter vectors,
// the same step order and reset), one thread (torch.set_num_threads(1)), one full training
// step (Adamax) per batch, and the ratio of ours to it is printed.
//
//   nice npx tsx bench/engine-shd-models.ts [--batches 3] [--rounds 2] [--torch] [--torch-batches 5]
import { arg, caseSummary, median, timeCasesAlternating, torchModelStep } from './common';

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
    { name: 'plain LIF', model: 'lif', hidden: {} },
    { name: 'adLIF (SE, one value per population)', model: 'adlif', hidden: { neuron: 'adlif' } },
    {
      name: 'LIF, per-neuron tauMem, tauSyn, threshold learned',
      model: 'lif-tau',
      hidden: { learnTauMem: true, learnTauSyn: true, learnThreshold: true },
    },
    {
      name: 'adLIF, per-neuron tauMem, a, b, tauAdapt learned',
      model: 'adlif-learn',
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
  timeCasesAlternating(cases, data, rounds);
  const plain = median(cases[0]?.times ?? []);
  const torchBatches = arg('torch-batches', '5');
  for (const c of cases) {
    const torch = process.argv.includes('--torch') ? torchModelStep(c.model, torchBatches) : null;
    const ours = median(c.times);
    process.stdout.write(
      `${JSON.stringify({ case: c.name, ...caseSummary(c, plain), ...(torch ? { ...torch, ratio_to_torch: +(ours / torch.torch_ms).toFixed(3) } : {}) })}\n`,
    );
  }
}

void main();
