import { describe, expect, it } from 'vitest';
import { budgetProblems, estimateResources, GB } from './budgets';
import { type GraphDocument, type GraphEdge, newConnection, newNode } from './document';
import type { ConnectionParams } from './kinds';
import { validateGraph } from './validate';

const signal = (id: string, source: string, target: string): GraphEdge => ({ id, kind: 'signal', source, target });

function network(delay: Partial<ConnectionParams>, recurrent?: Partial<ConnectionParams>, steps = 100): GraphDocument {
  return {
    nodes: [
      newNode('dataset', 'data', 'data', { dataset: 'custom', inputs: 700, classes: 20, timeSteps: steps }),
      newNode('lif', 'hidden', 'hidden', { size: 200 }),
      newNode('readout', 'out', 'out', { size: 20 }),
      newNode('loss', 'loss', 'loss'),
      newNode('training', 'train', 'train'),
    ],
    edges: [
      newConnection('w1', 'data', 'hidden', delay),
      newConnection('w2', 'hidden', 'out'),
      ...(recurrent ? [newConnection('rec', 'hidden', 'hidden', recurrent)] : []),
      signal('s1', 'out', 'loss'),
      signal('s2', 'data', 'loss'),
    ],
  };
}

const errors = (g: GraphDocument) => validateGraph(g).filter((p) => p.severity === 'error');

describe('synaptic delays: validation', () => {
  it('accepts every delay mode within the trial, recurrent fixed and per-synapse delays included', () => {
    expect(errors(network({ delay: 'none' }))).toEqual([]);
    expect(errors(network({ delay: 'fixed', delaySteps: 0 }))).toEqual([]);
    expect(errors(network({ delay: 'fixed', delaySteps: 99 }))).toEqual([]);
    expect(errors(network({ delay: 'per-synapse', maxDelay: 25 }, { delay: 'per-synapse', maxDelay: 5 }))).toEqual([]);
    expect(errors(network({ delay: 'learnable', maxDelay: 25 }, { delay: 'fixed', delaySteps: 3 }))).toEqual([]);
  });

  it('names a delay as long as the trial, on the field concerned', () => {
    expect(errors(network({ delay: 'fixed', delaySteps: 100 }))).toEqual([
      {
        severity: 'error',
        target: { type: 'edge', id: 'w1' },
        field: 'delaySteps',
        message:
          'Connection data → hidden: Delay (100 steps) is not shorter than the trial (100 time steps), so no spike would arrive; shorten it',
      },
    ]);
    const [max] = errors(network({ delay: 'learnable', maxDelay: 120 }));
    expect(max?.field).toBe('maxDelay');
    expect(max?.message).toMatch(/Maximum delay \(120 steps\) is not shorter than the trial \(100 time steps\)/);
    // The same maximum is no problem for a connection without per-synapse delays.
    expect(errors(network({ delay: 'fixed', delaySteps: 2, maxDelay: 120 }))).toEqual([]);
  });

  it('refuses negative, fractional and unknown delays with the field named', () => {
    const [neg] = errors(network({ delay: 'fixed', delaySteps: -1 }));
    expect(neg).toMatchObject({
      field: 'delaySteps',
      message: 'Connection data → hidden: Delay must be at least 0 steps',
    });
    const [frac] = errors(network({ delay: 'per-synapse', maxDelay: 2.5 }));
    expect(frac).toMatchObject({
      field: 'maxDelay',
      message: 'Connection data → hidden: Maximum delay must be a whole number',
    });
    const [zero] = errors(network({ delay: 'per-synapse', maxDelay: 0 }));
    expect(zero?.message).toBe('Connection data → hidden: Maximum delay must be at least 1 steps');
    const [mode] = errors(network({ delay: 'sometimes' as ConnectionParams['delay'] }));
    expect(mode?.message).toBe(
      'Connection data → hidden: Synaptic delay must be one of none, fixed, per-synapse, learnable',
    );
  });

  it('refuses learnable delays on a recurrent connection by name', () => {
    const problems = errors(network({ delay: 'none' }, { delay: 'learnable', maxDelay: 5 }));
    expect(problems).toEqual([
      expect.objectContaining({
        target: { type: 'edge', id: 'rec' },
        field: 'delay',
        message: expect.stringMatching(
          /^Connection hidden → hidden: learnable delays are not available on a recurrent/,
        ),
      }),
    ]);
  });
});

describe('synaptic delays: memory budget', () => {
  it('counts per-synapse delays (4 bytes stored, 8 while training) and the learnable kernel per tap', () => {
    const plain = estimateResources(network({ delay: 'none' }));
    const fixed = estimateResources(network({ delay: 'fixed', delaySteps: 5 }));
    const per = estimateResources(network({ delay: 'per-synapse', maxDelay: 25 }));
    const learn = estimateResources(network({ delay: 'learnable', maxDelay: 25 }));
    const w1 = (e: typeof plain) => e.edges.find((x) => x.id === 'w1');
    const synapses = 700 * 200;
    expect(fixed.trainingBytes).toBe(plain.trainingBytes);
    expect(w1(per)?.delayBytes).toBe(synapses * 4);
    expect(per.trainingBytes - plain.trainingBytes).toBe(synapses * 8);
    // Adam: position, gradient, two moments; then taps 0..25 of weights and of their gradients.
    expect(learn.trainingBytes - plain.trainingBytes).toBe(synapses * 4 * 5 + synapses * 26 * 8);
    expect(w1(learn)?.delayArrayElements).toBe(synapses * 26);
  });

  it('refuses learnable delays whose kernel does not fit, naming the connection, the taps and what to change', () => {
    const g = network({ delay: 'learnable', maxDelay: 5000 }, undefined, 10000);
    const data = g.nodes[0];
    if (data?.kind === 'dataset') data.params.inputs = 5000;
    const hidden = g.nodes[1];
    if (hidden?.kind === 'lif') hidden.params.size = 1000;
    const train = g.nodes[4];
    if (train?.kind === 'training') train.params.batchSize = 1;
    const problems = budgetProblems(g, 16 * GB).filter((p) => p.target?.id === 'w1');
    expect(problems).toEqual([
      expect.objectContaining({
        severity: 'error',
        field: 'maxDelay',
        message: expect.stringMatching(
          /^Connection Dataset 'data' → LIF population 'hidden' needs .* GB for its per-synapse delays while training \(5,000 x 1,000 synapses x 5,001 delay taps\); one array holds at most 4,294,967,295 values\. Lower the maximum delay/,
        ),
      }),
    ]);
  });
});
