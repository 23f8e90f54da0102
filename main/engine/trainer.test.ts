import { describe, expect, it, vi } from 'vitest';
import { base64ToFloat32 } from '../../shared/file/base64';
import { newSnnFile } from '../../shared/file/snnFile';
import { Optimizer } from './optimizer';
import { optimizerStateFromFile, weightsFromFile, withTrainedWeights } from './snnWeights';
import { buildGraph, memoryDataset, type NetSpec } from './testing';
import { Trainer, type TrainerEvent } from './trainer';

const spec: NetSpec = {
  inputs: 12,
  classes: 3,
  timeSteps: 30,
  hidden: [{ size: 16 }],
  regularizers: [{ bound: 'upper', strength: 0.01, target: 5 }],
  training: { batchSize: 16, learningRate: 1e-2, surrogateScale: 10, epochs: 6, validationSplit: 'validation' },
  init: { init: 'spytorch', scale: 7 },
};
const data = () => memoryDataset(1, { train: 96, validation: 32, test: 32 }, 12, 3, 30);

async function collect(trainer: Trainer): Promise<TrainerEvent[]> {
  const events: TrainerEvent[] = [];
  for await (const e of trainer.run()) events.push(e);
  return events;
}

describe('Trainer', () => {
  it('emits started, batch, epoch and done events and learns', async () => {
    const events = await collect(new Trainer(buildGraph(spec), data(), { seed: 3 }));
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('started');
    expect(types.filter((t) => t === 'batch')).toHaveLength(36);
    expect(types.filter((t) => t === 'epoch')).toHaveLength(6);
    const done = events.at(-1);
    expect(done?.type).toBe('done');
    if (done?.type !== 'done') return;
    expect(done.engine).toBe('fast');
    expect(typeof done.backend).toBe('string');
    const epochs = events.filter((e) => e.type === 'epoch');
    expect(epochs[5]?.trainLoss).toBeLessThan(epochs[0]?.trainLoss as number);
    expect(done.testAcc).toBeGreaterThan(0.5);
  });

  it('trains an adLIF network (recurrent, symplectic Euler) in the fast engine and learns', async () => {
    const adlif: NetSpec = {
      ...spec,
      hidden: [{ size: 16, neuron: 'adlif', adaptation: 'symplectic-euler', adaptScale: 10, recurrent: true }],
    };
    const events = await collect(new Trainer(buildGraph(adlif), data(), { seed: 3 }));
    const done = events.at(-1);
    expect(done?.type).toBe('done');
    if (done?.type !== 'done') return;
    expect(done.engine).toBe('fast');
    const epochs = events.filter((e) => e.type === 'epoch');
    expect(epochs[5]?.trainLoss).toBeLessThan(epochs[0]?.trainLoss as number);
    expect(done.testAcc).toBeGreaterThan(0.5);
  });

  it('is deterministic: same seed, same weights and losses', async () => {
    const run = async () => {
      const trainer = new Trainer(buildGraph(spec), data(), { seed: 11, epochs: 2 });
      const events = await collect(trainer);
      return { losses: events.flatMap((e) => (e.type === 'batch' ? [e.loss] : [])), weights: trainer.getWeights() };
    };
    const a = await run();
    const b = await run();
    expect(a.losses).toEqual(b.losses);
    for (const id of Object.keys(a.weights)) expect(b.weights[id]).toEqual(a.weights[id]);
    const c = new Trainer(buildGraph(spec), data(), { seed: 12 }).getWeights();
    expect(c.w_data_h0).not.toEqual(a.weights.w_data_h0);
  });

  it('trains bias currents from 0 like the weights, saves them in the file and resumes from them', async () => {
    const withBias: NetSpec = {
      ...spec,
      hidden: [{ size: 16, bias: true }],
      readout: { bias: true },
      training: { ...spec.training, discretisation: 'nir' },
    };
    const graph = buildGraph(withBias);
    const trainer = new Trainer(graph, data(), { seed: 3, epochs: 2 });
    expect(Array.from(trainer.getWeights().h0 as Float32Array)).toEqual(new Array(16).fill(0));
    const events = await collect(trainer);
    expect(events.at(-1)?.type).toBe('done');
    const trained = trainer.getWeights();
    expect((trained.h0 as Float32Array).some((v) => v !== 0)).toBe(true);
    expect((trained.out as Float32Array).some((v) => v !== 0)).toBe(true);
    const file = withTrainedWeights(
      newSnnFile(graph, { positions: {} }, { name: 'b', description: '' }, 'test'),
      trained,
      { epochs: 2 },
      trainer.getOptimizerState(),
    );
    expect(Object.keys(file.biases ?? {}).sort()).toEqual(['h0', 'out']);
    expect(file.biases?.h0?.shape).toEqual([16]);
    expect(Object.keys(file.weights ?? {})).not.toContain('h0');
    expect(Object.keys(file.optimizerState?.slots ?? {})).toContain('h0');
    const back = weightsFromFile(file);
    expect(back.h0).toEqual(trained.h0);
    const resumed = new Trainer(graph, data(), {
      seed: 3,
      initialWeights: back,
      optimizerState: optimizerStateFromFile(file),
    });
    expect(resumed.getWeights().h0).toEqual(trained.h0);
  });

  it('trains per-neuron time constants, thresholds and adaptation from a gamma spread, saves them in ms and resumes from them', async () => {
    const learning: NetSpec = {
      ...spec,
      hidden: [
        {
          size: 16,
          neuron: 'adlif',
          adaptScale: 10,
          learnTauMem: true,
          learnTauSyn: true,
          learnThreshold: true,
          learnAdaptation: true,
          tauInit: 'gamma',
          tauSpread: 0.5,
        },
      ],
      readout: { learnTauMem: true },
    };
    const graph = buildGraph(learning);
    const trainer = new Trainer(graph, data(), { seed: 3 });
    const start = trainer.getWeights();
    const file0 = withTrainedWeights(
      newSnnFile(graph, { positions: {} }, { name: 'p', description: '' }, 'test'),
      start,
      {
        epochs: 0,
      },
    );
    const tau0 = base64ToFloat32(file0.neuronParams?.h0?.tauMem?.data ?? '') as Float32Array;
    // Gamma draws around 10 ms: spread, all positive, near the mean on average.
    expect(new Set(tau0).size).toBe(16);
    expect(Math.min(...tau0)).toBeGreaterThan(0);
    expect(tau0.reduce((a, v) => a + v, 0) / 16).toBeGreaterThan(5);
    expect(tau0.reduce((a, v) => a + v, 0) / 16).toBeLessThan(15);
    const events = await collect(trainer);
    const done = events.at(-1);
    expect(done?.type).toBe('done');
    const epochs = events.filter((e) => e.type === 'epoch');
    expect(epochs[5]?.trainLoss).toBeLessThan(epochs[0]?.trainLoss as number);
    const trained = trainer.getWeights();
    for (const key of ['h0.tauMem', 'h0.tauSyn', 'h0.threshold', 'h0.tauAdapt', 'h0.adaptA', 'h0.adaptB', 'out.tauMem'])
      expect(trained[key], key).not.toEqual(start[key]);
    // The readout's synaptic time constants are held per neuron (its membrane's are) but not learned.
    expect(trained['out.tauSyn']).toEqual(start['out.tauSyn']);
    const file = withTrainedWeights(file0, trained, { epochs: 6 }, trainer.getOptimizerState());
    expect(Object.keys(file.neuronParams?.h0 ?? {}).sort()).toEqual(
      ['adaptA', 'adaptB', 'tauAdapt', 'tauMem', 'tauSyn', 'threshold'].sort(),
    );
    expect(Object.keys(file.neuronParams?.out ?? {}).sort()).toEqual(['tauMem', 'tauSyn']);
    expect(Object.keys(file.weights ?? {}).some((k) => k.includes('.'))).toBe(false);
    expect(Object.keys(file.optimizerState?.slots ?? {})).toContain('h0.tauMem');
    // In ms: the trained values are time constants near the 10 ms they started around.
    const tau = base64ToFloat32(file.neuronParams?.h0?.tauMem?.data ?? '') as Float32Array;
    expect(tau.every((v) => v > 0.5 && v < 1000)).toBe(true);
    const back = weightsFromFile(file);
    for (const key of Object.keys(trained).filter((k) => k.startsWith('h0.') || k.startsWith('out.')))
      for (let j = 0; j < 16 && j < (trained[key] as Float32Array).length; j++)
        expect(back[key]?.[j], key).toBeCloseTo(trained[key]?.[j] as number, 4);
    const resumed = new Trainer(graph, data(), {
      seed: 3,
      initialWeights: back,
      optimizerState: optimizerStateFromFile(file),
    });
    expect(resumed.getWeights()['h0.threshold']).toEqual(back['h0.threshold']);
  });

  it('clamps learned a to [0, 1], b to [0, 2] and thresholds to >= 0.001 after every update', async () => {
    const graph = buildGraph({
      ...spec,
      hidden: [{ size: 16, neuron: 'adlif', adaptScale: 10, learnThreshold: true, learnAdaptation: true }],
      // Adam moves each value by about the rate per step, whatever its gradient: past the bounds within an epoch.
      training: { ...spec.training, learningRate: 0.5 },
    });
    const trainer = new Trainer(graph, data(), { seed: 3, epochs: 1 });
    for await (const e of trainer.run()) if (e.type === 'failed') throw new Error(e.message);
    const w = trainer.getWeights();
    const a = Array.from(w['h0.adaptA'] as Float32Array);
    const b = Array.from(w['h0.adaptB'] as Float32Array);
    const theta = Array.from(w['h0.threshold'] as Float32Array);
    expect(a.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(b.every((v) => v >= 0 && v <= 2)).toBe(true);
    expect(theta.every((v) => v >= 0.001)).toBe(true);
    // The bounds were reached (not merely respected by small steps).
    expect([...a, ...b].filter((v) => v === 0 || v === 1 || v === 2).length).toBeGreaterThan(0);
  });

  it('the reference engine trains the same graph to nearly the same weights', async () => {
    const opts = { seed: 5, epochs: 1, maxBatches: 2 } as const;
    const fast = new Trainer(buildGraph(spec), data(), { ...opts, engine: 'fast' });
    const ref = new Trainer(buildGraph(spec), data(), { ...opts, engine: 'reference' });
    const start = fast.getWeights();
    await collect(fast);
    const re = await collect(ref);
    expect(re.at(-1)).toMatchObject({ type: 'done', engine: 'reference' });
    const fw = fast.getWeights();
    const rw = ref.getWeights();
    for (const id of Object.keys(start)) {
      // The two updates moved the weights (Adam: by about 2 x lr per entry), and both engines the same way.
      const a = fw[id] as Float32Array;
      const b = rw[id] as Float32Array;
      const s0 = start[id] as Float32Array;
      let moved = 0;
      let diff = 0;
      for (let i = 0; i < a.length; i++) {
        moved = Math.max(moved, Math.abs((a[i] as number) - (s0[i] as number)));
        diff = Math.max(diff, Math.abs((a[i] as number) - (b[i] as number)));
      }
      expect(moved).toBeGreaterThan(1e-3);
      expect(diff).toBeLessThan(1e-2 * moved);
    }
  });

  it('stops on a NaN loss with a message naming the step, keeping the last good weights', async () => {
    const graph = buildGraph(spec);
    // Readout weights near float32's limit overflow the readout membrane: the loss is NaN.
    const huge = new Float32Array(16 * 3).fill(3e38);
    const trainer = new Trainer(graph, data(), { seed: 1, initialWeights: { w_h0_out: huge } });
    const events = await collect(trainer);
    const failed = events.at(-1);
    expect(failed?.type).toBe('failed');
    if (failed?.type !== 'failed') return;
    expect(failed.step).toBe(1);
    expect(failed.hadGoodWeights).toBe(true);
    expect(failed.message).toMatch(/epoch 1, batch 1 \(step 1\): the loss became NaN/);
    expect(failed.message).toMatch(/learning rate/);
    expect(trainer.getWeights().w_h0_out).toEqual(huge);
  });

  it('rolls back an update that makes the weights non-finite, optimizer moments included', async () => {
    // The loss and gradients of the second step are finite; its update overflows one weight.
    const s: NetSpec = { ...spec, training: { ...spec.training, optimizer: 'sgd', momentum: 0.9 } };
    const real = Optimizer.prototype.step;
    let calls = 0;
    const spy = vi.spyOn(Optimizer.prototype, 'step').mockImplementation(function (this: Optimizer, w, g) {
      real.call(this, w, g);
      if (++calls === 2) (w.w_h0_out as Float32Array)[5] = Number.POSITIVE_INFINITY;
    });
    try {
      const trainer = new Trainer(buildGraph(s), data(), { seed: 2 });
      let afterFirst: Record<string, Float32Array> = {};
      let momentsAfterFirst: Float32Array | undefined;
      const events: TrainerEvent[] = [];
      for await (const e of trainer.run()) {
        events.push(e);
        if (e.type === 'batch' && e.batch === 1) {
          afterFirst = trainer.getWeights();
          momentsAfterFirst = trainer.getOptimizerState().slots.w_h0_out?.buf?.slice();
        }
      }
      const failed = events.at(-1);
      expect(failed?.type).toBe('failed');
      if (failed?.type !== 'failed') return;
      expect(failed.step).toBe(2);
      expect(failed.message).toMatch(/step 2\): the weights became NaN or infinite/);
      expect(failed.hadGoodWeights).toBe(true);
      const after = trainer.getWeights();
      for (const id of Object.keys(afterFirst)) expect(after[id]).toEqual(afterFirst[id]);
      expect(trainer.getOptimizerState().step).toBe(1);
      expect(trainer.getOptimizerState().slots.w_h0_out?.buf).toEqual(momentsAfterFirst);
    } finally {
      spy.mockRestore();
    }
  });

  it('refuses to start from non-finite initial weights and says there are no good weights', async () => {
    // A connection scale of 1e45 overflows float32 at initialisation.
    const s: NetSpec = { ...spec, init: { init: 'spytorch', scale: 1e45 } };
    const trainer = new Trainer(buildGraph(s), data(), { seed: 2 });
    const events = await collect(trainer);
    expect(events.map((e) => e.type)).toEqual(['started', 'failed']);
    const failed = events.at(-1);
    if (failed?.type !== 'failed') return;
    expect(failed.hadGoodWeights).toBe(false);
    expect(failed.step).toBe(0);
    expect(failed.message).toMatch(/initial weights of connection 'w_data_h0' are NaN or infinite/);
    expect(failed.message).not.toMatch(/last good weights are kept/);
    expect(trainer.hasGoodWeights()).toBe(false);
  });

  it('counts the epochs completed, not those configured', async () => {
    const trainer = new Trainer(buildGraph(spec), data(), { seed: 3, epochs: 3, maxBatches: 1 });
    const run = trainer.run();
    for await (const e of run) if (e.type === 'epoch' && e.epoch === 2) break;
    expect(trainer.epochsCompleted).toBe(2);
    expect(trainer.epochs).toBe(3);
  });

  it('batch events carry weight and gradient norms of every trainable connection', async () => {
    const trainer = new Trainer(buildGraph(spec), data(), { seed: 3, epochs: 1, maxBatches: 1 });
    const batch = (await collect(trainer)).find((e) => e.type === 'batch');
    if (batch?.type !== 'batch') throw new Error('no batch event');
    const w = trainer.getWeights();
    expect(batch.norms?.map((n) => n.edgeId).sort()).toEqual(Object.keys(w).sort());
    for (const n of batch.norms ?? []) {
      const values = w[n.edgeId] as Float32Array;
      expect(n.weight).toBeCloseTo(Math.hypot(...values), 4);
      expect(n.grad).toBeGreaterThan(0);
    }
  });

  it('evaluateBatch returns the predicted class of every sample', async () => {
    const trainer = new Trainer(buildGraph(spec), data(), { seed: 3 });
    const batch = [...data().batches('test', { batchSize: 8 })][0];
    if (!batch) throw new Error('no batch');
    const r = await trainer.evaluateBatch(batch);
    expect(r.predictions).toHaveLength(8);
    expect(r.predictions.every((p) => p >= 0 && p < 3)).toBe(true);
    expect(r.predictions.filter((p, i) => p === batch.labels[i])).toHaveLength(r.correct);
    const rec = await trainer.record(batch, { samples: 8, neurons: 0 });
    expect(rec.predictions).toEqual(r.predictions);
    trainer.dispose();
  });

  it('records spikes and membranes of a few samples', async () => {
    const trainer = new Trainer(buildGraph(spec), data(), { seed: 3 });
    const batch = [...data().batches('test', { batchSize: 8 })][0];
    if (!batch) throw new Error('no batch');
    const rec = await trainer.record(batch, { samples: 2, neurons: 4 });
    expect(rec.samples).toBe(2);
    const hidden = rec.populations.find((p) => p.id === 'h0');
    expect(hidden?.membranes).toHaveLength(2);
    expect(hidden?.membranes[0]).toHaveLength(4);
    expect(hidden?.membranes[0]?.[0]).toHaveLength(30);
    const out = rec.populations.find((p) => p.id === 'out');
    expect(out?.membranes[0]?.[0]).toHaveLength(31);
    const input = rec.populations.find((p) => p.kind === 'input');
    expect((input?.spikes.length ?? 0) % 3).toBe(0);
    expect(input?.spikes.length).toBeGreaterThan(0);
  });
});
