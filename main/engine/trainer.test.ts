import { describe, expect, it } from 'vitest';
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

  it('the reference engine trains the same graph to nearly the same weights', async () => {
    const opts = { seed: 5, epochs: 1, maxBatches: 2 } as const;
    const fast = new Trainer(buildGraph(spec), data(), { ...opts, engine: 'fast' });
    const ref = new Trainer(buildGraph(spec), data(), { ...opts, engine: 'reference' });
    const fe = await collect(fast);
    const re = await collect(ref);
    const fl = fe.flatMap((e) => (e.type === 'batch' ? [e.loss] : []));
    const rl = re.flatMap((e) => (e.type === 'batch' ? [e.loss] : []));
    for (let i = 0; i < fl.length; i++) expect(fl[i]).toBeCloseTo(rl[i] as number, 4);
    expect(re.at(-1)?.type === 'done' && re.at(-1)).toMatchObject({ engine: 'reference' });
  });

  it('stops on NaN with a message naming the step, keeping the last good weights', async () => {
    const graph = buildGraph(spec);
    // Readout weights near float32's limit overflow the readout membrane: the loss is NaN.
    const huge = new Float32Array(16 * 3).fill(3e38);
    const trainer = new Trainer(graph, data(), { seed: 1, initialWeights: { w_h0_out: huge } });
    const events = await collect(trainer);
    const failed = events.at(-1);
    expect(failed?.type).toBe('failed');
    if (failed?.type !== 'failed') return;
    expect(failed.step).toBe(1);
    expect(failed.message).toMatch(/epoch 1, batch 1 \(step 1\)/);
    expect(failed.message).toMatch(/learning rate/);
    expect(trainer.getWeights().w_h0_out).toEqual(huge);
  });

  it('stops when an update makes the weights non-finite', async () => {
    const s: NetSpec = { ...spec, training: { ...spec.training, learningRate: 10, optimizer: 'sgd', momentum: 0 } };
    const trainer = new Trainer(buildGraph(s), data(), { seed: 2 });
    const start = trainer.getWeights();
    const big = new Float32Array(16 * 3).fill(1e38);
    const t2 = new Trainer(buildGraph(s), data(), { seed: 2, initialWeights: { ...start, w_h0_out: big } });
    const events = await collect(t2);
    const last = events.at(-1);
    // Either the loss overflows at once or an update does: both stop with the last good weights.
    expect(last?.type).toBe('failed');
    for (const w of Object.values(t2.getWeights())) expect(w.every(Number.isFinite)).toBe(true);
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
