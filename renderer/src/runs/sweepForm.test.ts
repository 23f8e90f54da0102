import { describe, expect, it } from 'vitest';
import randman from '../../../examples/randman.snn.json?raw';
import { loadSnnFile } from '../../../shared/file/snnFile';
import { defaultForm, sweepRequest } from './sweepForm';

const loaded = loadSnnFile(randman);
if (!loaded.ok) throw new Error(loaded.error);
const graph = loaded.file.graph;

describe('sweep form', () => {
  it('starts from surrogate scale by learning rate (Zenke & Vogels, Fig. 3) around the graph’s values', () => {
    const form = defaultForm(graph);
    expect(form.grid.map((r) => r.path)).toEqual(['train.surrogateScale', 'train.learningRate']);
    const result = sweepRequest(form, graph);
    expect(result).toMatchObject({ ok: true, configs: 9 });
    if (result.ok) expect(result.request.axes?.[0]?.values).toEqual([2, 20, 200]);
  });

  it('builds a 3x2 grid request with run settings', () => {
    const result = sweepRequest(
      {
        ...defaultForm(graph),
        grid: [
          { path: 'train.surrogateScale', values: '1,10,100' },
          { path: 'train.learningRate', values: '1e-3,5e-3' },
        ],
        epochs: '2',
        maxBatches: '3',
      },
      graph,
    );
    expect(result).toEqual({
      ok: true,
      configs: 6,
      request: {
        axes: [
          { path: 'train.surrogateScale', values: [1, 10, 100] },
          { path: 'train.learningRate', values: [0.001, 0.005] },
        ],
        epochs: 2,
        maxBatches: 3,
      },
    });
  });

  it('says what is wrong: bad values, fractional seeds, a parameter twice, bad epochs, inverted ranges', () => {
    const base = defaultForm(graph);
    const bad = (patch: Partial<typeof base>) => {
      const r = sweepRequest({ ...base, ...patch }, graph);
      return r.ok ? 'ok' : r.error;
    };
    expect(bad({ grid: [{ path: 'train.learningRate', values: '1e-3,abc' }] })).toMatch(/'abc' is not a number/);
    expect(bad({ grid: [{ path: 'train.seed', values: '0,0.5' }] })).toMatch(/whole numbers/);
    expect(
      bad({
        grid: [
          { path: 'train.seed', values: '0,1' },
          { path: 'train.seed', values: '2' },
        ],
      }),
    ).toMatch(/swept twice/);
    expect(bad({ epochs: '1.5' })).toMatch(/Epochs must be a whole number/);
    expect(bad({ grid: [] })).toMatch(/Add a parameter/);
    expect(
      bad({ mode: 'random', random: [{ path: 'train.learningRate', dist: 'loguniform', lo: '1', hi: '0.1' }] }),
    ).toMatch(/high end is below/);
    expect(bad({ mode: 'random', random: [{ path: 'train.seed', dist: 'uniform', lo: '0', hi: '3' }] })).toMatch(
      /whole numbers/,
    );
  });

  it('draws random configurations: the count is the number of runs', () => {
    const r = sweepRequest(
      {
        ...defaultForm(graph),
        mode: 'random',
        random: [{ path: 'train.learningRate', dist: 'loguniform', lo: '1e-4', hi: '1e-2' }],
        count: '5',
        seed: '3',
      },
      graph,
    );
    expect(r).toMatchObject({ ok: true, configs: 5, request: { random: { count: 5, seed: 3 } } });
  });
});
