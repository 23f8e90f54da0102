import { describe, expect, it } from 'vitest';
import { newConnection, newNode } from '../../../shared/graph/document';
import { judgeConnection } from './connectionRules';

const graph = {
  nodes: [
    newNode('dataset', 'data', 'data'),
    newNode('lif', 'h1', 'h1'),
    newNode('lif', 'h2', 'h2'),
    newNode('readout', 'out', 'out'),
    newNode('loss', 'loss', 'loss'),
    newNode('regularizer', 'reg', 'reg'),
    newNode('training', 'train', 'train'),
  ],
  edges: [newConnection('a', 'data', 'h1'), newConnection('b', 'h1', 'h2')],
};

describe('connection rules', () => {
  it('types edges by their target', () => {
    expect(judgeConnection(graph, 'h2', 'out')).toEqual({ ok: true, edgeKind: 'connection' });
    expect(judgeConnection(graph, 'out', 'loss')).toEqual({ ok: true, edgeKind: 'signal' });
    expect(judgeConnection(graph, 'data', 'loss')).toEqual({ ok: true, edgeKind: 'signal' });
    expect(judgeConnection(graph, 'h1', 'reg')).toEqual({ ok: true, edgeKind: 'signal' });
    expect(judgeConnection(graph, 'h1', 'h1')).toEqual({ ok: true, edgeKind: 'connection' });
  });

  it('refuses with a reason', () => {
    const reason = (s: string, t: string) => {
      const v = judgeConnection(graph, s, t);
      return v.ok ? null : v.reason;
    };
    expect(reason('out', 'h1')).toMatch(/analog/);
    expect(reason('data', 'h1')).toMatch(/already connected/);
    expect(reason('h2', 'h1')).toMatch(/loop/);
    expect(reason('out', 'out')).toMatch(/analog/);
    expect(reason('out', 'reg')).toMatch(/regulariser watches a LIF/);
    expect(reason('loss', 'h1')).toMatch(/has no output/);
    expect(reason('h1', 'train')).toMatch(/takes no inputs/);
    expect(reason('h1', 'data')).toMatch(/takes no inputs/);
  });
});
