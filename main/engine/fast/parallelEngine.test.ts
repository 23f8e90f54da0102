import { beforeAll, describe, expect, it } from 'vitest';
import { Random } from '../../util/random';
import { initBackend } from '../backend';
import { initWeights } from '../init';
import { compilePlan } from '../plan';
import { buildGraph, randomBatch } from '../testing';
import { FastEngine } from './fastEngine';
import { ParallelFastEngine } from './parallelEngine';

beforeAll(async () => {
  await initBackend();
});

describe('ParallelFastEngine', () => {
  it('gives the single-thread gradients, split over worker threads', async () => {
    const graph = buildGraph({
      inputs: 10,
      classes: 3,
      timeSteps: 20,
      hidden: [{ size: 12, recurrent: true }],
      regularizers: [{ bound: 'lower', strength: 1, target: 1 }],
      init: { init: 'normal', scale: 3 },
    });
    const plan = compilePlan(graph);
    const weights = initWeights(plan, 4);
    const batch = randomBatch(new Random(2), 40, 20, 10, 3, 0.15);
    const single = new FastEngine(plan).gradients(batch, weights);
    const parallel = new ParallelFastEngine(plan, graph, 3);
    try {
      expect(parallel.threads).toBe(3);
      const r = await parallel.gradients(batch, weights);
      expect(r.loss).toBeCloseTo(single.loss, 5);
      expect(r.correct).toBe(single.correct);
      for (const [id, g] of Object.entries(single.grads)) {
        const p = r.grads[id] as Float32Array;
        let scale = 0;
        let diff = 0;
        for (let i = 0; i < g.length; i++) {
          scale = Math.max(scale, Math.abs(g[i] as number));
          diff = Math.max(diff, Math.abs((g[i] as number) - (p[i] as number)));
        }
        expect(diff / scale).toBeLessThan(1e-5);
      }
      const e = await parallel.evaluate(batch, weights);
      expect(e.loss).toBeCloseTo(single.loss, 5);
    } finally {
      parallel.dispose();
    }
  });
});

describe('ParallelFastEngine when a thread dies', () => {
  it('fails the request in flight and every later one with a message naming the thread', async () => {
    const graph = buildGraph({ inputs: 10, classes: 3, timeSteps: 20, hidden: [{ size: 12 }] });
    const plan = compilePlan(graph);
    const weights = initWeights(plan, 4);
    const parallel = new ParallelFastEngine(plan, graph, 2);
    try {
      // Warm the thread up so it is surely running, then kill it as a request is sent to it:
      // it stops before answering, and its exit is seen while the request waits.
      await parallel.gradients(randomBatch(new Random(2), 40, 20, 10, 3, 0.15), weights);
      const thread = (parallel as unknown as { workers: import('node:worker_threads').Worker[] }).workers[0];
      const dying = thread?.terminate();
      const inFlight = parallel.gradients(randomBatch(new Random(3), 40, 20, 10, 3, 0.15), weights);
      await dying;
      await expect(inFlight).rejects.toThrow(/Training thread 1 stopped unexpectedly/);
      await expect(parallel.evaluate(randomBatch(new Random(4), 40, 20, 10, 3, 0.15), weights)).rejects.toThrow(
        /Training thread 1 stopped unexpectedly/,
      );
    } finally {
      parallel.dispose();
    }
  });
});
