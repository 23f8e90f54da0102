import { describe, expect, it } from 'vitest';
import { newConnection, newNode } from '../../../shared/graph/document';
import { copyFragment, type DocSnapshot, pasteFragment, removeElements } from './edits';

function doc(): DocSnapshot {
  return {
    graph: {
      nodes: [newNode('dataset', 'data', 'data'), newNode('lif', 'hidden', 'hidden'), newNode('readout', 'out', 'out')],
      edges: [
        newConnection('w_in', 'data', 'hidden'),
        newConnection('w_out', 'hidden', 'out'),
        newConnection('rec', 'hidden', 'hidden'),
      ],
    },
    layout: { positions: { data: { x: 0, y: 0 }, hidden: { x: 200, y: 0 }, out: { x: 400, y: 0 } } },
    metadata: { name: 'test', description: '' },
  };
}

describe('copy and paste', () => {
  it('remaps ids, keeps only edges inside the copy, and makes names unique', () => {
    const d = doc();
    const fragment = copyFragment(d, ['hidden', 'out']);
    expect(fragment.edges.map((e) => e.id).sort()).toEqual(['rec', 'w_out']);
    const { doc: next, nodeIds, edgeIds } = pasteFragment(d, fragment, { x: 40, y: 40 });
    expect(nodeIds).toEqual(['hidden_2', 'out_2']);
    expect(edgeIds).toHaveLength(2);
    const pasted = next.graph.edges.filter((e) => edgeIds.includes(e.id));
    expect(pasted.map((e) => `${e.source}->${e.target}`).sort()).toEqual(['hidden_2->hidden_2', 'hidden_2->out_2']);
    expect(next.graph.nodes.map((n) => n.name)).toEqual(['data', 'hidden', 'out', 'hidden 2', 'out 2']);
    expect(next.layout.positions.hidden_2).toEqual({ x: 240, y: 40 });
    const ids = [...next.graph.nodes.map((n) => n.id), ...next.graph.edges.map((e) => e.id)];
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('pasting twice gives fresh ids each time and does not share parameter objects', () => {
    const d = doc();
    const fragment = copyFragment(d, ['hidden']);
    const once = pasteFragment(d, fragment, { x: 40, y: 40 });
    const twice = pasteFragment(once.doc, fragment, { x: 80, y: 80 });
    expect(twice.nodeIds).toEqual(['hidden_3']);
    const [a, b] = [once.doc.graph.nodes.at(-1), twice.doc.graph.nodes.at(-1)];
    expect(a?.params).not.toBe(b?.params);
  });

  it('deleting a node removes its edges and position', () => {
    const next = removeElements(doc(), ['hidden'], []);
    expect(next.graph.edges).toEqual([]);
    expect(next.layout.positions.hidden).toBeUndefined();
  });
});
