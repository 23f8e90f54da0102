import { describe, expect, it } from 'vitest';
import { budgetProblems, estimateResources, formatBytes, GB, MB } from './budgets';
import { newConnection, newNode } from './document';
import { validateGraph } from './validate';

function net(inputs: number, hidden: number, batch: number, steps: number) {
  return {
    nodes: [
      newNode('dataset', 'data', 'data', { dataset: 'custom', inputs, classes: 10, timeSteps: steps }),
      newNode('lif', 'h', 'hidden', { size: hidden }),
      newNode('readout', 'out', 'out', { size: 10 }),
      newNode('loss', 'loss', 'loss'),
      newNode('training', 'train', 'train', { batchSize: batch }),
    ],
    edges: [
      newConnection('w1', 'data', 'h'),
      newConnection('w2', 'h', 'out'),
      { id: 's1', kind: 'signal' as const, source: 'out', target: 'loss' },
      { id: 's2', kind: 'signal' as const, source: 'data', target: 'loss' },
    ],
  };
}

describe('memory budgets', () => {
  it('estimates weights per connection and state as units x steps x batch', () => {
    const est = estimateResources(net(784, 100, 256, 100));
    expect(est.edges.find((e) => e.id === 'w1')?.bytes).toBe(784 * 100 * 4);
    // Adam: weight, gradient, two moments, a transposed copy.
    expect(est.edges.find((e) => e.id === 'w1')?.trainingBytes).toBe(784 * 100 * 4 * 5);
    const h = est.nodes.find((n) => n.id === 'h');
    expect(h?.units).toBe(100 * 100 * 256);
    expect(h?.backwardBytes).toBe(256 * 100 * 100 * 12 + 256 * 100 * 8);
    // Doubling the batch doubles the state, not the weights.
    const twice = estimateResources(net(784, 100, 512, 100));
    expect(twice.weightBytes).toBe(est.weightBytes);
    expect(twice.nodes.find((n) => n.id === 'h')?.backwardBytes).toBe((h?.backwardBytes ?? 0) * 2);
  });

  it('counts trainable bias currents: 4 bytes stored per neuron, weight + gradient + moments + copy while training', () => {
    const plain = net(20, 128, 250, 100);
    const biased = net(20, 128, 250, 100);
    for (const n of biased.nodes) if (n.kind === 'lif' || n.kind === 'readout') n.params.bias = true;
    const a = estimateResources(plain);
    const b = estimateResources(biased);
    expect(a.biasBytes).toBe(0);
    expect(b.biasBytes).toBe((128 + 10) * 4);
    expect(b.trainingBytes - a.trainingBytes).toBe((128 + 10) * 4 * 5);
  });

  it('refuses the 2 KB graph of 100,000 inputs x 40,000 hidden, naming the connection and the figure', () => {
    const problems = validateGraph(net(100000, 40000, 256, 100), { memoryLimitBytes: 6 * GB });
    const weights = problems.find((p) => p.target?.id === 'w1');
    expect(weights?.severity).toBe('error');
    expect(weights?.message).toBe(
      "Connection Dataset 'data' → LIF population 'hidden' needs 14.9 GB of weights (100,000 x 40,000); this machine allows 6.0 GB",
    );
  });

  it('names the largest part when only the whole training step is too large', () => {
    const problems = budgetProblems(net(700, 1000, 256, 1000), 1 * GB);
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringMatching(
        /^LIF population 'hidden' needs 4\.1 GB of state \(1,000 units x 1,000 steps x 256 samples\)/,
      ),
    ]);
    // A limit above every single part but below their sum.
    const graph = net(700, 300, 256, 200);
    const est = estimateResources(graph);
    const largest = Math.max(...est.nodes.map((n) => n.forwardBytes + n.backwardBytes));
    expect(est.trainingBytes).toBeGreaterThan(largest + MB);
    const whole = budgetProblems(graph, largest + 1);
    expect(whole).toHaveLength(1);
    expect(whole[0]?.message).toMatch(
      /^Training needs about .* \(the largest part: .* for the state of LIF population 'hidden'/,
    );
    expect(whole[0]?.target).toEqual({ type: 'node', id: 'h' });
  });

  it('accepts the examples’ sizes under the default limit and formats bytes plainly', () => {
    expect(budgetProblems(net(784, 100, 256, 100))).toEqual([]);
    expect(formatBytes(16 * GB)).toBe('16.0 GB');
    expect(formatBytes(820 * 1024)).toBe('820 KB');
    expect(formatBytes(12)).toBe('12 bytes');
  });
});
