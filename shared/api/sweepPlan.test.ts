import { describe, expect, it } from 'vitest';
import randman from '../../examples/randman.snn.json' with { type: 'json' };
import { restoreSnnFile } from '../file/snnFile';
import { diffSettings, flattenSettings, heatmapCsv, heatmapGrid, heatmapSvg } from './runs';
import {
  applyConfig,
  gridConfigs,
  parseAxisSpec,
  parseRandomSpec,
  parseValues,
  randomConfigs,
  resolveParam,
  SweepPlanError,
} from './sweepPlan';

const loaded = restoreSnnFile(randman);
if (!loaded.ok) throw new Error(loaded.error);
const graph = loaded.file.graph;

describe('sweep planning', () => {
  it('resolves full paths, node names, aliases and unique bare names', () => {
    expect(resolveParam(graph, 'train.learningRate').path).toBe('train.learningRate');
    expect(resolveParam(graph, 'training.lr').path).toBe('train.learningRate');
    expect(resolveParam(graph, 'surrogateScale').path).toBe('train.surrogateScale');
    expect(resolveParam(graph, 'hidden.tauMem').path).toBe('hidden.tauMem');
    expect(resolveParam(graph, 'w_in.scale').path).toBe('w_in.scale');
    expect(() => resolveParam(graph, 'tauMem')).toThrow(/ambiguous.*hidden.tauMem.*out.tauMem/);
    expect(() => resolveParam(graph, 'hidden.reset')).toThrow(/no numeric parameter 'reset'/);
    expect(() => resolveParam(graph, 'nope.x')).toThrow(/no node or connection 'nope'/);
  });

  it('parses value lists, log and linear spacings and integer ranges', () => {
    expect(parseValues('1,2,5')).toEqual([1, 2, 5]);
    expect(parseValues('log:0.1:1000:5')).toEqual([0.1, 1, 10, 100, 1000]);
    expect(parseValues('lin:0:1:3')).toEqual([0, 0.5, 1]);
    expect(parseValues('range:0:3')).toEqual([0, 1, 2, 3]);
    expect(() => parseValues('1,x')).toThrow(SweepPlanError);
    expect(() => parseValues('log:0:1:3')).toThrow(/positive/);
    expect(() => parseValues('1,1')).toThrow(/twice/);
  });

  it('refuses fractional values for whole-number parameters', () => {
    expect(() => parseAxisSpec(graph, 'seed=0.5,1')).toThrow(/whole numbers/);
    expect(() => parseRandomSpec(graph, 'hidden.size=uniform:10:20')).toThrow(/int:/);
  });

  it('makes the full grid, first axis slowest, and puts values into a copy of the graph', () => {
    const axes = [parseAxisSpec(graph, 'surrogateScale=1,10,100'), parseAxisSpec(graph, 'lr=1e-3,1e-2')];
    const configs = gridConfigs(axes);
    expect(configs).toHaveLength(6);
    expect(configs[1]).toEqual({ 'train.surrogateScale': 1, 'train.learningRate': 0.01 });
    const g = applyConfig(graph, configs[5] as Record<string, number>);
    const train = g.nodes.find((n) => n.id === 'train');
    expect(train?.params).toMatchObject({ surrogateScale: 100, learningRate: 0.01 });
    expect(graph.nodes.find((n) => n.id === 'train')?.params).toMatchObject({ surrogateScale: 20 });
  });

  it('draws reproducible random configurations inside their ranges', () => {
    const specs = [parseRandomSpec(graph, 'lr=loguniform:1e-4:1e-2'), parseRandomSpec(graph, 'seed=int:0:3')];
    const a = randomConfigs(specs, 50, 7);
    expect(randomConfigs(specs, 50, 7)).toEqual(a);
    for (const c of a) {
      expect(c['train.learningRate']).toBeGreaterThanOrEqual(1e-4);
      expect(c['train.learningRate']).toBeLessThanOrEqual(1e-2);
      expect([0, 1, 2, 3]).toContain(c['train.seed']);
    }
    expect(new Set(a.map((c) => c['train.seed'])).size).toBe(4);
  });
});

describe('run comparison and heatmaps', () => {
  it('lists exactly the settings that differ', () => {
    const other = applyConfig(graph, { 'train.learningRate': 0.01 });
    const diff = diffSettings(
      flattenSettings(graph, { engine: 'fast', threads: 1, seed: 0, settings: { epochs: 2 } }),
      flattenSettings(other, { engine: 'fast', threads: 2, seed: 0, settings: {} }),
    );
    expect(diff).toEqual([
      { key: 'run.epochs', a: 2, b: undefined },
      { key: 'run.threads', a: 1, b: 2 },
      { key: 'train.learningRate', a: 0.002, b: 0.01 },
    ]);
  });

  it('averages the metric over other swept parameters and skips unfinished runs', () => {
    const configs = [
      { values: { x: 1, y: 1, seed: 0 }, status: 'done' as const, testAcc: 0.5 },
      { values: { x: 1, y: 1, seed: 1 }, status: 'done' as const, testAcc: 0.7 },
      { values: { x: 2, y: 1, seed: 0 }, status: 'failed' as const },
      { values: { x: 2, y: 1, seed: 1 }, status: 'running' as const, testAcc: 0.9 },
      { values: { x: 1, y: 3, seed: 0 }, status: 'done' as const, testAcc: 0.2 },
    ];
    const grid = heatmapGrid(configs, 'x', 'y');
    expect(grid.x.values).toEqual([1, 2]);
    expect(grid.y.values).toEqual([1, 3]);
    expect(grid.cells[0]?.[0]).toBeCloseTo(0.6);
    expect(grid.cells[0]?.[1]).toBeNull();
    expect(grid.counts).toEqual([
      [2, 0],
      [1, 0],
    ]);
    expect(heatmapCsv(grid).split('\n')[1]).toBe('1,1,0.6,2');
    const svg = heatmapSvg(grid);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('>0.60<');
    expect(svg).toContain('no result');
  });
});
