// A worker thread of the parallel fast engine: owns one FastEngine and computes the
// gradients or evaluation of the sub-batch it is sent.
import { parentPort, workerData } from 'node:worker_threads';
import type { GraphDocument } from '../../../shared/graph/document';
import type { SpikeBatch } from '../../data/types';
import { compilePlan, type WeightSet } from '../plan';
import { wasmKernelsAvailable } from '../wasm/kernels';
import { FastEngine, type FastEngineOptions } from './fastEngine';

export type WorkerRequest =
  | { id: number; kind: 'gradients' | 'evaluate'; batch: SpikeBatch; weights: WeightSet }
  | { id: number; kind: 'close' };

const port = parentPort;
if (port) {
  // On the kernels the engine needs no tfjs: the thread loads it (~85 MB) only without them.
  const backend = wasmKernelsAvailable() ? Promise.resolve() : import('../backend').then((b) => b.initBackend());
  const data = workerData as { graph: GraphDocument; options?: FastEngineOptions };
  const ready = backend.then(() => new FastEngine(compilePlan(data.graph), data.options));
  port.on('message', async (msg: WorkerRequest) => {
    if (msg.kind === 'close') {
      port.close();
      return;
    }
    try {
      const engine = await ready;
      if (msg.kind === 'gradients') {
        const r = engine.gradients(msg.batch, msg.weights);
        const buffers = Object.values(r.grads).map((g) => g.buffer as ArrayBuffer);
        port.postMessage({ id: msg.id, ok: true, result: r }, buffers);
      } else {
        port.postMessage({ id: msg.id, ok: true, result: engine.evaluate(msg.batch, msg.weights) });
      }
    } catch (e) {
      port.postMessage({ id: msg.id, ok: false, error: (e as Error).message });
    }
  });
}
