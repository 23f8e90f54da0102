// What the engine benchmarks share: options, medians, peak memory, running a side in its
// own process and reading its JSON result, and timing one training step.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SpikeBatch } from '../main/data/types';
import type { Optimizer } from '../main/engine/optimizer';
import type { WeightSet } from '../main/engine/plan';
import type { Engine } from '../main/engine/types';
import type { GraphDocument } from '../shared/graph/document';

export const benchDir = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(benchDir, '..');

/** The value after `--name` on the command line, or `fallback`. */
export function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

/** A case of an in-process comparison: an engine and its parameters, with its step times and loads as timed. */
export interface TimedCase {
  engine: Pick<Engine, 'gradients'>;
  weights: WeightSet;
  times: number[];
  loads: number[];
}

/**
 * Gradient steps of every case over the same batches, cases alternating within each round so
 * outside load is spread over all of them: per round and case one warm-up on batches[0], then
 * batches[1..] timed (wall ms) with the load average after each.
 */
export function timeCasesAlternating(cases: TimedCase[], batches: SpikeBatch[], rounds: number): void {
  for (let r = 0; r < rounds; r++)
    for (const c of cases) {
      c.engine.gradients(batches[0] as SpikeBatch, c.weights);
      for (const batch of batches.slice(1)) {
        const t0 = performance.now();
        c.engine.gradients(batch, c.weights);
        c.times.push(performance.now() - t0);
        c.loads.push(loadavg()[0] as number);
      }
    }
}

/**
 * One neuron model of the SHD shape as PyTorch users write it (torch_shd.py --impl snntorch
 * --model M, one thread, one BLAS thread): its median ms per training step and the load after.
 */
export function torchModelStep(model: string, batches: string): { torch_ms: number; torch_load: string } {
  const r = runSide(`PyTorch ${model}`, arg('python', '/usr/bin/python3'), [
    path.join(benchDir, 'torch_shd.py'),
    ...['--impl', 'snntorch', '--model', model, '--threads', '1', '--batches', batches, '--warmup', '1'],
  ]);
  return { torch_ms: Math.round(r.ms_per_batch_median as number), torch_load: (loadavg()[0] as number).toFixed(1) };
}

/** A case's summary line fields: median ms, the ratio to `plainMs`, the load range. */
export function caseSummary(c: TimedCase, plainMs: number) {
  const ms = median(c.times);
  return {
    ms_median: Math.round(ms),
    ratio_to_plain: +(ms / plainMs).toFixed(2),
    load_min: Math.min(...c.loads).toFixed(1),
    load_max: Math.max(...c.loads).toFixed(1),
  };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** This process's peak resident memory (Linux VmHWM), MiB to one decimal. */
export function peakRssMiB(): number {
  const kb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0);
  return Math.round(kb / 102.4) / 10;
}

/** The last line of `text` that is a JSON object: a benchmark side's result. */
export function lastJsonLine(text: string): Record<string, unknown> {
  const line = text
    .trim()
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('{'));
  if (!line) throw new Error(`no result in:\n${text.slice(-2000)}`);
  return JSON.parse(line) as Record<string, unknown>;
}

/** Runs one side in its own process (so neither competes with the other) and returns its result. */
export function runSide(what: string, command: string, args: string[], cwd = repoRoot): Record<string, unknown> {
  const p = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 26, cwd });
  if (p.status !== 0) throw new Error(`${what} failed:\n${p.stderr.slice(-3000)}`);
  return lastJsonLine(p.stdout);
}

/**
 * Our side of a benchmark against a reference: the benchmark script itself (`import.meta.url`)
 * run again with `--ours` and `args`, in its own process under the same Node options (tsx).
 */
export function runOurSide(script: string, args: string[]): Record<string, unknown> {
  return runSide('Spikewright run', process.execPath, [...process.execArgv, fileURLToPath(script), '--ours', ...args]);
}

/** One training step (gradients and the optimizer's update): wall ms and this process's CPU ms. */
export async function timedStep(
  engine: Engine,
  optimizer: Optimizer,
  batch: SpikeBatch,
  weights: WeightSet,
): Promise<{ ms: number; cpuMs: number; loss: number }> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const r = await engine.gradients(batch, weights);
  optimizer.step(weights, r.grads);
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000, loss: r.loss };
}

/**
 * The fast engine (split over `threads`), initial weights (seed 0) and the graph's optimizer,
 * on the backend the trainer picks (the kernels, with no tfjs loaded, where they run). The
 * engine modules load here, in the side that measures, not in the process that only drives
 * the sides.
 */
export async function fastEngineSetup(
  graph: GraphDocument,
  threads: number,
  options: import('../main/engine/fast/fastEngine').FastEngineOptions = {},
) {
  const { compilePlan } = await import('../main/engine/plan');
  const { initWeights } = await import('../main/engine/init');
  const { KERNELS_BACKEND, wasmKernelsAvailable } = await import('../main/engine/wasm/kernels');
  const { Optimizer } = await import('../main/engine/optimizer');
  const { FastEngine } = await import('../main/engine/fast/fastEngine');
  const { ParallelFastEngine } = await import('../main/engine/fast/parallelEngine');
  const kernels = wasmKernelsAvailable() && process.env.SPIKEWRIGHT_KERNELS !== 'js';
  const backend = kernels ? KERNELS_BACKEND : await (await import('../main/engine/backend')).initBackend();
  const plan = compilePlan(graph);
  const weights = initWeights(plan, 0);
  const t = plan.training;
  const optimizer = new Optimizer(t.optimizer, t.learningRate, t.momentum);
  const engine: Engine =
    threads > 1 ? new ParallelFastEngine(plan, graph, threads, options) : new FastEngine(plan, options);
  return { backend, plan, weights, optimizer, engine };
}
