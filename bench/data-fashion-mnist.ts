// Benchmark: load + latency-encode Fashion-MNIST, then build one shuffled epoch of batches (256).
// Run: npx tsx bench/data-fashion-mnist.ts [--runs N] [--path FOLDER]

import { openDataset } from '../main/data/index';
import { defaultsOf } from '../shared/graph/fields';
import { datasetFields } from '../shared/graph/kinds';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const runs = Number(flag('runs') ?? 5);
const path = flag('path') ?? '/usr/share/datasets/fashion-mnist';

let peakRss = 0;
let peakHeap = 0;
function sampleMemory(): void {
  const m = process.memoryUsage();
  peakRss = Math.max(peakRss, m.rss);
  peakHeap = Math.max(peakHeap, m.heapUsed);
}

const median = (xs: number[]) => {
  const s = xs.slice().sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

async function main(): Promise<void> {
  const params = { ...defaultsOf(datasetFields), dataset: 'fashion-mnist' as const, path };
  const load: number[] = [];
  const epoch: number[] = [];
  // CPU seconds too: on a shared machine wall time mostly measures the neighbours.
  const loadCpu: number[] = [];
  const epochCpu: number[] = [];
  const cpuSeconds = (since: NodeJS.CpuUsage) => {
    const c = process.cpuUsage(since);
    return (c.user + c.system) / 1e6;
  };
  let info = '';
  for (let r = 0; r < runs; r++) {
    sampleMemory();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const dataset = await openDataset(params);
    const t1 = performance.now();
    loadCpu.push(cpuSeconds(c0));
    const c1 = process.cpuUsage();
    sampleMemory();
    let batches = 0;
    let events = 0;
    for (const batch of dataset.batches('train', { batchSize: 256, shuffleSeed: 1, epoch: r })) {
      batches++;
      events += batch.units.length;
      if (batches % 20 === 0) sampleMemory();
    }
    const t2 = performance.now();
    epochCpu.push(cpuSeconds(c1));
    sampleMemory();
    load.push((t1 - t0) / 1000);
    epoch.push((t2 - t1) / 1000);
    info = `${dataset.size('train')} train samples, ${batches} batches, ${(events / dataset.size('train')).toFixed(1)} events/sample`;
    console.log(`run ${r + 1}: load+encode ${load.at(-1)!.toFixed(3)} s, epoch ${epoch.at(-1)!.toFixed(3)} s`);
  }
  const mb = (n: number) => (n / 2 ** 20).toFixed(0);
  console.log(`Fashion-MNIST (${path}): ${info}`);
  console.log(
    `median of ${runs} runs: load+encode ${median(load).toFixed(3)} s, one epoch of batches (256, shuffled) ${median(epoch).toFixed(3)} s`,
  );
  console.log(`median CPU time: load+encode ${median(loadCpu).toFixed(3)} s, epoch ${median(epochCpu).toFixed(3)} s`);
  console.log(`peak memory: rss ${mb(peakRss)} MiB, heapUsed ${mb(peakHeap)} MiB (typed arrays live outside the heap)`);
}

main().catch((error) => {
  console.error(`Error: ${(error as Error).message}`);
  process.exitCode = 1;
});
