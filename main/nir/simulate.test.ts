// The simulator against third-party runs of real NIR files (main/nir/fixtures/README.md): each
// fixture, under the convention of the run that produced it, must give the peer's spikes
// exactly and its membranes to 1e-5.
import { describe, expect, it } from 'vitest';
import { fixtureBatch, fixtureNir, fixtureRuns } from './fixtureFiles';
import { readH5 } from './h5';
import { readNirGraph } from './importRead';
import { type NirSemantics, simulateNir, spikeTriples } from './simulate';

async function load(name: string) {
  const fixture = fixtureRuns(name);
  const tree = await readH5(fixtureNir(name));
  return { fixture, flat: readNirGraph(tree, []) };
}

function maxDiff(ours: Float64Array, theirs: number[][][], size: number, T: number): number {
  let worst = 0;
  for (let b = 0; b < theirs.length; b++)
    for (let t = 0; t < (theirs[b]?.length ?? 0); t++)
      (theirs[b]?.[t] ?? []).forEach((v, j) => {
        worst = Math.max(worst, Math.abs((ours[(b * T + t) * size + j] as number) - v));
      });
  return worst;
}

const CASES: [fixture: string, run: string, semantics: NirSemantics][] = [
  ['snntorch-synaptic-ff', 'snntorch_original', 'snntorch-reset-delay'],
  ['snntorch-synaptic-ff', 'snntorch_original_reset_delay_false', 'snntorch'],
  ['snntorch-synaptic-ff', 'snntorch_import_from_nir', 'snntorch'],
  ['snntorch-rsynaptic', 'snntorch_original', 'snntorch-reset-delay'],
  ['nir-paper-braille', 'nir_reference_impl', 'nir-subtract'],
  ['nir-paper-braille', 'nir_reference_impl_reset_to_v_reset', 'nir'],
  ['lif-norse', 'norse_recorded', 'norse'],
  ['lif-norse', 'nir_reference_impl_lif', 'nir-subtract'],
  ['lif-norse', 'nir_reference_impl_lif_reset_to_v_reset', 'nir'],
  ['lif-norse', 'snntorch_import_from_nir', 'snntorch'],
  ['snntorch-lif', 'nir_reference_impl_lif', 'nir-subtract'],
  ['snntorch-lif', 'nir_reference_impl_lif_reset_to_v_reset', 'nir'],
  ['snntorch-lif', 'snntorch_import_from_nir', 'snntorch'],
];

describe('the NIR simulator reproduces third-party runs of real files', () => {
  for (const [name, run, semantics] of CASES)
    it(`${name}: ${run} (as '${semantics}') gives the same spikes, and membranes to 1e-5`, async () => {
      const { fixture, flat } = await load(name);
      const batch = fixtureBatch(fixture.input);
      const result = simulateNir(flat, batch, semantics, fixture.dt);
      const layers = fixture.runs[run]?.layers ?? {};
      let compared = 0;
      for (const [layer, golden] of Object.entries(layers)) {
        const trace = result.layers.get(layer);
        expect(trace, `layer ${layer}`).toBeDefined();
        if (!trace) continue;
        if (golden.spikes) {
          const sort = (a: number[][]) => a.map((x) => x.join(',')).sort();
          expect(sort(spikeTriples(trace, batch.timeSteps)), `${layer} spikes`).toEqual(sort(golden.spikes));
          compared++;
        }
        if (golden.membrane) {
          expect(
            maxDiff(trace.membrane, golden.membrane, trace.size, batch.timeSteps),
            `${layer} membrane`,
          ).toBeLessThan(1e-5);
          compared++;
        }
        if (golden.membrane_pre_reset) {
          const d = maxDiff(trace.membranePreReset, golden.membrane_pre_reset, trace.size, batch.timeSteps);
          expect(d, `${layer} membrane before the reset`).toBeLessThan(1e-5);
        }
      }
      expect(compared).toBeGreaterThan(0);
    });

  it('the spikes of the fixtures are not trivial (each compared layer spikes, conventions differ)', async () => {
    const { fixture, flat } = await load('snntorch-synaptic-ff');
    const batch = fixtureBatch(fixture.input);
    const a = simulateNir(flat, batch, 'snntorch', fixture.dt).layers.get('1');
    const b = simulateNir(flat, batch, 'snntorch-reset-delay', fixture.dt).layers.get('1');
    const n = (x: Uint8Array | undefined) => x?.reduce((s, v) => s + v, 0) ?? 0;
    expect(n(a?.spikes)).toBe(461);
    expect(n(b?.spikes)).toBe(295);
  });
});

describe('the simulator on constructed graphs', () => {
  it('a Delay node holds each unit back by round(delay / dt) steps', async () => {
    const { dataset, group, writeH5 } = await import('./h5');
    const tree = group({
      version: dataset('1.0.7'),
      node: group({
        type: dataset('NIRGraph'),
        nodes: group({
          input: group({ type: dataset('Input'), shape: dataset(BigInt64Array.of(2n)) }),
          delay: group({ type: dataset('Delay'), delay: dataset(Float64Array.of(2e-3, 0)) }),
          output: group({ type: dataset('Output'), shape: dataset(BigInt64Array.of(2n)) }),
        }),
        edges: dataset(['input', 'delay', 'delay', 'output'], [2, 2]),
      }),
    });
    const flat = readNirGraph(await readH5(await writeH5(tree)), []);
    const batch = fixtureBatch({
      shape: [1, 6, 2],
      spikes: [
        [0, 1, 0],
        [0, 1, 1],
      ],
    });
    const out = simulateNir(flat, batch, 'nir', 1e-3).layers.get('output');
    const at = (t: number, j: number) => out?.output[t * 2 + j];
    expect([at(1, 0), at(3, 0), at(1, 1), at(3, 1)]).toEqual([0, 1, 1, 0]);
  });
});
