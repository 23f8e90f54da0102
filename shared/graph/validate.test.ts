import { describe, expect, it } from 'vitest';
import { type GraphDocument, type GraphEdge, newConnection, newNode } from './document';
import { topologicalOrder, validateGraph } from './validate';

const signal = (id: string, source: string, target: string): GraphEdge => ({ id, kind: 'signal', source, target });

function network(): GraphDocument {
  return {
    nodes: [
      newNode('dataset', 'data', 'data', { dataset: 'fashion-mnist' }),
      newNode('lif', 'hidden', 'hidden', { size: 100 }),
      newNode('readout', 'out', 'out', { size: 10 }),
      newNode('loss', 'loss', 'loss'),
      newNode('training', 'train', 'train'),
    ],
    edges: [
      newConnection('w1', 'data', 'hidden'),
      newConnection('w2', 'hidden', 'out'),
      signal('s1', 'out', 'loss'),
      signal('s2', 'data', 'loss'),
    ],
  };
}

const messages = (g: GraphDocument) => validateGraph(g).map((p) => p.message);

describe('validateGraph', () => {
  it('accepts a complete feed-forward network', () => {
    expect(validateGraph(network())).toEqual([]);
  });

  it('refuses time constants shorter than dt under the NIR discretisation (negative Euler decay), not under SpyTorch', () => {
    const g = network();
    const hidden = g.nodes.find((n) => n.id === 'hidden');
    if (hidden?.kind === 'lif') hidden.params.tauSyn = 0.5;
    const train = g.nodes.find((n) => n.kind === 'training');
    if (train?.kind === 'training') train.params.discretisation = 'nir';
    const problems = validateGraph(g);
    expect(problems).toEqual([
      expect.objectContaining({
        severity: 'error',
        target: { type: 'node', id: 'hidden' },
        field: 'tauSyn',
        message: expect.stringMatching(/Synaptic time constant \(0.5 ms\) is shorter than the time step \(1 ms\)/),
      }),
    ]);
    if (train?.kind === 'training') train.params.discretisation = 'spytorch';
    expect(validateGraph(g)).toEqual([]);
    // tau = dt is allowed: the decay is 0 (a synapse that forgets in one step).
    if (train?.kind === 'training') train.params.discretisation = 'nir';
    if (hidden?.kind === 'lif') hidden.params.tauSyn = 1;
    expect(validateGraph(g)).toEqual([]);
  });

  it('does not check a field that does not apply (hidden by its when), and checks it once it applies', () => {
    const g = network();
    const train = g.nodes.find((n) => n.kind === 'training');
    if (train?.kind !== 'training') throw new Error('no training node');
    train.params.optimizer = 'adam';
    train.params.momentum = 5;
    expect(validateGraph(g)).toEqual([]);
    train.params.optimizer = 'sgd';
    expect(validateGraph(g)).toEqual([
      expect.objectContaining({
        field: 'momentum',
        message: expect.stringContaining('Momentum (SGD) must be at most 1'),
      }),
    ]);
  });

  it('checks an adLIF population: its adaptation time constant under NIR, a and b within their bounds', () => {
    const g = network();
    const hidden = g.nodes.find((n) => n.id === 'hidden');
    if (hidden?.kind !== 'lif') throw new Error('no hidden population');
    hidden.params.tauAdapt = 0.5;
    expect(validateGraph(g)).toEqual([]); // a plain LIF population has no adaptation
    hidden.params.neuron = 'adlif';
    expect(messages(g)).toEqual([
      expect.stringMatching(/Adaptation time constant \(0.5 ms\) is shorter than the time step/),
    ]);
    hidden.params.tauAdapt = 100;
    hidden.params.adaptA = 1.5;
    hidden.params.adaptB = -1;
    expect(messages(g)).toEqual([
      "LIF population 'hidden': Sub-threshold coupling (a) must be at most 1",
      "LIF population 'hidden': Spike-triggered adaptation (b) must be at least 0",
    ]);
  });

  it('accepts recurrence and reports a population with no input', () => {
    const g = network();
    g.edges.push(newConnection('rec', 'hidden', 'hidden'));
    expect(validateGraph(g)).toEqual([]);
    g.edges = g.edges.filter((e) => e.id !== 'w1');
    expect(validateGraph(g)).toContainEqual({
      severity: 'error',
      target: { type: 'node', id: 'hidden' },
      message: "Population 'hidden' receives no input",
    });
  });

  it('names the field and its unit when a parameter is out of bounds', () => {
    const g = network();
    const hidden = g.nodes[1];
    if (hidden?.kind === 'lif') hidden.params.tauMem = 0;
    const problem = validateGraph(g).find((p) => p.field === 'tauMem');
    expect(problem?.target).toEqual({ type: 'node', id: 'hidden' });
    expect(problem?.message).toBe("LIF population 'hidden': Membrane time constant must be greater than 0 ms");
  });

  it('reports a graph without a loss, and a loss without a readout', () => {
    const g = network();
    g.nodes = g.nodes.filter((n) => n.id !== 'loss');
    g.edges = g.edges.filter((e) => e.kind === 'connection');
    expect(messages(g)).toContain('The graph has no loss');
    const h = network();
    h.edges = h.edges.filter((e) => e.id !== 's1');
    expect(messages(h)).toContain("A loss needs a readout: connect one to 'loss'");
  });

  it('checks the readout against the number of classes', () => {
    const g = network();
    const out = g.nodes[2];
    if (out?.kind === 'readout') out.params.size = 5;
    expect(messages(g)).toContain("Readout 'out' has 5 outputs but the dataset has 10 classes");
  });

  it('refuses wrong wiring and loops other than recurrence', () => {
    const g = network();
    g.edges.push(newConnection('bad', 'out', 'hidden'));
    expect(messages(g)).toContain("A connection must start at a dataset or LIF population, not at Readout 'out'");
    const h = network();
    h.nodes.push(newNode('lif', 'h2', 'h2'));
    h.edges.push(newConnection('a', 'hidden', 'h2'), newConnection('b', 'h2', 'hidden'));
    expect(messages(h).some((m) => m.startsWith("Connections form a loop through 'hidden' → 'h2'"))).toBe(true);
  });

  it('reports dangling edges, missing settings and never throws on odd values', () => {
    const g = network();
    g.edges.push(signal('ghost', 'nowhere', 'loss'));
    g.nodes = g.nodes.filter((n) => n.id !== 'train');
    const hidden = g.nodes[1] as { params: Record<string, unknown> };
    hidden.params.size = 'many';
    hidden.params.reset = 'sometimes';
    const ms = messages(g);
    expect(ms).toContain("Edge 'ghost' joins a node that does not exist (nowhere)");
    expect(ms).toContain('The graph has no training settings');
    expect(ms).toContain("LIF population 'hidden': Neurons must be a number");
    expect(ms).toContain("LIF population 'hidden': Reset must be one of zero, subtract");
  });

  it('orders nodes so that connections go forwards', () => {
    const order = topologicalOrder(network()).map((n) => n.id);
    expect(order.indexOf('data')).toBeLessThan(order.indexOf('hidden'));
    expect(order.indexOf('hidden')).toBeLessThan(order.indexOf('out'));
  });
});

describe('per-neuron parameters', () => {
  it('accepts learnable and heterogeneous switches on adLIF, LIF and readouts without a problem on their fields', () => {
    const on = { learnTauMem: true, learnTauSyn: true, tauInit: 'gamma' as const, tauSpread: 0.5 };
    const nodes = [
      newNode('lif', 'a', 'adaptive', { neuron: 'adlif', ...on, learnThreshold: true, learnAdaptation: true }),
      newNode('lif', 'l', 'plain', { ...on, learnThreshold: true }),
      newNode('readout', 'r', 'out', on),
    ];
    const fields = validateGraph({ nodes, edges: [] } as GraphDocument)
      .filter((p) => p.target?.type === 'node' && p.field)
      .map((p) => `${p.target?.type === 'node' ? p.target.id : ''}.${p.field}`);
    expect(fields).toEqual([]);
  });
});
