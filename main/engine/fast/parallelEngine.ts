// The fast engine over several threads: each batch is cut into contiguous sub-batches, the
// main thread computes the first and worker threads the others, and the gradients are
// combined weighted by sub-batch size (the loss is a mean over samples, so the result is
// the whole batch's gradient up to float rounding, in a fixed order: deterministic).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { GraphDocument } from '../../../shared/graph/document';
import type { SpikeBatch } from '../../data/types';
import type { FloatArray } from '../loss';
import type { Plan, WeightSet } from '../plan';
import type { BatchResult, Engine, GradientResult, Recording, RecordOptions } from '../types';
import { FastEngine } from './fastEngine';

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

/** The worker script next to this file (.ts under tsx, .js when built), or null if absent. */
function workerUrl(): URL | null {
  const here = import.meta.url;
  const ext = here.endsWith('.ts') ? '.ts' : '.js';
  const url = new URL(`./worker${ext}`, here);
  return url.protocol === 'file:' && existsSync(fileURLToPath(url)) ? url : null;
}

/**
 * Under tsx (CLI, tests) a worker cannot start from a .ts file: Node 20 resolves the entry
 * before tsx's loader hooks run in the new thread. A tiny ES module registers tsx first.
 */
function tsBootstrap(url: URL): URL {
  const api = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href.replace(
    /index\.cjs$/,
    'index.mjs',
  );
  const code = `import { register } from ${JSON.stringify(api)}; register(); await import(${JSON.stringify(url.href)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
}

export class ParallelFastEngine implements Engine {
  readonly name = 'fast' as const;
  private readonly local: FastEngine;
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;

  /** Starts `threads - 1` workers; fewer when the worker script cannot be found. */
  static canRunWorkers(): boolean {
    return workerUrl() !== null;
  }

  constructor(
    readonly plan: Plan,
    graph: GraphDocument,
    threads: number,
  ) {
    this.local = new FastEngine(plan);
    const url = workerUrl();
    if (!url) return;
    for (let i = 1; i < threads; i++) {
      const worker = new Worker(url.pathname.endsWith('.ts') ? tsBootstrap(url) : url, { workerData: { graph } });
      worker.on('message', (msg: { id: number; ok: boolean; result?: unknown; error?: string }) => {
        const p = this.pending.get(msg.id);
        if (!p) return;
        this.pending.delete(msg.id);
        if (msg.ok) p.resolve(msg.result);
        else p.reject(new Error(msg.error));
      });
      worker.on('error', (e) => {
        if (process.env.SPIKEWRIGHT_DEBUG) console.error('worker error', e);
        for (const p of this.pending.values()) p.reject(e);
        this.pending.clear();
      });
      worker.on('exit', (code) => {
        if (process.env.SPIKEWRIGHT_DEBUG) console.error('worker exit', code);
      });
      this.workers.push(worker);
    }
  }

  get threads(): number {
    return this.workers.length + 1;
  }

  private ask<T>(worker: Worker, kind: 'gradients' | 'evaluate', batch: SpikeBatch, weights: WeightSet<FloatArray>) {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      const transfer = [batch.offsets.buffer, batch.units.buffer, batch.labels.buffer] as ArrayBuffer[];
      worker.postMessage({ id, kind, batch, weights }, transfer);
    });
  }

  async gradients(batch: SpikeBatch, weights: WeightSet<FloatArray>): Promise<GradientResult> {
    const parts = split(batch, this.threads);
    if (parts.length === 1) return this.local.gradients(batch, weights);
    const remote = parts
      .slice(1)
      .map((p, i) => this.ask<GradientResult>(this.workers[i] as Worker, 'gradients', p, weights));
    const first = this.local.gradients(parts[0] as SpikeBatch, weights);
    const results = [first, ...(await Promise.all(remote))];
    const grads: Record<string, Float32Array> = {};
    for (const id of Object.keys(first.grads)) {
      const out = new Float32Array((first.grads[id] as FloatArray).length);
      for (const r of results) {
        const g = r.grads[id] as FloatArray;
        const share = r.count / batch.batchSize;
        for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) + share * (g[i] as number);
      }
      grads[id] = out;
    }
    return { ...combine(results, batch.batchSize), grads };
  }

  async evaluate(batch: SpikeBatch, weights: WeightSet<FloatArray>): Promise<BatchResult> {
    const parts = split(batch, this.threads);
    if (parts.length === 1) return this.local.evaluate(batch, weights);
    const remote = parts
      .slice(1)
      .map((p, i) => this.ask<BatchResult>(this.workers[i] as Worker, 'evaluate', p, weights));
    const first = this.local.evaluate(parts[0] as SpikeBatch, weights);
    return combine([first, ...(await Promise.all(remote))], batch.batchSize);
  }

  record(batch: SpikeBatch, weights: WeightSet<FloatArray>, options?: RecordOptions): Recording {
    return this.local.record(batch, weights, options);
  }

  dispose() {
    for (const w of this.workers) void w.terminate();
    this.workers.length = 0;
  }
}

function combine(results: BatchResult[], total: number): BatchResult {
  let loss = 0;
  let correct = 0;
  for (const r of results) {
    loss += (r.loss * r.count) / total;
    correct += r.correct;
  }
  return { loss, correct, count: total };
}

/** Contiguous sub-batches of near-equal size (copies: the workers take ownership). */
function split(batch: SpikeBatch, parts: number): SpikeBatch[] {
  const B = batch.batchSize;
  const T = batch.timeSteps;
  const k = Math.max(1, Math.min(parts, Math.floor(B / 8)));
  if (k === 1) return [batch];
  const out: SpikeBatch[] = [];
  for (let p = 0; p < k; p++) {
    const from = Math.floor((p * B) / k);
    const to = Math.floor(((p + 1) * B) / k);
    const base = batch.offsets[from * T] as number;
    const offsets = new Int32Array((to - from) * T + 1);
    for (let r = 0; r <= (to - from) * T; r++) offsets[r] = (batch.offsets[from * T + r] as number) - base;
    out.push({
      batchSize: to - from,
      timeSteps: T,
      inputUnits: batch.inputUnits,
      offsets,
      units: batch.units.slice(base, batch.offsets[to * T] as number),
      labels: batch.labels.slice(from, to),
    });
  }
  return out;
}
