// Synaptic delays beyond the gradient checks (forwardMode.test.ts, gradients.test.ts): the
// event-driven semantics on a hand-made case, the learnable kernel and its width schedule,
// the kernels' path against the JS loops, and training: schedule, rounding, the file's
// `delays` map with moments, resume and determinism.
import { beforeAll, describe, expect, it } from 'vitest';
import { newSnnFile } from '../../shared/file/snnFile';
import { Random } from '../util/random';
import { initBackend } from './backend';
import {
  DELAY_LEARNING_RATE_FACTOR,
  delayKey,
  delayWidth,
  delayWidthKey,
  FINAL_WIDTH,
  initDelays,
  initialWidth,
  KERNEL_CUTOFF,
} from './delays';
import { kernelTaps, kernelWidthTaps } from './fast/delays';
import { FastEngine } from './fast/fastEngine';
import { initWeights } from './init';
import type { FloatArray } from './loss';
import { compilePlan } from './plan';
import { optimizerStateFromFile, weightsFromFile, withTrainedWeights } from './snnWeights';
import { buildGraph, memoryDataset, type NetSpec, randomBatch } from './testing';
import { Trainer, type TrainerEvent } from './trainer';

beforeAll(async () => {
  await initBackend();
});

describe('delayed delivery', () => {
  // One input unit into one readout neuron with weight 1; its trace is the membrane's response.
  const trace = (delay: NetSpec['edgeParams'], disc: 'nir' | 'spytorch') => {
    const spec: NetSpec = {
      inputs: 1,
      classes: 1,
      timeSteps: 12,
      hidden: [],
      readout: { tauMem: 10, tauSyn: 5 },
      training: { discretisation: disc },
      edgeParams: delay,
    };
    const plan = compilePlan(buildGraph(spec));
    const weights: Record<string, Float64Array> = { w_data_out: Float64Array.of(1) };
    for (const [k, v] of Object.entries(initDelays(plan.connections, 0))) weights[k] = Float64Array.from(v);
    if (plan.connections[0]?.delay.mode === 'per-synapse') weights[delayKey('w_data_out')] = Float64Array.of(3);
    // One spike at step 2.
    const batch = {
      batchSize: 1,
      timeSteps: 12,
      inputUnits: 1,
      offsets: Int32Array.from({ length: 13 }, (_, r) => (r > 2 ? 1 : 0)),
      units: Int32Array.of(0),
      labels: Int32Array.of(0),
    };
    const rec = new FastEngine(plan, { precision: 'float64' }).record(batch, weights, { samples: 1, neurons: 1 });
    return Array.from(rec.populations.at(-1)?.membranes[0]?.[0] as FloatArray);
  };

  it.each(['nir', 'spytorch'] as const)('a spike of step n reaches the drive d steps later (%s)', (disc) => {
    const plain = trace({ w_data_out: { delay: 'none' } }, disc);
    const fixed = trace({ w_data_out: { delay: 'fixed', delaySteps: 3 } }, disc);
    const per = trace({ w_data_out: { delay: 'per-synapse', maxDelay: 5 } }, disc);
    // The readout steps alike under both: x[2] enters I[3], U[4] (its trace's index 4); then d more.
    const first = (t: number[]) => t.findIndex((v) => v !== 0);
    expect(first(plain)).toBe(4);
    expect(first(fixed)).toBe(first(plain) + 3);
    // Shifted by 3 steps exactly.
    expect(fixed.slice(3)).toEqual(plain.slice(0, plain.length - 3));
    expect(per).toEqual(fixed);
  });
});

describe('the learnable kernel', () => {
  it('is a normalised Gaussian over the taps within 5.68 sigma, one tap when rounded', () => {
    const g = new Float64Array(26);
    const lo = kernelTaps(7.3, 1, 25, kernelWidthTaps(1, 25), g);
    const R = kernelWidthTaps(1, 25);
    expect(R).toBe(Math.floor(2 * KERNEL_CUTOFF) + 1);
    let sum = 0;
    let mean = 0;
    for (let r = 0; r < R; r++) {
      sum += g[r] as number;
      mean += (g[r] as number) * (lo + r);
    }
    expect(sum).toBeCloseTo(1, 14);
    expect(mean).toBeCloseTo(7.3, 6);
    // The taps left out weigh below 1e-7 of the peak.
    expect(lo).toBe(Math.ceil(7.3 - KERNEL_CUTOFF));
    expect(Math.exp(-((lo - 1 - 7.3) ** 2) / 2)).toBeLessThan(1e-7);
    expect(kernelWidthTaps(0, 25)).toBe(1);
    expect(kernelTaps(7.6, 0, 25, 1, g)).toBe(8);
    expect(g[0]).toBe(1);
    // At the schedule's end three taps remain; at its start every one of the 26.
    expect(kernelWidthTaps(FINAL_WIDTH, 25)).toBe(3);
    expect(kernelWidthTaps(initialWidth(25), 25)).toBe(26);
  });

  it('narrows from maxDelay / 2 to 0.23 steps over the first quarter of training, exponentially', () => {
    expect(delayWidth(25, 0)).toBe(12.5);
    expect(delayWidth(25, 0.125)).toBeCloseTo(Math.sqrt(12.5 * FINAL_WIDTH), 12);
    expect(delayWidth(25, 0.25)).toBeCloseTo(FINAL_WIDTH, 12);
    expect(delayWidth(25, 0.9)).toBeCloseTo(FINAL_WIDTH, 12);
    expect(delayWidth(25, 3)).toBeCloseTo(FINAL_WIDTH, 12);
  });
});

describe('delays on the kernels', () => {
  it.each(['nir', 'spytorch'] as const)(
    'the float32 engine on the kernels (per-delay row adds) gives the JS loops’ loss to float32 rounding and their predictions, gradients within 1e-4 (%s)',
    (disc) => {
      const spec: NetSpec = {
        inputs: 20,
        classes: 4,
        timeSteps: 40,
        hidden: [{ size: 24, recurrent: true }, { size: 16 }],
        training: { surrogateScale: 10, discretisation: disc },
        init: { init: 'normal', scale: 3 },
        skip: true,
        edgeParams: {
          w_data_h0: { delay: 'learnable', maxDelay: 8 },
          w_h0_h1: { delay: 'per-synapse', maxDelay: 4 },
          w_h1_out: { delay: 'fixed', delaySteps: 2 },
          w_skip: { delay: 'learnable', maxDelay: 3 },
        },
      };
      const plan = compilePlan(buildGraph(spec));
      const weights = { ...initWeights(plan, 1), ...initDelays(plan.connections, 1) };
      weights[delayWidthKey('w_data_h0')] = Float32Array.of(1.7);
      weights[delayWidthKey('w_skip')] = Float32Array.of(0.23);
      const batch = randomBatch(new Random(9), 8, 40, 20, 4, 0.1);
      const wasm = new FastEngine(plan, { kernels: 'wasm' });
      const js = new FastEngine(plan, { kernels: 'js' });
      const a = wasm.gradients(batch, weights);
      const b = js.gradients(batch, weights);
      expect(wasm.usesKernels).toBe(true);
      // The kernels add a delayed spike's taps as one dense row per delay, the JS loops per
      // synapse and tap: the same sums in another float32 order (1e-8 of the loss here).
      expect(Math.abs(a.loss - b.loss)).toBeLessThan(1e-6 * Math.abs(b.loss));
      expect(Array.from(a.predictions)).toEqual(Array.from(b.predictions));
      expect(Object.keys(a.grads).sort()).toEqual(Object.keys(b.grads).sort());
      for (const [id, g] of Object.entries(b.grads)) {
        let scale = 0;
        let diff = 0;
        for (let i = 0; i < g.length; i++) {
          scale = Math.max(scale, Math.abs(g[i] as number));
          diff = Math.max(diff, Math.abs((g[i] as number) - ((a.grads[id] as FloatArray)[i] as number)));
        }
        expect(scale, id).toBeGreaterThan(0);
        expect(diff / scale, id).toBeLessThan(1e-4);
      }
    },
  );
});

describe('training learnable delays', () => {
  const spec: NetSpec = {
    inputs: 12,
    classes: 3,
    timeSteps: 30,
    hidden: [{ size: 16, recurrent: true }],
    training: { batchSize: 16, learningRate: 1e-2, surrogateScale: 10, epochs: 4, validationSplit: 'validation' },
    init: { init: 'spytorch', scale: 7 },
    edgeParams: {
      w_data_h0: { delay: 'learnable', maxDelay: 6 },
      w_h0_h0: { delay: 'per-synapse', maxDelay: 2 },
    },
  };
  const data = () => memoryDataset(1, { train: 96, validation: 32, test: 32 }, 12, 3, 30);
  const run = async (trainer: Trainer) => {
    const events: TrainerEvent[] = [];
    for await (const e of trainer.run()) events.push(e);
    return events;
  };

  it('moves the positions, rounds them at the end, saves them with their moments and resumes; same seed, same result', async () => {
    const graph = buildGraph(spec);
    const trainer = new Trainer(graph, data(), { seed: 3 });
    const start = trainer.getWeights();
    const events = await run(trainer);
    const done = events.at(-1);
    expect(done?.type).toBe('done');
    const trained = trainer.getWeights();
    const pos = trained[delayKey('w_data_h0')] as Float32Array;
    const pos0 = start[delayKey('w_data_h0')] as Float32Array;
    // Positions were learned (at 100x the weights' rate), then rounded into 0..6.
    expect(DELAY_LEARNING_RATE_FACTOR).toBe(100);
    expect(pos.some((v, i) => Math.abs(v - (pos0[i] as number)) > 0.5)).toBe(true);
    expect(pos.every((v) => Number.isInteger(v) && v >= 0 && v <= 6)).toBe(true);
    // Per-synapse delays are not trained.
    expect(trained[delayKey('w_h0_h0')]).toEqual(start[delayKey('w_h0_h0')]);
    expect((start[delayKey('w_h0_h0')] as Float32Array).every((v) => Number.isInteger(v) && v <= 2)).toBe(true);

    // The file: delays in its `delays` map (shape of the weights), moments under `${edge}.delay`.
    const state = trainer.getOptimizerState();
    const file = withTrainedWeights(
      newSnnFile(graph, { positions: {} }, { name: 'd', description: '' }, 'test'),
      trained,
      { epochs: 4 },
      state,
    );
    expect(Object.keys(file.delays ?? {}).sort()).toEqual(['w_data_h0', 'w_h0_h0']);
    expect(file.delays?.w_data_h0?.shape).toEqual([12, 16]);
    expect(Object.keys(file.weights ?? {}).sort()).toEqual(['w_data_h0', 'w_h0_h0', 'w_h0_out']);
    expect(Object.keys(file.optimizerState?.slots ?? {})).toContain('w_data_h0.delay');
    expect(state.step).toBe(24);
    const back = weightsFromFile(file);
    expect(back[delayKey('w_data_h0')]).toEqual(pos);
    expect(back[delayKey('w_h0_h0')]).toEqual(trained[delayKey('w_h0_h0')]);

    // Resume: the same delays and moments, and the schedule continues from the steps taken.
    const resumed = new Trainer(graph, data(), {
      seed: 3,
      initialWeights: back,
      optimizerState: optimizerStateFromFile(file),
      epochs: 1,
    });
    expect(resumed.getWeights()[delayKey('w_data_h0')]).toEqual(pos);
    expect(resumed.getOptimizerState().slots['w_data_h0.delay']?.m).toEqual(state.slots['w_data_h0.delay']?.m);
    const more = await run(resumed);
    expect(more.at(-1)?.type).toBe('done');
    expect(resumed.getOptimizerState().step).toBe(30);

    // Same seed, same losses and delays.
    const again = new Trainer(graph, data(), { seed: 3 });
    const events2 = await run(again);
    const losses = (es: TrainerEvent[]) => es.flatMap((e) => (e.type === 'batch' ? [e.loss] : []));
    expect(losses(events2)).toEqual(losses(events));
    expect(again.getWeights()[delayKey('w_data_h0')]).toEqual(pos);
  });

  it('brings stored delays outside the connection’s range back into it, with a note', () => {
    const graph = buildGraph(spec);
    const trainer = new Trainer(graph, data(), { seed: 3 });
    const w = trainer.getWeights();
    (w[delayKey('w_data_h0')] as Float32Array)[0] = 40;
    (w[delayKey('w_h0_h0')] as Float32Array)[0] = 7.4;
    const loaded = new Trainer(graph, data(), { seed: 3, initialWeights: w }).getWeights();
    expect(loaded[delayKey('w_data_h0')]?.[0]).toBe(6);
    expect(loaded[delayKey('w_h0_h0')]?.[0]).toBe(2);
  });
});
