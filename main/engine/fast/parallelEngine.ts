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
import { splitBatch } from '../batch';
import type { FloatArray } from '../loss';
import type { Plan, WeightSet } from '../plan';
import type { BatchResult, Engine, GradientResult, Recording, RecordOptions } from '../types';
import { FastEngine, type FastEngineOptions } from './fastEngine';

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
  private broken: Error | null = null;
  private disposed = false;

  /** Starts `threads - 1` workers; fewer when the worker script cannot be found. */
  static canRunWorkers(): boolean {
    return workerUrl() !== null;
  }

  constructor(
    readonly plan: Plan,
    graph: GraphDocument,
    threads: number,
    options: FastEngineOptions = {},
  ) {
    this.local = new FastEngine(plan, options);
    const url = workerUrl();
    if (!url) return;
    for (let i = 1; i < threads; i++) this.workers.push(this.start(url, graph, options, i));
  }

  private start(url: URL, graph: GraphDocument, options: FastEngineOptions, index: number): Worker {
    const worker = new Worker(url.pathname.endsWith('.ts') ? tsBootstrap(url) : url, {
      workerData: { graph, options },
    });
    worker.on('message', (msg: { id: number; ok: boolean; result?: unknown; error?: string }) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new Error(msg.error));
    });
    // A thread that throws outside a request or exits (out of memory, killed) fails every
    // request in flight at once, and every later one: the run cannot go on with a part of
    // each batch missing.
    worker.on('error', (e) => this.fail(`Training thread ${index} failed: ${e.message}`));
    worker.on('exit', (code) => {
      if (!this.disposed) this.fail(`Training thread ${index} stopped unexpectedly (exit code ${code}).`);
    });
    return worker;
  }

  private fail(message: string) {
    this.broken ??= new Error(message);
    for (const p of this.pending.values()) p.reject(this.broken);
    this.pending.clear();
  }

  get threads(): number {
    return this.workers.length + 1;
  }

  private ask<T>(worker: Worker, kind: 'gradients' | 'evaluate', batch: SpikeBatch, weights: WeightSet<FloatArray>) {
    const id = this.nextId++;
    if (this.broken) return Promise.reject(this.broken);
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      const transfer = [batch.offsets.buffer, batch.units.buffer, batch.labels.buffer] as ArrayBuffer[];
      worker.postMessage({ id, kind, batch, weights }, transfer);
    });
  }

  async gradients(batch: SpikeBatch, weights: WeightSet<FloatArray>): Promise<GradientResult> {
    const parts = splitBatch(batch, this.threads);
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
    const parts = splitBatch(batch, this.threads);
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
    this.disposed = true;
    for (const w of this.workers) void w.terminate();
    this.workers.length = 0;
  }
}

function combine(results: BatchResult[], total: number): BatchResult {
  let loss = 0;
  let correct = 0;
  const predictions = new Int32Array(total);
  let at = 0;
  for (const r of results) {
    loss += (r.loss * r.count) / total;
    correct += r.correct;
    predictions.set(r.predictions, at);
    at += r.count;
  }
  return { loss, correct, count: total, predictions };
}
