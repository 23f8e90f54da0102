// Speed of one training step on the Fashion-MNIST example (784-100-10, T = 100, batch 256,
// Adam, fast sigmoid, max-over-time CE): Spikewright's fast engine against a PyTorch
// SpyTorch-tutorial implementation (bench/torch_fashion.py), in one run on this machine.
// Each side runs in its own process, one after the other, so neither competes with the
// other and each peak RSS is its own; each thread count is compared with PyTorch given the
// same number of threads. Median step time over --batches steps after warm-up.
//
//   npx tsx bench/engine-fashion.ts [--batches 10] [--warmup 3] [--threads 1,2] [--rounds 1] [--python /usr/bin/python3]
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadSnnFile } from '../shared/file/snnFile';
import {
  arg,
  fastEngineSetup,
  benchDir as here,
  median,
  peakRssMiB,
  repoRoot as root,
  runOurSide,
  runSide,
  timedStep,
} from './common';

/** One side of the benchmark: the fast engine with `threads` threads, in this process. */
async function runOurs(batches: number, warmup: number, threads: number) {
  const { openDataset } = await import('../main/data/index');
  const loaded = loadSnnFile(readFileSync(path.join(root, 'examples/fashion-mnist.snn.json'), 'utf8'));
  if (!loaded.ok) throw new Error(loaded.error);
  const graph = loaded.file.graph;
  const node = graph.nodes.find((n) => n.kind === 'dataset');
  if (node?.kind !== 'dataset') throw new Error('no dataset node');
  const dataset = await openDataset(node.params, {});
  const { backend, plan, weights, optimizer, engine } = await fastEngineSetup(graph, threads);
  const t = plan.training;
  const times: number[] = [];
  const cpuTimes: number[] = [];
  const losses: number[] = [];
  let i = 0;
  for (const batch of dataset.batches('train', { batchSize: t.batchSize, shuffleSeed: 0, epoch: 0, dropLast: true })) {
    const { ms, cpuMs, loss } = await timedStep(engine, optimizer, batch, weights);
    losses.push(loss);
    if (i >= warmup) {
      times.push(ms);
      cpuTimes.push(cpuMs);
    }
    if (++i >= warmup + batches) break;
  }
  (engine as { dispose?: () => void }).dispose?.();
  return {
    impl: `spikewright-fast-${threads}thread`,
    backend,
    threads,
    ms_per_batch_median: median(times),
    ms_per_batch_all: times.map((x) => Math.round(x * 10) / 10),
    // All threads of the process together.
    cpu_ms_per_batch_median: median(cpuTimes),
    peak_rss_mib: peakRssMiB(),
    loss_first: losses[0],
    loss_last: losses.at(-1),
  };
}

async function main() {
  const batches = Number(arg('batches', '10'));
  const warmup = Number(arg('warmup', '3'));
  if (process.argv.includes('--ours')) {
    const result = await runOurs(batches, warmup, Number(arg('threads', '1')));
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const python = arg('python', '/usr/bin/python3');
  const threadList = arg('threads', '1,2')
    .split(',')
    .map((x) => Number(x));
  const rounds = Number(arg('rounds', '1'));
  // The reference gets the threads our side gets (torch's default here is one thread).
  const runTorch = (threads: number) =>
    runSide('PyTorch baseline', python, [
      path.join(here, 'torch_fashion.py'),
      '--batches',
      String(batches),
      '--warmup',
      String(warmup),
      '--threads',
      String(threads),
    ]);
  const runSpikewright = (threads: number) =>
    runOurSide(import.meta.url, [
      '--threads',
      String(threads),
      '--batches',
      String(batches),
      '--warmup',
      String(warmup),
    ]);
  // Rounds alternate the implementations, so a burst of load from elsewhere on a shared
  // machine hits one round, not one side; the summary takes each side's best round.
  const results: Record<string, unknown>[] = [];
  for (let round = 1; round <= rounds; round++) {
    for (const threads of threadList) {
      results.push({ ...runTorch(threads), round });
      results.push({ ...runSpikewright(threads), round });
    }
  }
  const best = new Map<string, Record<string, unknown>>();
  for (const r of results) {
    const key = String(r.impl);
    const seen = best.get(key);
    if (!seen || (r.ms_per_batch_median as number) < (seen.ms_per_batch_median as number)) best.set(key, r);
  }
  // Each side is compared with the reference on the same number of threads.
  const reference = (r: Record<string, unknown>) => best.get(`pytorch-spytorch-${r.threads}thread`) ?? r;
  process.stdout.write(`Fashion-MNIST 784-100-10, T=100, batch 256: median training step over ${batches} batches\n`);
  process.stdout.write(`  (CPU ms counts all threads; on a busy machine it is steadier than wall time)\n`);
  const line = (r: Record<string, unknown>) => {
    const ms = r.ms_per_batch_median as number;
    const cpu = r.cpu_ms_per_batch_median as number;
    const torchMs = reference(r).ms_per_batch_median as number;
    const torchCpu = reference(r).cpu_ms_per_batch_median as number;
    return `  ${String(r.impl).padEnd(28)} wall ${ms.toFixed(1).padStart(7)} ms (ratio ${(ms / torchMs).toFixed(3)})  CPU ${cpu.toFixed(1).padStart(7)} ms (ratio ${(cpu / torchCpu).toFixed(3)})  peak RSS ${r.peak_rss_mib} MiB\n`;
  };
  if (rounds > 1) {
    for (const r of results) process.stdout.write(`round ${r.round}:${line(r)}`);
    process.stdout.write(`best round of each:\n`);
  }
  for (const r of best.values()) process.stdout.write(line(r));
  process.stdout.write(`${JSON.stringify({ results })}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
