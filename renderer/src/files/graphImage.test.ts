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

  it("names an adaptive population's model and a connection's delay", () => {
    const g = {
      nodes: graph.nodes.map((n) => (n.id === 'hidden' ? { ...n, params: { ...n.params, neuron: 'adlif' } } : n)),
      edges: graph.edges.map((e) =>
        e.kind === 'connection' && e.source !== e.target
          ? { ...e, params: { ...e.params, delay: 'learnable', maxDelay: 25 } }
          : e,
      ),
    } as typeof graph;
    const { svg } = graphSvg(g, layout);
    expect(svg).toContain('200 adLIF (SE) · τ');
    expect(svg).toContain('140,000 weights · d≤25 learnable');
  });

  it('escapes names', () => {
    const g = { ...graph, nodes: graph.nodes.map((n) => (n.id === 'hidden' ? { ...n, name: '<b>&' } : n)) };
    expect(graphSvg(g, layout).svg).toContain('&lt;b&gt;&amp;');
  });
});
