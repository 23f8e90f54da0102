// The float32 engine with its hot loops in the WebAssembly kernels against the same engine
// on its JS loops, on random graphs: the forward pass is the same computation bit for bit
// (loss, accuracy and predictions identical), and the gradients agree to float32 rounding
// (the dense products, V li and the gradient to a spiking source, round differently). A third
// of the graphs have per-neuron (learned or heterogeneous) time constants and thresholds.
import { describe, expect, it } from 'vitest';
import type { SurrogateName } from '../../../shared/graph/kinds';
import { Random } from '../../util/random';
import { delayWidthKey, initDelays } from '../delays';
import { initWeights } from '../init';
import type { FloatArray } from '../loss';
import { neuronKey } from '../neuronParams';
import { compilePlan } from '../plan';
import { buildGraph, type NetSpec, randomBatch } from '../testing';
import type { GradientResult } from '../types';
import { FastEngine } from './fastEngine';

const SURROGATES: SurrogateName[] = ['fast-sigmoid', 'piecewise-linear', 'arctan', 'sigmoid', 'exponential'];
const LOSSES = ['max-over-time', 'sum-over-time', 'last-step', 'spike-count-mse'] as const;

function randomSpec(rng: Random, i: number): NetSpec {
  const pick = <T>(xs: readonly T[]): T => xs[rng.int(xs.length)] as T;
  const depth = 1 + rng.int(2);
  const loss = LOSSES[i % LOSSES.length] as (typeof LOSSES)[number];
  const classes = 2 + rng.int(4);
  const hidden = Array.from({ length: depth }, (_, d) => ({
    size: d === depth - 1 && loss === 'spike-count-mse' ? classes : 5 + rng.int(40),
    reset: pick(['zero', 'subtract'] as const),
    detachReset: rng.uniform() < 0.6,
    scaleInput: rng.uniform() < 0.3,
    recurrent: rng.uniform() < 0.5,
    tauMem: pick([5, 10, 20]),
    tauSyn: pick([2, 5, 10]),
    bias: i % 3 === 1,
    // Per-neuron constants (lifForwardNeurons, adjointStepBatchNeurons) on a third of the
    // graphs: learned from a spread, or fixed with a spread, or learned from constants.
    ...(i % 3 === 2
      ? {
          learnTauMem: rng.uniform() < 0.7,
          learnTauSyn: rng.uniform() < 0.7,
          learnThreshold: rng.uniform() < 0.7,
          tauInit: pick(['constant', 'uniform', 'gamma'] as const),
          tauSpread: 0.3,
        }
      : {}),
  }));
  const scaleInput = hidden.some((h) => h.scaleInput);
  return {
    inputs: 10 + rng.int(60),
    classes,
    timeSteps: 20 + rng.int(30),
    hidden,
    readout: { scaleInput: rng.uniform() < 0.3, tauMem: pick([5, 10, 20]), bias: i % 3 === 1 },
    loss: { loss, targetCountCorrect: 3, targetCountWrong: 1 },
    regularizers:
      rng.uniform() < 0.5
        ? [
            { bound: 'lower', strength: 0.5, target: 2 },
            { bound: 'upper', strength: 0.1, target: 0.5, power: pick(['l1', 'l2'] as const) },
          ]
        : [],
    training: {
      surrogate: SURROGATES[i % SURROGATES.length] as SurrogateName,
      surrogateScale: pick([2, 5, 20, 100]),
      sparseBackward: rng.uniform() < 0.25,
      sparseWindow: 0.3,
      // NIR's step, adjoint and shifted recurrent gradient have their own kernel paths.
      discretisation: i % 4 === 3 ? 'nir' : 'spytorch',
    },
    skip: rng.uniform() < 0.3 && loss !== 'spike-count-mse',
    init: { init: 'normal', scale: scaleInput ? 20 : 3 },
  };
}

function relativeError(a: FloatArray, b: FloatArray): number {
  let d = 0;
  let n = 0;
  for (let i = 0; i < b.length; i++) {
    d += ((a[i] as number) - (b[i] as number)) ** 2;
    n += (b[i] as number) ** 2;
  }
  return n === 0 ? (d === 0 ? 0 : Number.POSITIVE_INFINITY) : Math.sqrt(d / n);
}

/** The same loss and the same gradients, bit for bit (Object.is: -0 is not 0). */
function expectSameGradients(a: GradientResult, b: GradientResult, what: string) {
  expect(a.loss, what).toBe(b.loss);
  for (const [id, g] of Object.entries(b.grads)) {
    const got = a.grads[id] as FloatArray;
    let differ = -1;
    for (let e = 0; e < g.length && differ < 0; e++) if (!Object.is(got[e], g[e])) differ = e;
    expect(differ, `${id}[${differ}] in ${what}`).toBe(-1);
  }
}

describe('the fast engine on the WebAssembly kernels', () => {
  it.each(Array.from({ length: 36 }, (_, i) => i))(
    'random graph %i: same forward, gradients to float32 rounding',
    (i) => {
      const rng = new Random(104729 * (i + 1));
      const spec = randomSpec(rng, i);
      const plan = compilePlan(buildGraph(spec));
      const weights = initWeights(plan, i);
      const biasRng = new Random(i + 31);
      for (const p of plan.populations)
        if (p.bias) weights[p.id] = Float32Array.from({ length: p.size }, () => 0.4 * (biasRng.uniform() - 0.5));
      const wasm = new FastEngine(plan, { kernels: 'wasm' });
      const js = new FastEngine(plan, { kernels: 'js', matmul: 'js' });
      for (let step = 0; step < 2; step++) {
        const B = 3 + rng.int(6);
        const batch = randomBatch(rng, B, spec.timeSteps, spec.inputs, spec.classes, 0.1);
        const a = wasm.gradients(batch, weights);
        const b = js.gradients(batch, weights);
        expect(wasm.usesKernels).toBe(true);
        expect(js.usesKernels).toBe(false);
        expect(a.loss, JSON.stringify(spec)).toBe(b.loss);
        expect(a.correct).toBe(b.correct);
        expect(Array.from(a.predictions)).toEqual(Array.from(b.predictions));
        expect(Object.keys(a.grads).sort()).toEqual(Object.keys(b.grads).sort());
        for (const [id, g] of Object.entries(b.grads)) {
          const got = a.grads[id] as FloatArray;
          expect(got).toBeInstanceOf(Float32Array);
          // A copy, not a view of the kernels' memory (the worker transfers these buffers).
          expect(got.buffer.byteLength).toBe(got.byteLength);
          expect(relativeError(got, g), `${id} in ${JSON.stringify(spec)}`).toBeLessThan(1e-4);
        }
        const ea = wasm.evaluate(batch, weights);
        expect(ea.loss).toBe(js.evaluate(batch, weights).loss);
      }
    },
  );

  // The sparse backward's forward keeps only the membranes inside its window (KeptMembranes);
  // the gradients must be the floats of keeping every membrane. A wide window keeps more
  // than the first layout has room for, so the batch runs again on a larger one, and then
  // more than half the entries, so the population goes back to keeping every membrane.
  it.each([
    [0, 0.3],
    [1, 0.3],
    [2, 0.3],
    [3, 0.3],
    [4, 0.1],
    [5, 0.1],
    [6, 10],
    [7, 10],
    [8, 10],
  ])(
    "random graph %i, sparse window %d: keeping only the window's membranes gives the same gradients, bit for bit",
    (i, window) => {
      const rng = new Random(7919 * (i + 1));
      const base = randomSpec(rng, i);
      const spec: NetSpec = {
        ...base,
        // Kernel surrogates (the exp ones keep every membrane for the JS loops).
        training: {
          ...base.training,
          surrogate: (['fast-sigmoid', 'piecewise-linear', 'arctan'] as const)[i % 3],
          sparseBackward: true,
          sparseWindow: window,
        },
      };
      const plan = compilePlan(buildGraph(spec));
      const weights = initWeights(plan, i);
      const windowOnly = new FastEngine(plan, { kernels: 'wasm' });
      const all = new FastEngine(plan, { kernels: 'wasm', keepMembranes: 'all' });
      for (let step = 0; step < 2; step++) {
        const B = 8 + rng.int(8);
        const batch = randomBatch(rng, B, spec.timeSteps, spec.inputs, spec.classes, 0.1);
        const a = windowOnly.gradients(batch, weights);
        const b = all.gradients(batch, weights);
        expectSameGradients(a, b, JSON.stringify(spec));
        const { kept, entries } = windowOnly.keptMembranes;
        expect(all.keptMembranes.entries, 'keeping all: no lists').toBe(0);
        // Learned per-neuron constants need every membrane: such graphs keep them all.
        const learned = plan.populations.every((p) => p.kind !== 'lif' || !!p.perNeuron?.learned.length);
        // Lists never hold more than half their population's entries (12 bytes each against 8).
        expect(kept).toBeLessThanOrEqual(entries / 2);
        const listed = plan.populations.filter((p) => p.kind === 'lif' && !p.perNeuron?.learned.length);
        const listedEntries = listed.reduce((n, p) => n + B * spec.timeSteps * p.size, 0);
        if (learned) expect(entries, 'every membrane kept, no lists').toBe(0);
        else if (window > 1)
          expect(entries, 'a population that needs more than half keeps them all').toBeLessThan(listedEntries);
        else {
          expect(entries, 'every population keeps lists').toBe(listedEntries);
          expect(kept, 'a narrow window keeps some membranes, not all').toBeLessThan(entries);
        }
      }
    },
  );

  // A delayed connection out of a population sends its gradient to every entry (fast/delays.ts),
  // so that population keeps everything; the one after it still keeps only its window.
  it.each(['fixed', 'per-synapse', 'learnable'] as const)(
    'a %s delayed connection out of a population: it keeps every entry, the gradients stay bit for bit',
    (delay) => {
      const rng = new Random(2027);
      const spec: NetSpec = {
        inputs: 30,
        classes: 4,
        timeSteps: 40,
        hidden: [{ size: 24 }, { size: 20, recurrent: true }],
        edgeParams: { w_h0_h1: { delay, delaySteps: 2, maxDelay: 3 } },
        init: { init: 'normal', scale: 3 },
        training: { surrogate: 'fast-sigmoid', surrogateScale: 20, sparseBackward: true, sparseWindow: 0.3 },
      };
      const plan = compilePlan(buildGraph(spec));
      // The delays as the trainer draws them, and a learnable kernel's width.
      const weights = { ...initWeights(plan, 3), ...initDelays(plan.connections, 3) };
      if (delay === 'learnable') weights[delayWidthKey('w_h0_h1')] = Float32Array.of(0.8);
      const windowOnly = new FastEngine(plan, { kernels: 'wasm' });
      const all = new FastEngine(plan, { kernels: 'wasm', keepMembranes: 'all' });
      const B = 6;
      const batch = randomBatch(rng, B, 40, 30, 4, 0.1);
      const a = windowOnly.gradients(batch, weights);
      const b = all.gradients(batch, weights);
      expectSameGradients(a, b, delay);
      // Only the second hidden population (20 units) keeps lists.
      expect(windowOnly.keptMembranes.entries).toBe(B * 40 * 20);
    },
  );

  // adLIF runs the JS loops, but the gradient it receives from the next population is a kernel
  // product: with the sparse backward, only at its entries inside the window, with each
  // neuron's own threshold (spread here, so a scalar threshold would pick other entries).
  it.each([0, 1, 2, 3])(
    'adLIF source %i with the sparse backward: only its entries inside the window, the JS gradients to float32 rounding',
    (i) => {
      const rng = new Random(31337 * (i + 1));
      const spec: NetSpec = {
        inputs: 30,
        classes: 4,
        timeSteps: 40,
        hidden: [
          {
            size: 24,
            neuron: 'adlif',
            adaptation: i % 2 ? 'forward-euler' : 'symplectic-euler',
            adaptA: 0.3,
            adaptB: 0.7,
            learnThreshold: true,
            recurrent: i >= 2,
          },
        ],
        init: { init: 'normal', scale: 3 },
        training: { surrogate: 'fast-sigmoid', surrogateScale: 20, sparseBackward: true, sparseWindow: 0.3 },
      };
      const plan = compilePlan(buildGraph(spec));
      const hidden = plan.populations.find((p) => p.adaptation) as (typeof plan.populations)[number];
      const weights = initWeights(plan, i);
      const thresholds = weights[neuronKey(hidden.id, 'threshold')] as Float32Array;
      for (let j = 0; j < thresholds.length; j++) thresholds[j] = 0.6 + 0.8 * rng.uniform();
      const wasm = new FastEngine(plan, { kernels: 'wasm' });
      const js = new FastEngine(plan, { kernels: 'js', matmul: 'js' });
      const batch = randomBatch(rng, 6, 40, 30, 4, 0.1);
      const a = wasm.gradients(batch, weights);
      const b = js.gradients(batch, weights);
      expect(a.loss).toBe(b.loss);
      for (const [id, g] of Object.entries(b.grads)) {
        expect(relativeError(a.grads[id] as FloatArray, g), id).toBeLessThan(1e-4);
        expect(
          g.some((x) => x !== 0),
          `${id}: a gradient`,
        ).toBe(true);
      }
    },
  );

  it('recording on the kernels gives the JS recording', () => {
    const rng = new Random(5);
    const spec: NetSpec = {
      inputs: 30,
      classes: 4,
      timeSteps: 40,
      hidden: [{ size: 20, recurrent: true }],
      init: { init: 'normal', scale: 3 },
    };
    const plan = compilePlan(buildGraph(spec));
    const weights = initWeights(plan, 1);
    const batch = randomBatch(rng, 6, 40, 30, 4, 0.1);
    const wasm = new FastEngine(plan, { kernels: 'wasm' });
    const js = new FastEngine(plan, { kernels: 'js' });
    wasm.gradients(batch, weights);
    const a = wasm.record(batch, weights, { samples: 3, neurons: 5 });
    const b = js.record(batch, weights, { samples: 3, neurons: 5 });
    expect(a).toEqual(b);
    // And training goes on after recording (the layout is made again).
    expect(wasm.gradients(batch, weights).loss).toBe(js.gradients(batch, weights).loss);
  });
});
