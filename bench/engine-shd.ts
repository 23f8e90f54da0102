// Speed of one training step on the SHD example's shape, 700 - H (recurrent) - 20, T = 100,
// batch 256, Adamax, fast sigmoid (100), max-over-time CE, on random input at SHD's density
// (5% of (step, channel) cells spiking): Spikewright's fast engine against PyTorch written
// the two ways its users write it (bench/torch_shd.py: SpyTorch tutorial, snnTorch idiom),
// all with the same threads. Rounds alternate the sides; each result carries the machine's
// load average (os.loadavg) when it ran, because this machine is shared.
//
//   npx tsx bench/engine-shd.ts [--hidden 200] [--batches 10] [--warmup 2] [--threads 2] [--rounds 1]
//                               [--impls spytorch,snntorch] [--python /usr/bin/python3]
//                               [--sparse 0.5]   (also ours with the sparse backward, that window)
//   npx tsx bench/engine-shd.ts --ours [--sparse 0.5] [--keep-membranes window|all]
//                               (our side alone; with the sparse backward, the forward keeps
//                               only the window's membranes by default, or all of them)
import { loadavg } from 'node:os';
import path from 'node:path';

import { arg, fastEngineSetup, benchDir as here, median, peakRssMiB, runOurSide, runSide, timedStep } from './common';

async function runOurs(
  hidden: number,
  batches: number,
  warmup: number,
  threads: number,
  sparse: number | null,
  keepMembranes: 'window' | 'all',
) {
  const { buildGraph, randomBatch } = await import('../main/engine/testing');
  const { Random } = await import('../main/util/random');
  // The SHD example (examples/shd.snn.json) with the hidden size varied.
  const graph = buildGraph({
    inputs: 700,
    classes: 20,
    timeSteps: 100,
    hidden: [{ size: hidden, recurrent: true, tauMem: 10, tauSyn: 5 }],
    readout: { tauMem: 10, tauSyn: 5 },
    loss: { loss: 'max-over-time' },
    regularizers: [
      { bound: 'lower', strength: 100, target: 0.001, power: 'l2' },
      { bound: 'upper', strength: 0.06, target: 100, power: 'l1' },
    ],
    training: {
      batchSize: 256,
      optimizer: 'adamax',
      learningRate: 2e-4,
      surrogate: 'fast-sigmoid',
      surrogateScale: 100,
      // The PyTorch references compute SpyTorch's rule (new graphs default to NIR's).
      discretisation: 'spytorch',
      ...(sparse === null ? {} : { sparseBackward: true, sparseWindow: sparse }),
    },
    init: { init: 'normal', scale: 0.2 },
  });
  const { backend, weights, optimizer, engine } = await fastEngineSetup(graph, threads, { keepMembranes });
  const rng = new Random(0);
  const times: number[] = [];
  const cpuTimes: number[] = [];
  let density = 0;
  for (let i = 0; i < warmup + batches; i++) {
    const batch = randomBatch(rng, 256, 100, 700, 20, 0.05);
    density = (batch.offsets[256 * 100] as number) / (256 * 100 * 700);
    const { ms, cpuMs } = await timedStep(engine, optimizer, batch, weights);
    if (i >= warmup) {
      times.push(ms);
      cpuTimes.push(cpuMs);
    }
  }
  // The kept membranes of the last step (one thread: the whole batch's).
  const kept = (engine as { keptMembranes?: { kept: number; entries: number } }).keptMembranes;
  (engine as { dispose?: () => void }).dispose?.();
  return {
    impl: sparse === null ? 'spikewright-fast' : 'spikewright-fast-sparse',
    sparse_window: sparse,
    ...(sparse === null ? {} : { keep_membranes: keepMembranes }),
    ...(kept?.entries ? { kept_membranes_fraction: kept.kept / kept.entries } : {}),
    hidden,
    backend,
    threads,
    density,
    ms_per_batch_median: median(times),
    // Only this (main) thread's CPU: worker threads are counted by process.cpuUsage too.
    cpu_ms_per_batch_median: median(cpuTimes),
    peak_rss_mib: peakRssMiB(),
  };
}

async function main() {
  const batches = Number(arg('batches', '10'));
  const warmup = Number(arg('warmup', '2'));
  const threads = Number(arg('threads', '2'));
  const hiddenList = arg('hidden', '200').split(',').map(Number);
  if (process.argv.includes('--ours')) {
    const sparse = process.argv.includes('--sparse') ? Number(arg('sparse', '0.5')) : null;
    const keep = arg('keep-membranes', 'window') === 'all' ? 'all' : 'window';
    const result = await runOurs(hiddenList[0] as number, batches, warmup, threads, sparse, keep);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const python = arg('python', '/usr/bin/python3');
  const impls = arg('impls', 'spytorch,snntorch').split(',');
  const rounds = Number(arg('rounds', '1'));
  const common = ['--batches', String(batches), '--warmup', String(warmup), '--threads', String(threads)];
  const timed = (run: () => Record<string, unknown>) => {
    const before = loadavg()[0] as number;
    const r = run();
    return { ...r, load1_before: before, load1_after: loadavg()[0] as number };
  };
  const torch = (impl: string, hidden: number) =>
    timed(() =>
      runSide(
        `PyTorch ${impl}`,
        python,
        [path.join(here, 'torch_shd.py'), '--impl', impl, '--hidden', String(hidden), ...common],
        here,
      ),
    );
  const sparseWindow = process.argv.includes('--sparse') ? arg('sparse', '0.5') : null;
  const ours = (hidden: number, sparse = false) =>
    timed(() =>
      runOurSide(import.meta.url, [
        '--hidden',
        String(hidden),
        ...common,
        ...(sparse && sparseWindow ? ['--sparse', sparseWindow] : []),
      ]),
    );
  const results: Record<string, unknown>[] = [];
  for (const hidden of hiddenList)
    for (let round = 1; round <= rounds; round++) {
      // Alternate which side goes first, so a burst of outside load is not always on one side.
      const mine = sparseWindow ? ['ours', 'ours-sparse'] : ['ours'];
      const order = round % 2 ? [...mine, ...impls] : [...impls, ...mine];
      for (const who of order) {
        const r = who === 'ours' ? ours(hidden) : who === 'ours-sparse' ? ours(hidden, true) : torch(who, hidden);
        results.push({ ...r, round });
        process.stderr.write(`${JSON.stringify({ ...r, round })}\n`);
      }
    }
  process.stdout.write(`SHD shape 700-H(rec)-20, T=100, batch 256, ${threads} threads, median of ${batches} steps\n`);
  for (const hidden of hiddenList) {
    const rows = results.filter((r) => r.hidden === hidden);
    const best = (impl: string) =>
      Math.min(...rows.filter((r) => r.impl === impl).map((r) => r.ms_per_batch_median as number));
    const ref = Math.min(...impls.map((i) => best(`pytorch-${i}`)));
    const us = best('spikewright-fast');
    process.stdout.write(
      `  H=${hidden}: ours ${us.toFixed(0)} ms; ${impls.map((i) => `${i} ${best(`pytorch-${i}`).toFixed(0)} ms`).join('; ')}; ratio ${(us / ref).toFixed(3)}\n`,
    );
    if (sparseWindow) {
      const sp = best('spikewright-fast-sparse');
      process.stdout.write(
        `  H=${hidden}: ours, sparse backward (window ${sparseWindow}) ${sp.toFixed(0)} ms; ratio ${(sp / ref).toFixed(3)}\n`,
      );
    }
  }
  process.stdout.write(`${JSON.stringify({ results })}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
