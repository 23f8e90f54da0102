import { describe, expect, it } from 'vitest';
import shd from '../../../examples/shd.snn.json?raw';
import { loadSnnFile } from '../../../shared/file/snnFile';
import { graphSvg } from './graphImage';

describe('graphSvg', () => {
  const loaded = loadSnnFile(shd);
  if (!loaded.ok) throw new Error(loaded.error);
  const { graph, layout } = loaded.file;

  it('draws every node and edge, with weight counts and a loop for recurrence', () => {
    const { svg, width, height } = graphSvg(graph, layout);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<g>/g)).toHaveLength(graph.nodes.length);
    expect(svg).toContain('140,000 weights'); // 700 x 200 input weights
    expect(svg).not.toMatch(/>40,000 weights/); // the 200 x 200 recurrent weights are a loop, unlabelled
    expect(svg.match(/marker-end/g)).toHaveLength(graph.edges.length);
    expect(width).toBeGreaterThan(800);
    expect(height).toBeGreaterThan(200);
  });

  it('escapes names', () => {
    const g = { ...graph, nodes: graph.nodes.map((n) => (n.id === 'hidden' ? { ...n, name: '<b>&' } : n)) };
    expect(graphSvg(g, layout).svg).toContain('&lt;b&gt;&amp;');
  });
});
